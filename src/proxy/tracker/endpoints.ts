// Caches EndpointSlices per Service and accumulates which Services' merged
// endpoints changed (kube-proxy's EndpointsChangeTracker). The slices'
// last-change-trigger-time travels along for network programming latency.
import type { KubeObject } from '../../api/object.js';
import { TRIGGER_TIME_ANNOTATION, mergeEndpoints, sliceEndpoints, sliceService } from '../convert.js';
import type { ServiceEndpoints } from '../types.js';

export interface EndpointsCheckout {
  updated: Set<string>;
  /** Endpoints each updated Service had before (undefined: none). */
  previous: Map<string, ServiceEndpoints | undefined>;
  /** Trigger times (ms since epoch) of the changes now applied, per Service. */
  triggerTimes: Map<string, number[]>;
}

/** Absent and empty are the same; only two present maps need the (costly) deep comparison. */
const same = (a: ServiceEndpoints | undefined, b: ServiceEndpoints | undefined): boolean => {
  if (!a || !b) return !a?.size && !b?.size;
  return JSON.stringify([...a]) === JSON.stringify([...b]);
};

export class EndpointsChangeTracker {
  private readonly slices = new Map<string, Map<string, ServiceEndpoints>>();
  private readonly pendingPrev = new Map<string, ServiceEndpoints | undefined>();
  private readonly triggers = new Map<string, number[]>();

  update(slice: KubeObject, removed: boolean): boolean {
    const svc = sliceService(slice);
    if (!svc) return this.pending();
    if (!this.pendingPrev.has(svc)) this.pendingPrev.set(svc, this.merged(svc));
    const bySlice = this.slices.get(svc) ?? new Map<string, ServiceEndpoints>();
    if (removed) bySlice.delete(slice.metadata.name!);
    else bySlice.set(slice.metadata.name!, sliceEndpoints(slice));
    if (bySlice.size) this.slices.set(svc, bySlice);
    else this.slices.delete(svc);
    const t = Date.parse(slice.metadata.annotations?.[TRIGGER_TIME_ANNOTATION] ?? '');
    if (!Number.isNaN(t)) this.triggers.set(svc, [...(this.triggers.get(svc) ?? []), t]);
    return true;
  }

  pending(): boolean { return this.pendingPrev.size > 0; }

  private merged(svc: string): ServiceEndpoints | undefined {
    const bySlice = this.slices.get(svc);
    if (!bySlice) return undefined;
    return mergeEndpoints([...bySlice.keys()].sort().map((k) => bySlice.get(k)!));
  }

  checkout(map: Map<string, ServiceEndpoints>): EndpointsCheckout {
    const out: EndpointsCheckout = { updated: new Set(), previous: new Map(), triggerTimes: new Map() };
    for (const [svc, prev] of this.pendingPrev) {
      const cur = this.merged(svc);
      if (same(prev, cur)) continue;
      if (cur) map.set(svc, cur);
      else map.delete(svc);
      out.updated.add(svc);
      out.previous.set(svc, prev);
      const t = this.triggers.get(svc);
      if (t) out.triggerTimes.set(svc, t);
    }
    this.pendingPrev.clear();
    this.triggers.clear();
    return out;
  }
}
