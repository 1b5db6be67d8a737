// FakeProcessRunner: records what would run; tests end processes by hand.
import { PassThrough } from 'node:stream';
import type { ExitInfo, ProcessHandle, ProcessRunner, ProcessSpec, RunResult } from './process.js';

export interface FakeProcess {
  spec: ProcessSpec;
  handle: ProcessHandle;
  signals: NodeJS.Signals[];
  exit(info: ExitInfo): void;
  write(stream: 'stdout' | 'stderr', text: string): void;
  alive: boolean;
}

export class FakeProcessRunner implements ProcessRunner {
  readonly processes: FakeProcess[] = [];
  readonly commands: string[][] = [];
  private nextPid = 1000;
  /** Answers for run(); default success with empty output. */
  respond: (argv: string[]) => RunResult = () => ({ code: 0, stdout: '', stderr: '' });
  /** Whether SIGTERM ends a fake process (SIGKILL always does). */
  obeySigterm = true;

  start(spec: ProcessSpec): ProcessHandle {
    let resolve!: (e: ExitInfo) => void;
    const exited = new Promise<ExitInfo>((r) => (resolve = r));
    const stdout = new PassThrough(), stderr = new PassThrough();
    const p: FakeProcess = {
      spec, signals: [], alive: true,
      exit: (info) => {
        if (!p.alive) return;
        p.alive = false;
        stdout.end();
        stderr.end();
        resolve(info);
      },
      write: (s, t) => (s === 'stdout' ? stdout : stderr).write(t),
      handle: undefined as unknown as ProcessHandle,
    };
    p.handle = {
      pid: this.nextPid++, stdout, stderr, stdin: spec.stdin ? new PassThrough() : null, exited,
      kill: (sig) => {
        p.signals.push(sig);
        if (sig === 'SIGKILL' || (sig === 'SIGTERM' && this.obeySigterm)) setImmediate(() => p.exit({ code: null, signal: sig }));
      },
    };
    this.processes.push(p);
    return p.handle;
  }

  async run(argv: string[]): Promise<RunResult> {
    this.commands.push(argv);
    return this.respond(argv);
  }
}
