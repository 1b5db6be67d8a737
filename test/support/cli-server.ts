// The kubesvc API server as a child process (cliCommand: the bundled bin as users run
// it), for tests that kill -9 it and restart it on the same data dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { ApiTarget } from './http.js';
import { cliCommand } from '../../src/cluster/self.js';

const here = dirname(fileURLToPath(import.meta.url));
const inDist = here.includes('/dist/');
const ROOT = inDist ? join(here, '..', '..', '..') : join(here, '..', '..');

export interface CliServer {
  child: ChildProcess;
  target: ApiTarget;
  kubeconfigPath: string;
  log(): string;
  /** Resolves once the process has exited (with its signal, if any). */
  exited: Promise<NodeJS.Signals | null>;
  kill(signal?: NodeJS.Signals): Promise<NodeJS.Signals | null>;
}

/** Starts `kubesvc server` on 127.0.0.1:port with dataDir; resolves once it is ready. */
export async function spawnCliServer(dataDir: string, port: number, extraArgs: string[] = []): Promise<CliServer> {
  const [node, ...cli] = cliCommand();
  const child = spawn(node, [...cli, 'server', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`, ...extraArgs], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-16000)));
  child.stderr!.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-16000)));
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<NodeJS.Signals | null>((res) =>
    child.once('exit', (_code, sig) => {
      process.removeListener('exit', killOnExit);
      res(sig);
    }),
  );
  const deadline = Date.now() + 30_000;
  while (!/server ready at/.test(out)) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited early (${child.exitCode ?? child.signalCode}):\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready within 30 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const kubeconfigPath = join(dataDir, 'kubeconfig');
  const kc = parse(readFileSync(kubeconfigPath, 'utf8')) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: { token: string } }[];
  };
  const target: ApiTarget = {
    url: kc.clusters[0].cluster.server,
    caCert: Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString(),
    token: kc.users[0].user.token,
  };
  return {
    child,
    target,
    kubeconfigPath,
    log: () => out,
    exited,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
