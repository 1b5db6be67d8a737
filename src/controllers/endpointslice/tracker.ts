// The stale-cache guard, after Kubernetes' EndpointSliceTracker, keyed by
// resourceVersion instead of generation: the controller remembers what it
// wrote, refuses to reconcile a Service while the informer has not caught up
// with those writes, and ignores the echoes of its own writes.
import type { EndpointSlice } from './types.js';

const DeletionExpected = '';

/** a > b for resourceVersions; both are decimal revisions in kubesvc. */
export function newer(a: string | undefined, b: string): boolean {
  if (!a) return false;
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return BigInt(a) > BigInt(b);
  return false;
}

export class SliceTracker {
  private readonly byOwner = new Map<string, Map<string, string>>();

  private entries(owner: string): Map<string, string> {
    let m = this.byOwner.get(owner);
    if (!m) this.byOwner.set(owner, (m = new Map()));
    return m;
  }

  /** A slice as the API returned it after our create or update. */
  wrote(owner: string, slice: EndpointSlice): void {
    this.entries(owner).set(slice.metadata.name!, slice.metadata.resourceVersion ?? '0');
  }

  expectDeletion(owner: string, slice: EndpointSlice): void {
    this.entries(owner).set(slice.metadata.name!, DeletionExpected);
  }

  /** True when the cached slices miss or predate one of our writes. */
  stale(owner: string, cached: readonly EndpointSlice[]): boolean {
    const m = this.byOwner.get(owner);
    if (!m) return false;
    const byName = new Map(cached.map((s) => [s.metadata.name!, s]));
    for (const [name, rv] of m) {
      const c = byName.get(name);
      if (rv === DeletionExpected) { if (c) return true; continue; }
      if (!c) return true;
      if (c.metadata.resourceVersion !== rv && !newer(c.metadata.resourceVersion, rv)) return true;
    }
    return false;
  }

  /** An informer add/update: false when it is only the echo of our own write. */
  shouldSync(owner: string, slice: EndpointSlice): boolean {
    const rv = this.byOwner.get(owner)?.get(slice.metadata.name!);
    if (rv === undefined || rv === DeletionExpected) return true;
    return newer(slice.metadata.resourceVersion, rv);
  }

  /** An informer delete: false when we asked for it. Forgets the slice either way. */
  handleDeletion(owner: string, slice: EndpointSlice): boolean {
    const m = this.byOwner.get(owner);
    const rv = m?.get(slice.metadata.name!);
    m?.delete(slice.metadata.name!);
    if (m && !m.size) this.byOwner.delete(owner);
    return rv !== DeletionExpected;
  }

  deleteOwner(owner: string): void {
    this.byOwner.delete(owner);
  }
}
