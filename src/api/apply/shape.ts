// How structured-merge-diff sees a value: a leaf (scalar or atomic), a granular
// object, a set list or an associative (map) list. Schema annotations on the
// referring property win over those on the referenced type, since $ref drops them.

import { StatusError } from '../status.js';
import { isPlainObject, type Json } from '../object.js';
import { resolveSchema, type Schema, type SchemaMap } from '../schema/types.js';
import { indexPE, keyPE, pathString, valuePE, type PathElement } from './pathelement.js';

export type Shape =
  | { kind: 'leaf' }
  /** schema undefined: deduced; every key is then a map entry. */
  | { kind: 'object'; schema: Schema | undefined }
  | { kind: 'set' }
  | { kind: 'assoc'; keys: string[]; item: Schema | undefined };

const LEAF: Shape = { kind: 'leaf' };
const DEDUCED: Shape = { kind: 'object', schema: undefined };

export interface Ctx {
  schemas: SchemaMap;
}

type Ann = 'x-kubernetes-list-type' | 'x-kubernetes-list-map-keys' | 'x-kubernetes-map-type' | 'x-kubernetes-patch-merge-key';

function ann<K extends Ann>(s: Schema | undefined, r: Schema | undefined, k: K): Schema[K] {
  return s?.[k] ?? s?.allOf?.find((x) => x[k] !== undefined)?.[k] ?? r?.[k];
}

/** The shape of value under schema s; a value whose type contradicts the schema is a leaf. */
export function shapeOf(ctx: Ctx, s: Schema | undefined, value: unknown): Shape {
  const r = s ? resolveSchema(ctx.schemas, s) : undefined;
  if (!r || r['x-kubernetes-int-or-string']) return isPlainObject(value) && !r ? DEDUCED : LEAF;
  if (Array.isArray(value)) {
    if (r.type !== undefined && r.type !== 'array') return LEAF;
    const listType = ann(s, r, 'x-kubernetes-list-type');
    const mergeKey = ann(s, r, 'x-kubernetes-patch-merge-key');
    if (listType === 'set') return { kind: 'set' };
    if (listType === 'map' || (listType === undefined && mergeKey)) {
      const keys = ann(s, r, 'x-kubernetes-list-map-keys') ?? (mergeKey ? [mergeKey] : []);
      return keys.length ? { kind: 'assoc', keys, item: r.items } : LEAF;
    }
    return LEAF;
  }
  if (isPlainObject(value)) {
    if (r.type !== undefined && r.type !== 'object') return LEAF;
    if (ann(s, r, 'x-kubernetes-map-type') === 'atomic') return LEAF;
    if (!r.properties && !r.additionalProperties) return DEDUCED; // {} or preserve-unknown-fields
    return { kind: 'object', schema: r };
  }
  return LEAF;
}

/** Schema of an object's field and whether it is a declared struct field (not a map entry). */
export function fieldOf(ctx: Ctx, shape: { schema: Schema | undefined }, key: string): { schema: Schema | undefined; declared: boolean } {
  const r = shape.schema;
  if (!r) return { schema: undefined, declared: false };
  const p = r.properties?.[key];
  if (p) return { schema: p, declared: true };
  const ap = r.additionalProperties;
  return { schema: typeof ap === 'object' ? ap : undefined, declared: false };
}

/**
 * The path element of a list item. strict (applied configs) rejects items without
 * their keys; live data falls back to the index so bookkeeping never fails.
 */
export function itemPE(ctx: Ctx, shape: Shape, item: unknown, index: number, strict: boolean, where: string): PathElement {
  if (shape.kind === 'set') return valuePE(item as Json);
  if (shape.kind !== 'assoc') return indexPE(index);
  if (!isPlainObject(item)) {
    if (strict) throw badItem(where, index, 'expected map, got ' + JSON.stringify(item));
    return indexPE(index);
  }
  const itemSchema = resolveSchema(ctx.schemas, shape.item);
  const fields: Record<string, Json> = {};
  for (const k of shape.keys) {
    const v = item[k] !== undefined ? item[k] : itemSchema?.properties?.[k]?.default;
    if (v === undefined || v === null) {
      if (strict) throw badItem(where, index, `associative list with keys has an element that omits key field "${k}" (and doesn't have default value)`);
      return indexPE(index);
    }
    fields[k] = v as Json;
  }
  return keyPE(fields);
}

function badItem(where: string, index: number, why: string): StatusError {
  return new StatusError(400, 'BadRequest', `failed to create typed patch object: ${where}: element ${index}: ${why}`);
}

export function duplicateItem(where: string, pe: PathElement): StatusError {
  return new StatusError(400, 'BadRequest', `failed to create typed patch object: ${where}: duplicate entries for key ${pathString([pe])}`);
}
