// How container processes are started: a launcher runs the process with its
// output going into the container's log file and reports its pid and its
// exit. InProcessLauncher does it in the calling process; the agent uses the
// shim (shim.ts), so spawning never blocks the agent's own event loop.
import { captureLogs } from './logs.js';
import type { ExitInfo, ProcessRunner, ProcessSpec } from './process.js';

export interface ContainerSpec extends Omit<ProcessSpec, 'stdin'> {
  /** The CRI-format log file the process's stdout and stderr go to. */
  logPath: string;
}

export interface ContainerProcess {
  /** The pid once the process runs (≤ 0 when it could not be started; `exited` then follows). */
  started: Promise<number>;
  /** The exit, once the output is in the log file (or a second later at most). */
  exited: Promise<ExitInfo>;
  /** Signals the process group. */
  kill(signal: NodeJS.Signals): void;
}

export interface ContainerLauncher {
  launch(spec: ContainerSpec): ContainerProcess;
  close(): void;
}

/** How long an exit waits for the last output to reach the log file. */
const LOG_DRAIN_MS = 1000;

export class InProcessLauncher implements ContainerLauncher {
  constructor(private readonly runner: ProcessRunner) {}

  launch(spec: ContainerSpec): ContainerProcess {
    const { logPath, ...proc } = spec;
    const h = this.runner.start(proc);
    const logs = captureLogs(logPath, h.stdout, h.stderr);
    return {
      started: Promise.resolve(h.pid),
      exited: h.exited.then(async (info) => {
        await Promise.race([logs, new Promise((r) => setTimeout(r, LOG_DRAIN_MS))]);
        return info;
      }),
      kill: (sig) => h.kill(sig),
    };
  }

  close(): void { /* nothing held */ }
}
