// List ordering for strategic merge patch, after kube's normalizeElementOrder:
// items named by the patch (or $setElementOrder) follow that order, server-only
// items keep their live order, and the two are interleaved by the live order.

import { isPlainObject, type Json, type JsonObject } from '../../object.js';
import { SmpErrors } from '../errors.js';

export type ElementKind = 'map' | 'scalar';

interface Keyed {
  mergeKey: string;
  kind: ElementKind;
}

const keyOf = (item: Json, k: Keyed): unknown =>
  k.kind === 'map' ? (isPlainObject(item) ? (item as JsonObject)[k.mergeKey] ?? null : undefined) : item;

/** First position of each key in `order`. */
function positions(order: Json[], k: Keyed): Map<unknown, number> {
  const m = new Map<unknown, number>();
  order.forEach((item, i) => {
    const key = keyOf(item, k);
    if (!m.has(key)) m.set(key, i);
  });
  return m;
}

/** Splits `list` into items whose key appears in `by`, and the rest. */
export function partition(list: Json[], by: Json[], k: Keyed): [Json[], Json[]] {
  if (k.kind === 'map') {
    requireMergeKey(list, k.mergeKey);
    for (const v of by) if (!isPlainObject(v)) throw SmpErrors.expectedMap(v);
  }
  const inBy = positions(by, k);
  const yes: Json[] = [], no: Json[] = [];
  for (const v of list) (inBy.has(keyOf(v, k)) ? yes : no).push(v);
  return [yes, no];
}

function requireMergeKey(list: Json[], mergeKey: string): void {
  for (const v of list) {
    if (!isPlainObject(v)) throw SmpErrors.expectedMap(v);
    if (!Object.hasOwn(v, mergeKey)) throw SmpErrors.noMergeKey(v, mergeKey);
  }
}

/** Stable sort of `toSort` by position in `order`; unknown items go last. */
function sortBy(toSort: Json[], order: Json[], k: Keyed): Json[] {
  if (k.kind === 'map') {
    requireMergeKey(toSort, k.mergeKey);
    requireMergeKey(order, k.mergeKey);
  }
  const pos = positions(order, k);
  const at = (v: Json) => pos.get(keyOf(v, k)) ?? Number.MAX_SAFE_INTEGER;
  return [...toSort].sort((a, b) => at(a) - at(b));
}

/** Merges two sorted, disjoint lists; `right` wins unless both are live and `left` comes first. */
function mergeSorted(left: Json[], right: Json[], serverOrder: Json[], k: Keyed): Json[] {
  const pos = positions(serverOrder, k);
  const out: Json[] = [];
  let i = 0, j = 0;
  while (i < left.length && j < right.length) {
    const li = pos.get(keyOf(left[i], k));
    const ri = pos.get(keyOf(right[j], k));
    if (li !== undefined && ri !== undefined && li < ri) out.push(left[i++]);
    else out.push(right[j++]);
  }
  return out.concat(left.slice(i), right.slice(j));
}

export function normalizeElementOrder(
  patchItems: Json[],
  serverOnly: Json[],
  patchOrder: Json[],
  serverOrder: Json[],
  k: Keyed,
): Json[] {
  return mergeSorted(sortBy(serverOnly, serverOrder, k), sortBy(patchItems, patchOrder, k), serverOrder, k);
}
