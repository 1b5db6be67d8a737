// Patch metadata of one field, read from the schema the way kube reads the
// patchStrategy / patchMergeKey struct tags.

import { propertySchema, resolveSchema, type Schema, type SchemaMap } from '../../schema/types.js';

export interface FieldMeta {
  /** The property's schema as declared (may be a $ref); undefined for unknown fields. */
  schema: Schema | undefined;
  /** Element schema of a list field. */
  items: Schema | undefined;
  merge: boolean;
  replace: boolean;
  retainKeys: boolean;
  mergeKey: string;
}

export const UNKNOWN_FIELD: FieldMeta = { schema: undefined, items: undefined, merge: false, replace: false, retainKeys: false, mergeKey: '' };

export function fieldMeta(schemas: SchemaMap, parent: Schema | undefined, field: string): FieldMeta {
  const declared = propertySchema(schemas, parent, field);
  if (!declared) return UNKNOWN_FIELD;
  const resolved = resolveSchema(schemas, declared);
  // List metadata sits on the property; fall back to the referenced type.
  const strategy = declared['x-kubernetes-patch-strategy'] ?? resolved?.['x-kubernetes-patch-strategy'] ?? '';
  const parts = strategy.split(',').map((s) => s.trim());
  return {
    schema: declared,
    items: resolved?.items,
    merge: parts.includes('merge'),
    replace: parts.includes('replace'),
    retainKeys: parts.includes('retainKeys'),
    mergeKey: declared['x-kubernetes-patch-merge-key'] ?? resolved?.['x-kubernetes-patch-merge-key'] ?? '',
  };
}
