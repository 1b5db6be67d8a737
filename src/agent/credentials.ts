// The agent's serving credentials (its API for logs and exec), kept in its data directory.
// `up` makes them before it starts the agent, in a process that has the certificate code
// loaded already, so that an agent finds them and starts without loading it.
import { join } from 'node:path';
import { ensureCredentials, type Credentials } from '../apiserver/auth/pki.js';

export function ensureAgentCredentials(dataDir: string, nodeIP: string, nodeName: string): Promise<Credentials> {
  return ensureCredentials(join(dataDir, 'pki'), [nodeIP], [nodeName]);
}
