// Timestamped observations from a stream (watch events, lookup answers), and a
// way to ask for the time of the first one after the previous match that fits,
// whether it already arrived or is still to come. A cursor per timeline keeps a
// match from being found twice, so "the next change" means the next one.
export class Timeline<T> {
  readonly seen: { at: number; value: T }[] = [];
  private cursor = 0;
  private wake = (): void => {};

  push(value: T, at = Date.now()): void {
    this.seen.push({ at, value });
    this.wake();
  }

  /** Moves the cursor past everything seen so far: only later observations count. */
  skipSeen(): void {
    this.cursor = this.seen.length;
  }

  last(): T | undefined {
    return this.seen.at(-1)?.value;
  }

  /** The time of the first observation from the cursor on that pred accepts; rejects after timeoutMs. */
  async when(what: string, pred: (v: T) => boolean, timeoutMs = 5000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (; this.cursor < this.seen.length; this.cursor++) {
        const e = this.seen[this.cursor];
        if (pred(e.value)) { this.cursor++; return e.at; }
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${what}: not seen within ${timeoutMs} ms; last: ${JSON.stringify(this.seen.slice(-5))}`);
      await new Promise<void>((r) => {
        const timer = setTimeout(r, left);
        this.wake = () => { clearTimeout(timer); r(); };
      });
    }
  }
}
