// Accumulates Service changes between syncs as {previous, current} pairs
// (kube-proxy's ServiceChangeTracker); a pair that ends up equal is dropped,
// so a no-op update leads to no work.
import type { KubeObject } from '../../api/object.js';
import { serviceInfo } from '../convert.js';
import type { ServiceInfo } from '../types.js';

interface Change { previous: ServiceInfo | undefined; current: ServiceInfo | undefined }

const same = (a: ServiceInfo | undefined, b: ServiceInfo | undefined): boolean => JSON.stringify(a) === JSON.stringify(b);

export class ServiceChangeTracker {
  private readonly items = new Map<string, Change>();

  /** Records one informer event; returns whether changes are pending. */
  update(previous: KubeObject | undefined, current: KubeObject | undefined): boolean {
    const obj = current ?? previous;
    if (!obj) return this.pending();
    const key = `${obj.metadata.namespace ?? 'default'}/${obj.metadata.name}`;
    const cur = current ? serviceInfo(current) : undefined;
    const item = this.items.get(key) ?? { previous: previous ? serviceInfo(previous) : undefined, current: undefined };
    item.current = cur;
    if (same(item.previous, item.current)) this.items.delete(key);
    else this.items.set(key, item);
    return this.pending();
  }

  pending(): boolean { return this.items.size > 0; }

  /** Applies pending changes to `map`; returns the keys of Services whose ports changed. */
  checkout(map: Map<string, ServiceInfo>): Set<string> {
    const updated = new Set<string>();
    for (const [key, { current }] of this.items) {
      if (current) map.set(key, current);
      else map.delete(key);
      updated.add(key);
    }
    this.items.clear();
    return updated;
  }
}
