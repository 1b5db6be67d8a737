// Kubernetes strategic merge patch (apimachinery strategicpatch.StrategicMergeMapPatch,
// server side: parallel lists are applied, unmatched nulls ignored), driven by
// OpenAPI patch metadata instead of Go struct tags.

import { deepClone, isPlainObject, type Json, type JsonObject } from '../../object.js';
import type { Schema, SchemaMap } from '../../schema/types.js';
import { PatchErrors, SmpErrors, goJsonKind } from '../errors.js';
import { fieldMeta, UNKNOWN_FIELD, type FieldMeta } from './meta.js';
import { setField } from '../set-field.js';
import { normalizeElementOrder, partition, type ElementKind } from './order.js';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER = '$setElementOrder';
const DELETE_FROM = '$deleteFromPrimitiveList';

export function applyStrategicMergePatch(original: JsonObject, patch: unknown, rootSchema: Schema, schemas: SchemaMap): JsonObject {
  if (!isPlainObject(patch)) {
    throw PatchErrors.bad(`json: cannot unmarshal ${goJsonKind(patch)} into Go value of type map[string]interface {}`);
  }
  // Both copies are owned by the merge, which edits them in place.
  return new Merger(schemas).map(deepClone(original), deepClone(patch) as JsonObject, rootSchema);
}

class Merger {
  constructor(private readonly schemas: SchemaMap) {}

  map(original: JsonObject, patch: JsonObject, schema: Schema | undefined): JsonObject {
    if (Object.hasOwn(patch, DIRECTIVE)) {
      const d = patch[DIRECTIVE];
      if (d === 'delete') return {};
      if (d !== 'replace' && d !== 'merge') throw SmpErrors.badPatchType(d, patch);
      delete patch[DIRECTIVE];
      // 'merge' is the default; kube rejects it here, we accept it as a no-op.
      if (d === 'replace') return this.map({}, patch, schema);
    }
    this.retainKeys(original, patch);
    this.setElementOrder(original, patch, schema);

    const deletions: [string, Json][] = [];
    for (const [k, pv] of Object.entries(patch)) {
      if (k.startsWith(DELETE_FROM)) {
        deletions.push([extractKey(k, DELETE_FROM), pv]);
        continue;
      }
      const meta = fieldMeta(this.schemas, schema, k);
      if (k.startsWith('$') && !meta.schema) throw SmpErrors.unknownDirective(k);
      if (pv === null) {
        delete original[k];
        continue;
      }
      const ov = Object.hasOwn(original, k) ? original[k] : undefined;
      if (isPlainObject(ov) && isPlainObject(pv)) {
        setField(original, k, meta.replace ? this.fresh(pv, meta) : this.map(ov as JsonObject, pv as JsonObject, meta.schema));
      } else if (Array.isArray(ov) && Array.isArray(pv)) {
        setField(original, k, meta.merge ? this.list(ov, pv, meta) : pv);
      } else {
        setField(original, k, this.fresh(pv, meta));
      }
    }
    // After the additions, so an added-then-deleted value ends up deleted.
    for (const [k, list] of deletions) deleteFromPrimitiveList(original, k, list);
    return original;
  }

  /**
   * A patch value with nothing to merge into. Kube stores it as is and lets the
   * typed decode drop directives; we have no typed decode, so apply them to empty.
   */
  private fresh(v: Json, meta: FieldMeta): Json {
    if (isPlainObject(v)) return this.map({}, v as JsonObject, meta.schema);
    if (Array.isArray(v) && meta.merge) return this.list([], v, meta);
    return v;
  }

