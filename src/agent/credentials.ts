// The agent's serving credentials (its API for logs, exec, attach and port-forward), kept in its data directory.
// `up` issues them from the cluster's CA before it starts the agent (the API server verifies
// agents against it), in a process that has the certificate code loaded already, so that an
// agent finds them and starts without loading it.
import { ensureNodeServing, pkiDir } from '../apiserver/auth/pki.js';

/** caDir: the cluster CA's directory, when the caller holds it (`up`). */
export function ensureAgentCredentials(dataDir: string, nodeIP: string, nodeName: string, caDir?: string): Promise<{ cert: string; key: string }> {
  return ensureNodeServing(pkiDir(dataDir), nodeIP, nodeName, caDir);
}
