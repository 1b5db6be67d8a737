// Go's JSON encoding drops empty maps and slices of `omitempty` fields, so a real
// API server never returns `labels: {}` or `ports: []`. This applies the same rule
// using the schema: empty arrays and maps go, unless the field is required.
import { isPlainObject } from '../object.js';
import { resolveSchema, type Schema, type SchemaMap } from './types.js';

export function omitEmpty(obj: Record<string, unknown>, root: Schema, schemas: SchemaMap): void {
  walk(obj, root, schemas, 0);
}

function walk(value: unknown, schema: Schema | undefined, schemas: SchemaMap, depth: number): void {
  if (depth > 64) return;
  const s = resolveSchema(schemas, schema);
  if (!s) return;
  if (Array.isArray(value)) {
    const items = s.items;
    if (items) for (const v of value) walk(v, items, schemas, depth + 1);
    return;
  }
  if (!isPlainObject(value)) return;
  if (s.properties) {
    const required = new Set(s.required ?? []);
    for (const [k, v] of Object.entries(value)) {
      const ps = s.properties[k];
      if (!ps) continue;
      walk(v, ps, schemas, depth + 1);
      if (required.has(k)) continue;
      const rs = resolveSchema(schemas, ps);
      const isMap = rs?.type === 'object' && !rs.properties && !!rs.additionalProperties;
      if ((Array.isArray(v) && v.length === 0 && rs?.type === 'array') || (isMap && isPlainObject(v) && Object.keys(v).length === 0)) {
        delete value[k];
      }
    }
  } else if (s.additionalProperties && typeof s.additionalProperties === 'object') {
    for (const v of Object.values(value)) walk(v, s.additionalProperties, schemas, depth + 1);
  }
}
