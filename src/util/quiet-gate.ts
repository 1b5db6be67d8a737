// Counts work in progress and lets lower-priority work wait until there is
// none, or until it has waited long enough. For the agent: its events wait while
// pods are starting, so with many pods at once the API server spends the burst on
// the pods and their status writes, and the events follow. Pure.
export class QuietGate {
  private busy = 0;
  private waiters: (() => void)[] = [];

  /** Marks work in progress; the returned function ends it (a second call does nothing). */
  hold(): () => void {
    this.busy++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (--this.busy === 0) for (const w of this.waiters.splice(0)) w();
    };
  }

  get quiet(): boolean {
    return this.busy === 0;
  }

  /** Resolves once nothing is held, or after maxWaitMs. */
  whenQuiet(maxWaitMs: number): Promise<void> {
    if (this.busy === 0 || maxWaitMs <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => { this.waiters = this.waiters.filter((w) => w !== wake); resolve(); }, maxWaitMs);
      const wake = (): void => { clearTimeout(t); resolve(); };
      this.waiters.push(wake);
    });
  }
}
