// Merging an applied configuration into the live object (typed.Merge) and
// removing fields an applier gave up (Updater.prune). Both build new values and
// never touch their inputs.

import { deepClone, isPlainObject } from '../object.js';
import type { Schema } from '../schema/types.js';
import type { FieldSet } from './fieldset.js';
import { fieldPE, type PathElement } from './pathelement.js';
import { fieldOf, itemPE, shapeOf, type Ctx } from './shape.js';

/** Merged value; undefined means "absent" (an applied null deletes the field). */
export function mergeValue(ctx: Ctx, lhs: unknown, rhs: unknown, s: Schema | undefined): unknown {
  if (rhs === undefined) return lhs === undefined ? undefined : deepClone(lhs);
  if (lhs === undefined || lhs === null) return withoutNulls(rhs);
  const shape = shapeOf(ctx, s, rhs);
  switch (shape.kind) {
    case 'leaf':
      return withoutNulls(rhs);
    case 'object': {
      if (!isPlainObject(lhs)) return withoutNulls(rhs);
      const r = rhs as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(lhs)) {
        const v = k in r ? mergeValue(ctx, lhs[k], r[k], fieldOf(ctx, shape, k).schema) : deepClone(lhs[k]);
        if (v !== undefined) out[k] = v;
      }
      for (const k of Object.keys(r)) {
        if (k in lhs) continue;
        const v = withoutNulls(r[k]);
        if (v !== undefined) out[k] = v;
      }
      return out;
    }
    case 'set':
    case 'assoc': {
      if (!Array.isArray(lhs)) return withoutNulls(rhs);
      const item = shape.kind === 'assoc' ? shape.item : undefined;
      const l = lhs.map((x, i) => ({ pe: itemPE(ctx, shape, x, i, false, ''), v: x }));
      const r = (rhs as unknown[]).map((x, i) => ({ pe: itemPE(ctx, shape, x, i, false, ''), v: x }));
      return mergeLists(l, r, (a, b) => (shape.kind === 'set' ? deepClone(b) : mergeValue(ctx, a, b, item)));
    }
  }
}

type Item = { pe: PathElement; v: unknown };

// Applied items keep the applied order; live-only items stay where they were
// relative to the shared items before them (an approximation of SMD's order merge).
function mergeLists(l: Item[], r: Item[], merge: (a: unknown, b: unknown) => unknown): unknown[] {
  const inR = new Set(r.map((x) => x.pe));
  const lIndex = new Map<PathElement, number>();
  l.forEach((x, i) => lIndex.has(x.pe) || lIndex.set(x.pe, i));
  const out: unknown[] = [];
  let li = 0;
  const flushTo = (end: number): void => {
    for (; li < end; li++) if (!inR.has(l[li].pe)) out.push(deepClone(l[li].v));
  };
  for (const x of r) {
    const at = lIndex.get(x.pe);
    if (at === undefined) {
      const v = withoutNulls(x.v);
      if (v !== undefined) out.push(v);
      continue;
    }
    if (at >= li) {
      flushTo(at);
      li = at + 1;
    }
    const v = merge(l[at].v, x.v);
    if (v !== undefined) out.push(v);
  }
  flushTo(l.length);
  return out;
}

/** A copy of v without null map values (null means "unset" in an applied config). */
export function withoutNulls(v: unknown): unknown {
  if (v === null) return undefined;
  if (Array.isArray(v)) return v.map((x) => (x === null ? null : withoutNulls(x)));
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const y = withoutNulls(x);
      if (y !== undefined) out[k] = y;
    }
    return out;
  }
  return v;
}

/**
 * A copy of v without the members of remove. A member is kept when keep (the
 * fields still owned by anyone) has fields below it, so one manager dropping a
 * list item cannot delete fields another manager set inside it. Containers
 * emptied by the removal disappear with it.
 */
export function removeFields(ctx: Ctx, v: unknown, s: Schema | undefined, remove: FieldSet, keep: FieldSet | undefined): unknown {
  if (remove.isEmpty()) return v;
  const shape = shapeOf(ctx, s, v);
  if (shape.kind === 'object') {
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o)) {
      const pe = fieldPE(k);
      const rc = remove.child(pe);
      if (!rc) {
        out[k] = o[k];
        continue;
      }
      const kc = keep?.child(pe);
      if (rc.member && !(kc && kc.children.size > 0)) continue;
      const nv = removeFields(ctx, o[k], fieldOf(ctx, shape, k).schema, rc, kc);
      if (!emptied(o[k], nv)) out[k] = nv;
    }
    return out;
  }
  if (shape.kind === 'set' || shape.kind === 'assoc') {
    const item = shape.kind === 'assoc' ? shape.item : undefined;
    const out: unknown[] = [];
    (v as unknown[]).forEach((x, i) => {
      const pe = itemPE(ctx, shape, x, i, false, '');
      const rc = remove.child(pe);
      if (!rc) return void out.push(x);
      const kc = keep?.child(pe);
      if (rc.member && !(kc && kc.children.size > 0)) return;
      out.push(shape.kind === 'assoc' ? removeFields(ctx, x, item, rc, kc) : x);
    });
    return out;
  }
  return v;
}

function emptied(before: unknown, after: unknown): boolean {
  const size = (x: unknown): number => (Array.isArray(x) ? x.length : isPlainObject(x) ? Object.keys(x).length : -1);
  return size(after) === 0 && size(before) > 0;
}
