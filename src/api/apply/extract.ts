// The set of fields a value sets (typed.ToFieldSet): leaves, atomic values, list
// items and map entries are members; declared struct fields are only containers.
// Empty granular containers below the top level count as members, so "ports: []"
// is owned by its writer.

import { isPlainObject } from '../object.js';
import type { Schema, SchemaMap } from '../schema/types.js';
import { FieldSet } from './fieldset.js';
import { fieldPE, pathString, type PathElement } from './pathelement.js';
import { duplicateItem, fieldOf, itemPE, shapeOf, type Ctx } from './shape.js';

/** Metadata the server owns; never tracked (stripMetaManager, plus deletion fields). */
export const SERVER_METADATA = new Set([
  'name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation',
  'managedFields', 'resourceVersion', 'deletionTimestamp', 'deletionGracePeriodSeconds',
]);

/** Whether a field of an object at path is untracked: apiVersion, kind and server metadata. */
export function isStripped(path: readonly PathElement[], key: string): boolean {
  if (path.length === 0) return key === 'apiVersion' || key === 'kind';
  return path.length === 1 && path[0] === 'f:metadata' && SERVER_METADATA.has(key);
}

export interface ExtractOptions {
  /** Reject list items without keys and duplicate keys (applied configs). */
  strict?: boolean;
}

/** Fields set by value (a whole object or a sub-tree) under schema. */
export function fieldSetOf(value: unknown, schema: Schema | undefined, schemas: SchemaMap, opts: ExtractOptions = {}): FieldSet {
  const set = new FieldSet();
  collect({ schemas }, value, schema, set, [], opts.strict ?? false, false);
  return set;
}

/** Fields of a whole object that ownership is tracked for. */
export function managedSetOf(obj: unknown, rootSchema: Schema, schemas: SchemaMap, opts: ExtractOptions = {}): FieldSet {
  const set = new FieldSet();
  collect({ schemas }, obj, rootSchema, set, [], opts.strict ?? false, true);
  return set;
}

function collect(ctx: Ctx, v: unknown, s: Schema | undefined, node: FieldSet, path: PathElement[], strict: boolean, strip: boolean): void {
  if (v === undefined) return;
  const shape = shapeOf(ctx, s, v);
  switch (shape.kind) {
    case 'leaf':
      node.member = true;
      return;
    case 'object': {
      const o = v as Record<string, unknown>;
      let empty = true;
      for (const k of Object.keys(o)) {
        if (o[k] === undefined) continue;
        empty = false;
        if (strip && isStripped(path, k)) continue;
        const f = fieldOf(ctx, shape, k);
        const pe = fieldPE(k);
        const c = descend(node, pe);
        path.push(pe);
        collect(ctx, o[k], f.schema, c, path, strict, strip);
        path.pop();
        if (!f.declared) c.member = true;
        prune(node, pe);
      }
      if (empty && path.length > 1) node.member = true; // top-level spec: {} owns nothing
      return;
    }
    case 'set':
    case 'assoc': {
      const list = v as unknown[];
      if (list.length === 0) node.member = true;
      list.forEach((x, i) => {
        const pe = itemPE(ctx, shape, x, i, strict, pathString(path));
        if (strict && node.children.get(pe)?.member) throw duplicateItem(pathString(path), pe);
        const c = descend(node, pe);
        if (shape.kind === 'assoc' && isPlainObject(x)) {
          path.push(pe);
          collect(ctx, x, shape.item, c, path, strict, strip);
          path.pop();
        }
        c.member = true;
      });
      return;
    }
  }
}

function descend(n: FieldSet, pe: PathElement): FieldSet {
  let c = n.children.get(pe);
  if (!c) n.children.set(pe, (c = new FieldSet()));
  return c;
}

function prune(n: FieldSet, pe: PathElement): void {
  const c = n.children.get(pe);
  if (c && !c.member && c.children.size === 0) n.children.delete(pe);
}
