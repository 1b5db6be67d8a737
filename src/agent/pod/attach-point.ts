// What `kubectl attach` (and `kubectl run -it`) joins: a running container's
// main process. Output is tapped live from its pipes (the log keeps whole lines;
// an attached shell's prompt has no newline), and stdin is the process's own
// pipe, opened at its start when the container asks for `stdin: true`. With
// `stdinOnce`, the first attach to use stdin closes it when it leaves, as the
// Pod API describes; the next start of the container opens a fresh one.
import type { Writable } from 'node:stream';
import type { ProcessHandle } from '../runtime/process.js';

export type OutputListener = (stream: 'stdout' | 'stderr', chunk: string) => void;

export class AttachPoint {
  private readonly listeners = new Set<OutputListener>();
  private stdinClaimed = false;

  constructor(private readonly h: ProcessHandle, readonly spec: { stdin?: boolean; stdinOnce?: boolean; tty?: boolean }) {
    for (const stream of ['stdout', 'stderr'] as const) {
      h[stream]?.on('data', (c: string | Buffer) => { for (const l of this.listeners) l(stream, String(c)); });
    }
    h.stdin?.on('error', () => { /* the process stopped reading */ });
  }

  get tty(): boolean { return this.spec.tty === true; }

  /** Output from now on, until the returned function is called. */
  subscribe(l: OutputListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** The process's stdin for one attach: undefined if the container has none or stdinOnce already spent it. */
  claimStdin(): { write(b: Uint8Array): void; release(): void } | undefined {
    const w: Writable | null = this.h.stdin;
    if (!this.spec.stdin || !w || w.writableEnded || (this.spec.stdinOnce && this.stdinClaimed)) return undefined;
    this.stdinClaimed = true;
    return {
      write: (b) => { if (!w.writableEnded) w.write(b); },
      release: () => { if (this.spec.stdinOnce && !w.writableEnded) w.end(); },
    };
  }

  get exited(): Promise<unknown> { return this.h.exited; }
}
