// Creates and deletes a controller has issued but not yet seen through its
// informer (ControllerExpectations): until they arrive, the cache undercounts
// or overcounts pods and a sync would create or delete twice.
export const EXPECTATIONS_TTL_MS = 5 * 60_000;

interface Pending {
  adds: number;
  deletes: Set<string>;
  at: number;
}

export class Expectations {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly now: () => number = Date.now) {}

  private entry(key: string): Pending {
    let e = this.pending.get(key);
    if (!e) this.pending.set(key, (e = { adds: 0, deletes: new Set(), at: this.now() }));
    return e;
  }

  expectCreations(key: string, n: number): void {
    const e = this.entry(key);
    e.adds += n;
    e.at = this.now();
  }

  expectDeletions(key: string, podKeys: readonly string[]): void {
    const e = this.entry(key);
    for (const k of podKeys) e.deletes.add(k);
    e.at = this.now();
  }

  creationObserved(key: string, n = 1): void {
    const e = this.pending.get(key);
    if (e) e.adds = Math.max(0, e.adds - n);
  }

  deletionObserved(key: string, podKey: string): void {
    this.pending.get(key)?.deletes.delete(podKey);
  }

  satisfied(key: string): boolean {
    const e = this.pending.get(key);
    if (!e) return true;
    if ((e.adds <= 0 && e.deletes.size === 0) || this.now() - e.at > EXPECTATIONS_TTL_MS) {
      this.pending.delete(key);
      return true;
    }
    return false;
  }

  forget(key: string): void {
    this.pending.delete(key);
  }
}
