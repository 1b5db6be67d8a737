// Packing endpoints of one port set into slices with minimal churn, after
// Kubernetes' reconcileByPortMapping (shared by the EndpointSlice and the
// mirroring reconcilers):
//  1. walk existing slices: drop endpoints no longer desired, refresh changed
//     ones, fix slice metadata; untouched slices are kept as they are;
//  2. top up slices already being updated (fullest first);
//  3. put what is left into the one unchanged slice that ends closest to full,
//     else into new slices.
import { deepClone, jsonEqual } from '../../api/object.js';
import { endpointKey } from './endpoint.js';
import type { Endpoint, EndpointSlice } from './types.js';

export interface SliceChanges {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
}

export interface PackingOptions {
  max: number;
  /** A new, unnamed slice for this port set. */
  newSlice(): EndpointSlice;
  /** The slice with its metadata brought up to date, or undefined when it already is. */
  refreshMeta(slice: EndpointSlice): EndpointSlice | undefined;
}

/** Desired endpoints keyed by endpointKey, in insertion order. */
export type EndpointSet = Map<string, Endpoint>;

export function newEndpointSet(eps: Iterable<Endpoint>): EndpointSet {
  const set: EndpointSet = new Map();
  for (const ep of eps) set.set(endpointKey(ep), ep);
  return set;
}

function popInto(set: EndpointSet, slice: EndpointSlice, max: number): void {
  for (const [k, ep] of set) {
    if (slice.endpoints.length >= max) return;
    slice.endpoints.push(deepClone(ep));
    set.delete(k);
  }
}

export function packByPortMapping(existing: readonly EndpointSlice[], desiredIn: EndpointSet, o: PackingOptions): SliceChanges {
  const desired: EndpointSet = new Map(desiredIn);
  const toUpdate = new Map<string, EndpointSlice>();
  const unchanged = new Map<string, EndpointSlice>();
  const toDelete: EndpointSlice[] = [];

  for (const slice of existing) {
    const kept: Endpoint[] = [];
    let changed = false;
    for (const ep of slice.endpoints ?? []) {
      const k = endpointKey(ep);
      const want = desired.get(k);
      if (!want) continue;
      kept.push(deepClone(want));
      if (!jsonEqual(want, ep)) changed = true;
      desired.delete(k);
    }
    const meta = o.refreshMeta(slice);
    if (changed || kept.length !== (slice.endpoints ?? []).length) {
      if (!kept.length) { toDelete.push(slice); continue; }
      const next = deepClone(meta ?? slice);
      next.endpoints = kept;
      toUpdate.set(slice.metadata.name!, next);
    } else if (meta) {
      toUpdate.set(slice.metadata.name!, deepClone(meta));
    } else {
      unchanged.set(slice.metadata.name!, slice);
    }
  }

  if (desired.size) {
    const fullestFirst = [...toUpdate.values()].sort((a, b) => b.endpoints.length - a.endpoints.length);
    for (const s of fullestFirst) popInto(desired, s, o.max);
  }

  const create: EndpointSlice[] = [];
  while (desired.size) {
    let target: EndpointSlice | undefined;
    if (desired.size < o.max && unchanged.size) {
      const pick = sliceToFill([...unchanged.values()], desired.size, o.max);
      if (pick) {
        unchanged.delete(pick.metadata.name!);
        target = deepClone(pick);
        toUpdate.set(pick.metadata.name!, target);
      }
    }
    if (!target) {
      target = o.newSlice();
      create.push(target);
    }
    popInto(desired, target, o.max);
  }
  return { create, update: [...toUpdate.values()], delete: toDelete };
}

/** getSliceToFill: the slice that would end up closest to full with n more endpoints. */
function sliceToFill(slices: EndpointSlice[], n: number, max: number): EndpointSlice | undefined {
  let best: EndpointSlice | undefined;
  for (const s of slices) {
    const len = s.endpoints?.length ?? 0;
    if (len + n > max) continue;
    if (!best || len > best.endpoints.length) best = s;
  }
  return best;
}

/**
 * finalize's first step: rather than create one slice and delete another,
 * reuse the doomed slice's name (same address type, owned by the same object).
 */
export function mergeCreatesIntoDeletes(c: SliceChanges, ownerUID: string | undefined): SliceChanges {
  const create = [...c.create], update = [...c.update], del: EndpointSlice[] = [];
  for (const old of c.delete) {
    const last = create[create.length - 1];
    const owned = old.metadata.ownerReferences?.some((r) => r.controller && r.uid === ownerUID);
    if (last && old.addressType === last.addressType && owned) {
      create.pop();
      const reused = deepClone(last);
      reused.metadata = { ...reused.metadata, name: old.metadata.name, resourceVersion: old.metadata.resourceVersion };
      delete reused.metadata.generateName;
      update.push(reused);
    } else del.push(old);
  }
  return { create, update, delete: del };
}
