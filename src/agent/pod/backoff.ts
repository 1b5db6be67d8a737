// CrashLoopBackOff: the kubelet's per-container back-off (10 s doubling to
// 5 min; forgotten after 2×max without a crash). Pure: callers pass the clock.

export interface BackoffEntry {
  durationMs: number;
  lastUpdateMs: number;
}

export const BACKOFF_INITIAL_MS = 10_000;
export const BACKOFF_MAX_MS = 300_000;

export class Backoff {
  private readonly entries = new Map<string, BackoffEntry>();

  constructor(readonly initialMs = BACKOFF_INITIAL_MS, readonly maxMs = BACKOFF_MAX_MS) {}

  private live(key: string, nowMs: number): BackoffEntry | undefined {
    const e = this.entries.get(key);
    if (e && nowMs - e.lastUpdateMs > 2 * this.maxMs) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  /** Remaining wait before a container that finished at finishedMs may start again (0 = start now). */
  remaining(key: string, finishedMs: number, nowMs: number): number {
    const e = this.live(key, nowMs);
    if (!e) return 0;
    return Math.max(0, finishedMs + e.durationMs - nowMs);
  }

  /** Records a (re)start; the next crash waits twice as long. */
  next(key: string, nowMs: number): number {
    const e = this.live(key, nowMs);
    const durationMs = e ? Math.min(e.durationMs * 2, this.maxMs) : this.initialMs;
    this.entries.set(key, { durationMs, lastUpdateMs: nowMs });
    return durationMs;
  }

  current(key: string, nowMs: number): number {
    return this.live(key, nowMs)?.durationMs ?? 0;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}
