// A work queue of keys, as client-go's: a key is queued at most once, is never
// processed by two workers at once, and failures retry with exponential back-off.
export class WorkQueue<K = string> {
  private readonly queue: K[] = [];
  private readonly queued = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly dirty = new Set<K>();
  private readonly failures = new Map<K, number>();
  private readonly waiting = new Map<K, NodeJS.Timeout>();
  private sleepers: (() => void)[] = [];
  private shuttingDown = false;

  constructor(private readonly baseDelayMs = 5, private readonly maxDelayMs = 30_000) {}

  add(k: K): void {
    if (this.shuttingDown) return;
    if (this.processing.has(k)) {
      this.dirty.add(k);
      return;
    }
    if (this.queued.has(k)) return;
    this.queued.add(k);
    this.queue.push(k);
    this.sleepers.shift()?.();
  }

  addAfter(k: K, ms: number): void {
    if (ms <= 0) return this.add(k);
    if (this.waiting.has(k)) return;
    const t = setTimeout(() => { this.waiting.delete(k); this.add(k); }, ms);
    t.unref();
    this.waiting.set(k, t);
  }

  addRateLimited(k: K): void {
    const n = (this.failures.get(k) ?? 0) + 1;
    this.failures.set(k, n);
    this.addAfter(k, Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (n - 1)));
  }

  forget(k: K): void {
    this.failures.delete(k);
  }

  get length(): number {
    return this.queue.length;
  }

  private async next(): Promise<K | undefined> {
    while (!this.queue.length) {
      if (this.shuttingDown) return undefined;
      await new Promise<void>((r) => this.sleepers.push(r));
    }
    const k = this.queue.shift()!;
    this.queued.delete(k);
    this.processing.add(k);
    return k;
  }

  private done(k: K): void {
    this.processing.delete(k);
    if (this.dirty.delete(k)) this.add(k);
  }

  /** Runs `workers` loops until shutDown; a throwing handler re-queues the key with back-off. */
  run(handler: (k: K) => Promise<void>, workers = 1): Promise<void> {
    const loop = async (): Promise<void> => {
      for (;;) {
        const k = await this.next();
        if (k === undefined) return;
        try {
          await handler(k);
          this.forget(k);
        } catch (e) {
          if (!this.shuttingDown) {
            console.error(`kubesvc workqueue: ${String(k)}: ${(e as Error).message}`);
            this.addRateLimited(k);
          }
        } finally {
          this.done(k);
        }
      }
    };
    return Promise.all(Array.from({ length: workers }, loop)).then(() => undefined);
  }

  shutDown(): void {
    this.shuttingDown = true;
    for (const t of this.waiting.values()) clearTimeout(t);
    this.waiting.clear();
    for (const w of this.sleepers.splice(0)) w();
  }
}
