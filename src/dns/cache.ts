// A bounded TTL cache with an injected clock: entries expire at their own
// deadline, and the oldest entry goes when the cache is full.

export class TtlCache<V> {
  private readonly items = new Map<string, { value: V; expires: number }>();

  constructor(private readonly maxEntries: number, private readonly now: () => number) {}

  get(key: string): { value: V; remainingMs: number } | undefined {
    const e = this.items.get(key);
    if (!e) return undefined;
    const left = e.expires - this.now();
    if (left <= 0) {
      this.items.delete(key);
      return undefined;
    }
    return { value: e.value, remainingMs: left };
  }

  set(key: string, value: V, ttlMs: number): void {
    if (ttlMs <= 0) return;
    this.items.delete(key);
    if (this.items.size >= this.maxEntries) this.items.delete(this.items.keys().next().value!);
    this.items.set(key, { value, expires: this.now() + ttlMs });
  }

  get size(): number {
    return this.items.size;
  }

  clear(): void {
    this.items.clear();
  }
}
