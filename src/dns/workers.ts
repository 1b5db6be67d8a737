// `kubesvc dns --workers N`: N processes answering from one UDP socket and one
// TCP listener. The node:cluster primary forks N workers running the same
// command line; each keeps its own record index from its own informers. Node 20's
// dgram has no reusePort, but a dgram bind in a cluster worker is handed the
// primary's socket, so every worker reads from the same kernel socket (TCP
// connections are dealt round-robin by the primary). The primary answers no
// queries: it forks, restarts a worker that dies, and stops them all.
import cluster, { type Worker } from 'node:cluster';

const READY = 'kubesvc-dns:ready';
const SYNCED = 'kubesvc-dns:synced';

export const isWorker = (): boolean => cluster.isWorker;

/** In a worker: tell the primary this worker is serving (and, later, that its informers synced). */
export function tellPrimary(what: 'ready' | 'synced', detail: { host?: string; port?: number } = {}): void {
  process.send?.({ type: what === 'ready' ? READY : SYNCED, ...detail });
}

export interface WorkerPool {
  readonly size: number;
  /** The address the first worker reported. */
  readonly host: string;
  readonly port: number;
  /** Every live worker's informers have synced. */
  synced(): boolean;
  stop(): Promise<void>;
}

/** In the primary: forks n workers and resolves once each reports ready; rejects if one exits first. */
export async function forkWorkers(n: number, log: (line: string) => void, env: Record<string, string> = {}): Promise<WorkerPool> {
  let stopping = false;
  const live = new Map<number, { worker: Worker; synced: boolean }>();
  let host = '', port = 0;

  const fork = (): Promise<void> => new Promise((resolve, reject) => {
    const worker = cluster.fork(env);
    const entry = { worker, synced: false };
    live.set(worker.id, entry);
    let ready = false;
    worker.on('message', (m: { type?: string; host?: string; port?: number }) => {
      if (m?.type === READY && !ready) {
        ready = true;
        if (!port) { host = m.host ?? ''; port = m.port ?? 0; }
        resolve();
      } else if (m?.type === SYNCED) entry.synced = true;
    });
    worker.once('exit', (code, signal) => {
      live.delete(worker.id);
      if (!ready) return reject(new Error(`dns worker exited before it was ready (${signal ?? `code ${code}`})`));
      if (stopping) return;
      log(`worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting another`);
      setTimeout(() => { if (!stopping) fork().catch((e: Error) => log(e.message)); }, 1000).unref();
    });
  });

  try {
    await Promise.all(Array.from({ length: n }, fork));
  } catch (e) {
    stopping = true;
    for (const { worker } of live.values()) worker.process.kill('SIGKILL');
    throw e;
  }
  return {
    size: n,
    host,
    port,
    synced: () => live.size > 0 && [...live.values()].every((w) => w.synced),
    async stop() {
      stopping = true;
      await Promise.all([...live.values()].map(({ worker }) => new Promise<void>((resolve) => {
        if (worker.process.exitCode !== null || worker.process.signalCode !== null) return resolve();
        const t = setTimeout(() => worker.process.kill('SIGKILL'), 5000);
        worker.once('exit', () => { clearTimeout(t); resolve(); });
        worker.process.kill('SIGTERM');
      })));
    },
  };
}
