// The agent's side of the container shim (shim-main.ts): launches go out as
// messages and the agent's event loop never waits for a spawn. If the shim
// dies, its containers are killed and reported as exited (SIGKILL), so the
// restart policy brings them back through a new shim.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ContainerLauncher, ContainerProcess, ContainerSpec } from './launcher.js';
import type { ExitInfo } from './process.js';
import type { FromShim, ToShim } from './shim-protocol.js';

interface Pending {
  child: ChildProcess;
  pid?: number;
  started(pid: number): void;
  exited(e: ExitInfo): void;
}

const shimMain = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './shim-main.ts' : './shim-main.js', import.meta.url));

export class ShimLauncher implements ContainerLauncher {
  private child: ChildProcess | undefined;
  private seq = 0;
  private readonly procs = new Map<number, Pending>();

  launch(spec: ContainerSpec): ContainerProcess {
    const child = this.child ?? this.start();
    const id = ++this.seq;
    let entry!: Pending;
    const started = new Promise<number>((r) => (entry = { child, started: r, exited: () => undefined }));
    const exited = new Promise<ExitInfo>((r) => (entry.exited = r));
    this.procs.set(id, entry);
    this.send(child, { t: 'start', id, spec });
    return { started, exited, kill: (signal) => { if (this.procs.has(id)) this.send(child, { t: 'kill', id, signal }); } };
  }

  /** The running shim's pid (for diagnostics and tests). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  close(): void {
    const child = this.child;
    this.child = undefined;
    if (child?.connected) child.disconnect();
  }

  private send(child: ChildProcess, m: ToShim): void {
    try { child.send(m); } catch { /* the exit handler settles it */ }
  }

  private start(): ChildProcess {
    const child = fork(shimMain, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child = child;
    child.on('message', (m: FromShim) => {
      const p = this.procs.get(m.id);
      if (!p) return;
      if (m.t === 'started') {
        p.pid = m.pid;
        p.started(m.pid);
      } else {
        this.procs.delete(m.id);
        p.exited({ code: m.code, signal: m.signal });
      }
    });
    child.on('error', () => { /* exit follows */ });
    child.on('exit', () => {
      if (this.child === child) this.child = undefined;
      for (const [id, p] of this.procs) {
        if (p.child !== child) continue;
        this.procs.delete(id);
        if (p.pid && p.pid > 0) {
          try { process.kill(-p.pid, 'SIGKILL'); } catch { /* gone */ }
        }
        p.started(p.pid ?? -1);
        p.exited({ code: null, signal: 'SIGKILL' });
      }
    });
    return child;
  }
}
