// The schema model: an OpenAPI v3 subset, the form Kubernetes publishes. One set
// of schemas drives the OpenAPI documents (kubectl apply/explain), strict field
// validation, strategic merge patch (merge keys) and server-side apply (list types).

export interface Schema {
  /** Reference into the components map: '#/components/schemas/io.k8s.api.core.v1.Service'. */
  $ref?: string;
  /** OpenAPI 3 puts a $ref inside allOf when it carries a description or default. */
  allOf?: Schema[];
  /** Used by IntOrString and Quantity, which accept more than one JSON type. */
  oneOf?: Schema[];
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  enum?: string[];
  default?: unknown;
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
  /** Strategic merge patch: lists merged by this key instead of replaced. */
  'x-kubernetes-patch-merge-key'?: string;
  /** Strategic merge patch: 'merge', 'retainKeys' or 'merge,retainKeys'. */
  'x-kubernetes-patch-strategy'?: string;
  /** Server-side apply: 'atomic' | 'set' | 'map'. */
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  /** Server-side apply: 'atomic' | 'granular' for objects and maps. */
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  /** IntOrString and friends. */
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-unions'?: unknown[];
}

export type SchemaMap = Record<string, Schema>;

const REF_PREFIX = '#/components/schemas/';

export const refTo = (name: string): string => REF_PREFIX + name;

/**
 * Follows $ref / allOf[$ref] to the schema that carries the structure.
 * Returns undefined when the reference does not resolve.
 */
export function resolveSchema(schemas: SchemaMap, s: Schema | undefined): Schema | undefined {
  let cur = s;
  for (let hops = 0; cur && hops < 16; hops++) {
    const ref = cur.$ref ?? (cur.allOf && cur.allOf.length === 1 ? cur.allOf[0].$ref : undefined);
    if (!ref) return cur;
    if (!ref.startsWith(REF_PREFIX)) return undefined;
    const next = schemas[ref.slice(REF_PREFIX.length)];
    // Keep list/patch metadata of the referring property: it describes the field, not the type.
    cur = next;
  }
  return cur;
}

/** The schema of a property, resolved, or undefined when the field is unknown. */
export function propertySchema(schemas: SchemaMap, obj: Schema | undefined, field: string): Schema | undefined {
  const o = resolveSchema(schemas, obj);
  if (!o) return undefined;
  const p = o.properties?.[field];
  if (p) return p;
  if (o.additionalProperties && typeof o.additionalProperties === 'object') return o.additionalProperties;
  return undefined;
}
