// Builders for schema definitions. They keep the definition files close to the
// Go types they mirror: one line per field, tags carried as options.

import { refTo, type Schema } from './types.js';

export type GVK = { group: string; version: string; kind: string };

export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
export const CORE = 'io.k8s.api.core.v1.';
export const APPS = 'io.k8s.api.apps.v1.';
export const AUTOSCALING = 'io.k8s.api.autoscaling.v1.';
export const DISCOVERY = 'io.k8s.api.discovery.v1.';
export const COORDINATION = 'io.k8s.api.coordination.v1.';
export const AUTHZ = 'io.k8s.api.authorization.v1.';
export const AUTHN = 'io.k8s.api.authentication.v1.';
export const INTSTR = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
export const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

export interface ObjOpts {
  required?: string[];
  gvk?: GVK | GVK[];
  /** `+structType=atomic` / `+mapType=atomic`. */
  mapType?: 'atomic' | 'granular';
}

export function obj(description: string, properties: Record<string, Schema>, opts: ObjOpts = {}): Schema {
  const s: Schema = { type: 'object', description, properties };
  if (opts.required?.length) s.required = opts.required;
  if (opts.gvk) s['x-kubernetes-group-version-kind'] = Array.isArray(opts.gvk) ? opts.gvk : [opts.gvk];
  if (opts.mapType) s['x-kubernetes-map-type'] = opts.mapType;
  return s;
}

interface ScalarOpts { enum?: string[]; default?: unknown }
const scalar = (type: Schema['type'], format: string | undefined, description: string, o: ScalarOpts = {}): Schema => {
  const s: Schema = { type, description };
  if (format) s.format = format;
  if (o.enum) s.enum = o.enum;
  if (o.default !== undefined) s.default = o.default;
  return s;
};

export const str = (d: string, o?: ScalarOpts): Schema => scalar('string', undefined, d, o);
export const int32 = (d: string, o?: ScalarOpts): Schema => scalar('integer', 'int32', d, o);
export const int64 = (d: string, o?: ScalarOpts): Schema => scalar('integer', 'int64', d, o);
export const bool = (d: string, o?: ScalarOpts): Schema => scalar('boolean', undefined, d, o);
export const bytes = (d: string): Schema => scalar('string', 'byte', d);

/** A field of a named type. OpenAPI 3 needs allOf to attach a description to a $ref. */
export const ref = (name: string, description?: string): Schema =>
  description === undefined ? { $ref: refTo(name) } : { allOf: [{ $ref: refTo(name) }], description };

export const intOrString = (d: string): Schema => ref(INTSTR, d);
export const quantity = (d: string): Schema => ref(QUANTITY, d);
export const time = (d: string): Schema => ref(META + 'Time', d);
export const microTime = (d: string): Schema => ref(META + 'MicroTime', d);

/** An opaque subtree: accepted as is, never flagged by strict validation. */
export const preserve = (d: string): Schema => ({
  type: 'object',
  description: d,
  'x-kubernetes-preserve-unknown-fields': true,
});

export interface ListOpts {
  /** `patchMergeKey`; implies strategy 'merge' unless given. */
  mergeKey?: string;
  /** `patchStrategy`: 'merge', 'retainKeys', 'merge,retainKeys'. */
  strategy?: string;
  /** `+listType`; defaults to 'atomic' (the Kubernetes default for lists without a tag). */
  listType?: 'atomic' | 'set' | 'map';
  /** `+listMapKey`, in declaration order. */
  mapKeys?: string[];
}

export function arrayOf(items: Schema, description: string, o: ListOpts = {}): Schema {
  const s: Schema = { type: 'array', description, items };
  const listType = o.listType ?? (o.mapKeys ? 'map' : 'atomic');
  if (o.mergeKey) s['x-kubernetes-patch-merge-key'] = o.mergeKey;
  const strategy = o.strategy ?? (o.mergeKey ? 'merge' : undefined);
  if (strategy) s['x-kubernetes-patch-strategy'] = strategy;
  s['x-kubernetes-list-type'] = listType;
  if (listType === 'map') s['x-kubernetes-list-map-keys'] = o.mapKeys ?? (o.mergeKey ? [o.mergeKey] : []);
  return s;
}

/** A list of objects merged by `key`: the common `patchMergeKey=k, listType=map, listMapKey=k` tag set. */
export const mapList = (itemType: string, key: string, d: string, strategy = 'merge'): Schema =>
  arrayOf(ref(itemType), d, { mergeKey: key, strategy, mapKeys: [key] });

/** []string with `+listType=atomic` unless told otherwise. */
export const strs = (d: string, o: ListOpts = {}): Schema => arrayOf({ type: 'string', default: '' }, d, o);

export function mapOf(values: Schema, description: string, mapType?: 'atomic' | 'granular'): Schema {
  const s: Schema = { type: 'object', description, additionalProperties: values };
  if (mapType) s['x-kubernetes-map-type'] = mapType;
  return s;
}

export const stringMap = (d: string, mapType?: 'atomic' | 'granular'): Schema =>
  mapOf({ type: 'string', default: '' }, d, mapType);

/** The apiVersion/kind/metadata header every top-level object starts with. */
export function typeMeta(kindDesc: string): Record<string, Schema> {
  return {
    apiVersion: str('Versioned schema of this object, e.g. "v1" or "apps/v1"; the server uses it to decode the body.'),
    kind: str(`Object type, in CamelCase; here "${kindDesc}".`),
  };
}

/** A top-level kind: typeMeta + metadata + the given fields, tagged with its GVK. */
export function resource(gvk: GVK, description: string, props: Record<string, Schema>, opts: Omit<ObjOpts, 'gvk'> = {}): Schema {
  return obj(description, {
    ...typeMeta(gvk.kind),
    metadata: ref(META + 'ObjectMeta', "Standard object metadata: name, namespace, labels, annotations, owners."),
    ...props,
  }, { ...opts, gvk });
}

/** The `<Kind>List` wrapper Kubernetes returns from list calls. */
export function listOf(gvk: GVK, itemDef: string): Schema {
  return obj(`A list of ${gvk.kind} objects.`, {
    ...typeMeta(gvk.kind + 'List'),
    metadata: ref(META + 'ListMeta', 'List metadata: resourceVersion and continue token.'),
    items: arrayOf(ref(itemDef), `The ${gvk.kind} objects.`),
  }, { required: ['items'], gvk: { ...gvk, kind: gvk.kind + 'List' } });
}
