// Structural comparison of two versions of an object (typed.Compare), reduced to
// what ownership needs: `changed` holds modified leaves and the members of added
// sub-trees; `removed` holds the roots of sub-trees that disappeared. One walk over
// both objects, no full field sets.

import { isPlainObject, jsonEqual } from '../object.js';
import type { Schema, SchemaMap } from '../schema/types.js';
import { FieldSet } from './fieldset.js';
import { isStripped } from './extract.js';
import { fieldPE, type PathElement } from './pathelement.js';
import { fieldOf, itemPE, shapeOf, type Ctx, type Shape } from './shape.js';

export interface Diff {
  changed: FieldSet;
  removed: FieldSet;
}

export function diffObjects(oldObj: unknown, newObj: unknown, rootSchema: Schema, schemas: SchemaMap): Diff {
  const d: Diff = { changed: new FieldSet(), removed: new FieldSet() };
  walk({ schemas }, d, oldObj, newObj, rootSchema, []);
  return d;
}

function sameKind(shape: Shape, v: unknown): boolean {
  if (shape.kind === 'object') return isPlainObject(v);
  if (shape.kind === 'set' || shape.kind === 'assoc') return Array.isArray(v);
  return true;
}

function walk(ctx: Ctx, d: Diff, o: unknown, n: unknown, s: Schema | undefined, path: PathElement[]): void {
  if (n === undefined) {
    if (o !== undefined) d.removed.insert(path);
    return;
  }
  if (o === undefined) return added(ctx, d.changed, n, s, path);
  if (o === n) return; // a shared sub-tree (a /status write keeps old's spec and metadata)
  const shape = shapeOf(ctx, s, n);
  if (shape.kind === 'leaf' || !sameKind(shape, o) || o === null) {
    if (!jsonEqual(o, n)) {
      if (shape.kind !== 'leaf' || isPlainObject(o) || Array.isArray(o)) d.removed.insert(path);
      if (shape.kind === 'leaf') d.changed.insert(path);
      else added(ctx, d.changed, n, s, path);
    }
    return;
  }
  if (shape.kind === 'object') {
    const a = o as Record<string, unknown>, b = n as Record<string, unknown>;
    for (const k of Object.keys(a)) {
      if (isStripped(path, k)) continue;
      path.push(fieldPE(k));
      walk(ctx, d, a[k], b[k], fieldOf(ctx, shape, k).schema, path);
      path.pop();
    }
    for (const k of Object.keys(b)) {
      if (k in a || isStripped(path, k)) continue;
      path.push(fieldPE(k));
      walk(ctx, d, undefined, b[k], fieldOf(ctx, shape, k).schema, path);
      path.pop();
    }
    return;
  }
  const item = shape.kind === 'assoc' ? shape.item : undefined;
  const index = (list: unknown[]): Map<PathElement, unknown> => {
    const m = new Map<PathElement, unknown>();
    list.forEach((x, i) => {
      const pe = itemPE(ctx, shape, x, i, false, '');
      if (!m.has(pe)) m.set(pe, x);
    });
    return m;
  };
  const a = index(o as unknown[]), b = index(n as unknown[]);
  for (const [pe, x] of a) {
    path.push(pe);
    if (b.has(pe)) {
      if (shape.kind === 'assoc') walk(ctx, d, x, b.get(pe), item, path);
    } else {
      d.removed.insert(path);
    }
    path.pop();
  }
  for (const [pe, x] of b) {
    if (a.has(pe)) continue;
    path.push(pe);
    d.changed.insert(path);
    if (shape.kind === 'assoc') added(ctx, d.changed, x, item, path);
    path.pop();
  }
}

// An added sub-tree: its members as ToFieldSet sees them, plus "." on every added
// container below the top level (SMD marks containers absent from the old object).
function added(ctx: Ctx, into: FieldSet, v: unknown, s: Schema | undefined, path: PathElement[]): void {
  const shape = shapeOf(ctx, s, v);
  if (shape.kind === 'leaf' || path.length > 1) into.insert(path);
  if (shape.kind === 'object') {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (o[k] === undefined || isStripped(path, k)) continue;
      path.push(fieldPE(k));
      added(ctx, into, o[k], fieldOf(ctx, shape, k).schema, path);
      path.pop();
    }
  } else if (shape.kind === 'set' || shape.kind === 'assoc') {
    if (path.length === 1) into.insert(path);
    const item = shape.kind === 'assoc' ? shape.item : undefined;
    (v as unknown[]).forEach((x, i) => {
      path.push(itemPE(ctx, shape, x, i, false, ''));
      into.insert(path);
      if (shape.kind === 'assoc') added(ctx, into, x, item, path);
      path.pop();
    });
  }
}
