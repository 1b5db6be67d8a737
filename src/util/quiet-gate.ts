// Counts work in progress and lets lower-priority work wait until there is
// none, or until it has waited long enough. For the agent: its events wait while
// pods are starting, so with many pods at once the API server spends the burst on
// the pods and their status writes, and the events follow. With a settle time,
// "none" must have lasted that long: a burst spread over several nodes ends on
// this one a little before the others, whose status writes its events would
// otherwise queue in front of at the API server. Pure.
export class QuietGate {
  private busy = 0;
  private waiters: (() => void)[] = [];
  /** No hold ended within the settle time: set by the timer that wakes the waiters, so `quiet` and the wake-up agree. */
  private settled = true;
  private settleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly settleMs = 0) {}

  /** Marks work in progress; the returned function ends it (a second call does nothing). */
  hold(): () => void {
    this.busy++;
    this.settled = false;
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.settleTimer = undefined;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (--this.busy > 0) return;
      if (this.settleMs <= 0) this.settle();
      else this.settleTimer = setTimeout(() => { this.settleTimer = undefined; if (this.busy === 0) this.settle(); }, this.settleMs);
    };
  }

  get quiet(): boolean {
    return this.busy === 0 && this.settled;
  }

  /** Resolves once nothing is held (for the settle time), or after maxWaitMs. */
  whenQuiet(maxWaitMs: number): Promise<void> {
    if (this.quiet || maxWaitMs <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => { this.waiters = this.waiters.filter((w) => w !== wake); resolve(); }, maxWaitMs);
      const wake = (): void => { clearTimeout(t); resolve(); };
      this.waiters.push(wake);
    });
  }

  private settle(): void {
    this.settled = true;
    for (const w of this.waiters.splice(0)) w();
  }
}
