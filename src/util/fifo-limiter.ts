// At most N tasks at a time, started in arrival order. For pod sandboxes: with
// every pod of a burst wiring its network at once, all of them finish near the
// end of the burst; in order, the first ones are ready after their own work.
// The total is the same, the median much lower. Also bounds the proxy's
// conntrack clean-ups. Pure.
export class FifoLimiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A finished task hands its slot to the next waiter, so a later arrival cannot take it first.
    if (this.running >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