  /** mergeSlice: a list with patch strategy merge. */
  private list(original: Json[], patch: Json[], meta: FieldMeta): Json[] {
    if (original.length === 0 && patch.length === 0) return original;
    const kind = elementKind(original, patch)!;
    const keyed = { mergeKey: meta.mergeKey, kind };
    if (kind === 'scalar') {
      const merged = dedupe([...original, ...patch]);
      const [inPatch, serverOnly] = partition(merged, patch, keyed);
      return normalizeElementOrder(inPatch, serverOnly, patch, original, keyed);
    }
    if (!meta.mergeKey) throw SmpErrors.noMergeKeyDeclared();
    const itemMeta: FieldMeta = { ...UNKNOWN_FIELD, schema: meta.items };
    const split = splitDirectives(original as JsonObject[], patch as JsonObject[], meta.mergeKey);
    const items = split.items;
    const live = split.replaced ? split.live.map((v) => this.fresh(v, itemMeta) as JsonObject) : split.live;
    const merged: Json[] = [...live];
    for (const v of items) {
      if (!Object.hasOwn(v, meta.mergeKey)) throw SmpErrors.noMergeKey(v, meta.mergeKey);
      const i = merged.findIndex((o) => sameKey(o, v, meta.mergeKey));
      if (i >= 0) merged[i] = this.map(merged[i] as JsonObject, v, meta.items);
      else merged.push(this.fresh(v, itemMeta));
    }
    const [inPatch, serverOnly] = partition(merged, items, keyed);
    return normalizeElementOrder(inPatch, serverOnly, items, live, keyed);
  }

  /** $retainKeys: drop live keys the list does not name; every patched key must be named. */
  private retainKeys(original: JsonObject, patch: JsonObject): void {
    if (!Object.hasOwn(patch, RETAIN_KEYS)) return;
    const list = patch[RETAIN_KEYS];
    delete patch[RETAIN_KEYS];
    if (!Array.isArray(list)) throw SmpErrors.badRetainKeys();
    const keep = new Set<unknown>(list);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || k.startsWith(DELETE_FROM) || k.startsWith(SET_ORDER)) continue;
      if (!keep.has(k)) throw SmpErrors.badRetainKeys();
    }
    for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
  }

  /**
   * $setElementOrder/<field>: merge the field's patch list, then order the result:
   * items the order list names follow it, others keep their live position.
   */
  private setElementOrder(original: JsonObject, patch: JsonObject, schema: Schema | undefined): void {
    for (const key of Object.keys(patch)) {
      if (!key.startsWith(SET_ORDER)) continue;
      const order = patch[key];
      delete patch[key];
      if (!Array.isArray(order)) throw SmpErrors.expectedList(order);
      const field = extractKey(key, SET_ORDER);
      const meta = fieldMeta(this.schemas, schema, field);
      const live = original[field] ?? undefined;
      const hasLive = live !== undefined && live !== null;
      const hasPatch = Object.hasOwn(patch, field);
      const pv = patch[field];
      if (hasLive && !Array.isArray(live)) throw SmpErrors.expectedList(live);
      if (hasPatch && !Array.isArray(pv)) throw SmpErrors.expectedList(pv);
      const liveList = hasLive ? (live as Json[]) : [];
      const patchList = hasPatch ? (pv as Json[]) : [];
      validateOrder(patchList, order, meta.mergeKey);
      if (!hasLive && !hasPatch) continue;

      let merged = liveList;
      if (hasPatch) merged = meta.merge ? this.list(liveList, patchList, meta) : patchList;
      const kind: ElementKind = elementKind(liveList, patchList) ?? (meta.mergeKey ? 'map' : 'scalar');
      if (kind === 'map' && !meta.mergeKey) throw SmpErrors.noMergeKeyDeclared();
      const keyed = { mergeKey: meta.mergeKey, kind };
      const [named, others] = partition(merged, order, keyed);
      original[field] = normalizeElementOrder(named, others, order, liveList, keyed);
      delete patch[field];
    }
  }
}

