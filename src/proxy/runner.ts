// Bounded-frequency runner (kube-proxy's runner/bounded_frequency_runner.go):
// requests coalesce into one pending run; runs are at least minInterval apart,
// at most maxInterval apart (periodic resync), and a failed run retries after
// retryInterval. The clock is injected so tests drive time by hand.

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(h: unknown): void;
}

export interface RunnerOptions {
  minIntervalMs: number;
  maxIntervalMs: number;
  retryIntervalMs: number;
  clock: Clock;
}

export class BoundedFrequencyRunner {
  private lastRun = -Infinity;
  private timer: unknown;
  private timerAt = Infinity;
  private running = false;
  private requested = false;
  private stopped = false;
  private idle: (() => void)[] = [];

  constructor(private readonly fn: () => Promise<void>, private readonly o: RunnerOptions) {}

  /** Starts the periodic loop with an immediate first run. */
  start(): void { this.schedule(0); }

  /** Asks for a run as soon as minInterval allows. */
  run(): void {
    if (this.stopped) return;
    if (this.running) { this.requested = true; return; }
    this.schedule(Math.max(0, this.lastRun + this.o.minIntervalMs - this.o.clock.now()));
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.o.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Resolves when no run is in progress (tests, shutdown). */
  whenIdle(): Promise<void> {
    return this.running ? new Promise((r) => this.idle.push(r)) : Promise.resolve();
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    const at = this.o.clock.now() + delay;
    if (this.timer !== undefined && this.timerAt <= at) return;
    if (this.timer !== undefined) this.o.clock.clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = this.o.clock.setTimeout(() => { this.timer = undefined; this.timerAt = Infinity; void this.tick(); }, delay);
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.running) return;
    this.running = true;
    this.requested = false;
    this.lastRun = this.o.clock.now();
    let ok = true;
    try { await this.fn(); } catch { ok = false; }
    this.running = false;
    for (const r of this.idle.splice(0)) r();
    if (this.stopped) return;
    if (this.requested) this.run();
    this.schedule(ok ? this.o.maxIntervalMs : this.o.retryIntervalMs);
  }
}

export const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => { const t = setTimeout(fn, ms); (t as { unref?: () => void }).unref?.(); return t; },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};
