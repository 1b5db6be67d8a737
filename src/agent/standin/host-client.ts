// The agent's side of the stand-in host (host.ts): starts it when asked to
// (warm) or at the first serve, asks it to serve or stop serving a container's ports,
// and tells the containers it served when it dies, so they restart and are
// served again by a new host.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renice } from '../runtime/process.js';
import type { FromHost, StandinPort, ToHost } from './protocol.js';
import type { StandinIdentity } from './reply.js';

/**
 * A stand-in container starts once the host has opened its ports, so the host
 * weighs as the agent does: at BestEffort's nice 19 it starved behind a burst of
 * pod starts and held each one up (the containers' own processes keep their QoS).
 */
const HOST_NICE = 0;
const STOP_MS = 1000;

export interface ServeRequest {
  nsPath: string;
  id: StandinIdentity;
  ports: StandinPort[];
}

export interface StandinService {
  /** Starts the host ahead of a first serve (a pod with a stand-in is on its way). */
  warm(): void;
  /** Resolves once the ports listen; onLost runs if the host dies while it serves them. */
  serve(key: string, req: ServeRequest, onLost: () => void): Promise<void>;
  close(key: string): void;
  stop(): Promise<void>;
}

/** argv that runs the host (compiled JS, or the TS source under tsx). */
export function standinHostArgv(): string[] {
  const js = fileURLToPath(new URL('./host.js', import.meta.url));
  if (existsSync(js)) return [process.execPath, js];
  const ts = fileURLToPath(new URL('./host.ts', import.meta.url));
  return [process.execPath, '--import', import.meta.resolve('tsx'), ts];
}

export class StandinHost implements StandinService {
  private child: ChildProcess | undefined;
  private readonly pending = new Map<string, { resolve(): void; reject(e: Error): void }>();
  private readonly serving = new Map<string, () => void>();
  private stopping = false;

  constructor(private readonly argv: string[] = standinHostArgv()) {}

  serve(key: string, req: ServeRequest, onLost: () => void): Promise<void> {
    if (this.stopping) return Promise.reject(new Error('the agent is stopping'));
    const child = this.ensure();
    return new Promise<void>((resolve, reject) => {
      this.pending.set(key, { resolve: () => { this.serving.set(key, onLost); resolve(); }, reject });
      this.send(child, { op: 'serve', key, ...req });
    });
  }

  warm(): void {
    if (!this.stopping) this.ensure();
  }

  close(key: string): void {
    this.pending.get(key)?.reject(new Error('closed'));
    this.pending.delete(key);
    this.serving.delete(key);
    if (this.child) this.send(this.child, { op: 'close', key });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), STOP_MS);
    await gone;
    clearTimeout(t);
  }

  private send(child: ChildProcess, m: ToHost): void {
    if (child.connected) child.send(m, (e) => { if (e) this.lose(child, e); });
  }

  private ensure(): ChildProcess {
    if (this.child) return this.child;
    const child = spawn(this.argv[0], this.argv.slice(1), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], detached: true });
    this.child = child;
    renice(child.pid ?? -1, HOST_NICE, true);
    child.on('message', (m: FromHost) => {
      const p = this.pending.get(m.key);
      if (!p) return;
      this.pending.delete(m.key);
      if (m.error) p.reject(new Error(m.error)); else p.resolve();
    });
    child.on('error', (e) => this.lose(child, e));
    child.on('exit', (code, signal) => this.lose(child, new Error(`the stand-in host exited (${signal ?? `code ${code}`})`)));
    return child;
  }

  private lose(child: ChildProcess, why: Error): void {
    if (this.child !== child) return;
    this.child = undefined;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const p of this.pending.values()) p.reject(why);
    this.pending.clear();
    const lost = [...this.serving.values()];
    this.serving.clear();
    if (this.stopping) return;
    if (lost.length) console.error(`kubesvc agent: ${why.message}; restarting the ${lost.length} stand-in container(s) it served`);
    for (const f of lost) f();
  }
}