/** Handles `$patch` items of a merge list: deletions by key and whole-list replace. */
function splitDirectives(live: JsonObject[], patch: JsonObject[], mergeKey: string) {
  const items: JsonObject[] = [];
  let replaced = false;
  for (const v of patch) {
    if (!Object.hasOwn(v, DIRECTIVE)) {
      items.push(v);
      continue;
    }
    const d = v[DIRECTIVE];
    if (d === 'delete') {
      if (!Object.hasOwn(v, mergeKey)) throw SmpErrors.noMergeKey(v, mergeKey);
      live = live.filter((o) => !sameKey(o, v, mergeKey));
    } else if (d === 'replace') {
      replaced = true; // keep scanning so other directives are stripped
    } else if (d === 'merge') {
      throw SmpErrors.mergeDirectiveInList();
    } else {
      throw SmpErrors.badPatchType(d, v);
    }
  }
  return replaced ? { live: items, items: [] as JsonObject[], replaced } : { live, items, replaced };
}

function sameKey(a: Json, b: JsonObject, mergeKey: string): boolean {
  return isPlainObject(a) && Object.hasOwn(a, mergeKey) && (a as JsonObject)[mergeKey] === b[mergeKey];
}

/** $setElementOrder must list the patch's items in the same relative order. */
function validateOrder(patchList: Json[], order: Json[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  let items = patchList;
  if (mergeKey) {
    for (const v of patchList) if (!isPlainObject(v)) throw SmpErrors.expectedMap(v);
    items = patchList.filter((v) => (v as JsonObject)[DIRECTIVE] !== 'delete');
  }
  let p = 0, s = 0;
  while (p < items.length && s < order.length) {
    const item = items[p];
    if (isPlainObject(item) && Object.hasOwn(item, DIRECTIVE)) {
      p++;
      continue;
    }
    if (keyEqual(item, order[s], mergeKey)) p++;
    s++;
  }
  if (p < items.length) throw SmpErrors.orderMismatch(patchList, order);
}

function keyEqual(a: Json, b: Json, mergeKey: string): boolean {
  if (!mergeKey) return a === b;
  if (!isPlainObject(a)) throw SmpErrors.expectedMap(a);
  if (!isPlainObject(b)) throw SmpErrors.expectedMap(b);
  if (!Object.hasOwn(a, mergeKey)) throw SmpErrors.noMergeKey(a, mergeKey);
  if (!Object.hasOwn(b, mergeKey)) throw SmpErrors.noMergeKey(b, mergeKey);
  return (a as JsonObject)[mergeKey] === (b as JsonObject)[mergeKey];
}

function deleteFromPrimitiveList(original: JsonObject, field: string, list: Json): void {
  if (!Array.isArray(list) || list.some((v) => isPlainObject(v) || Array.isArray(v))) throw SmpErrors.badPrimitiveList();
  const live = original[field];
  // Kube would store the deletion list when the field is absent; there is nothing to delete.
  if (!Array.isArray(live)) return;
  const drop = new Set<unknown>(list);
  original[field] = live.filter((v) => !drop.has(v));
}

/** `$prefix/field` → field. */
function extractKey(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw prefix === DELETE_FROM ? SmpErrors.badPrimitiveList() : SmpErrors.badSetElementOrder();
  }
  return key.slice(slash + 1);
}

/** Element kind of merge lists; all elements must share one JSON type, lists of lists are refused. */
function elementKind(...lists: Json[][]): ElementKind | undefined {
  let seen: string | undefined;
  for (const list of lists) {
    for (const v of list) {
      if (Array.isArray(v)) throw SmpErrors.noListOfLists();
      const t = v === null ? 'null' : typeof v;
      if (seen === undefined) seen = t;
      else if (seen !== t) throw SmpErrors.mixedElements(lists);
    }
  }
  if (seen === undefined) return undefined;
  return seen === 'object' ? 'map' : 'scalar';
}

function dedupe(list: Json[]): Json[] {
  const seen = new Set<unknown>();
  return list.filter((v) => (seen.has(v) ? false : (seen.add(v), true)));
}
