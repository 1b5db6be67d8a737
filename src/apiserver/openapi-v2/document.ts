// The Swagger 2.0 document served at /openapi/v2, derived from the schema model
// and the OpenAPI v3 documents. kubectl 1.32 reads it for client-side validation
// of what it cannot validate on the server (a `kind: List` document): it looks
// the schema of each item up by `x-kubernetes-group-version-kind` in
// `definitions`. `paths` mirror the v3 operations (the legacy fieldValidation
// verifier reads their PATCH parameters).

import { groupVersionPath, schemas, servedGroupVersions, type Schema } from '../../api/schema/index.js';
import { openApiDocument } from '../openapi.js';

/** A Swagger 2.0 schema object, as JSON. */
export type V2Schema = Record<string, unknown>;
export type V2Document = {
  swagger: '2.0';
  info: { title: string; version: string };
  paths: Record<string, Record<string, unknown>>;
  definitions: Record<string, V2Schema>;
  securityDefinitions: Record<string, Record<string, unknown>>;
  security: Record<string, string[]>[];
};

const V3_REF = '#/components/schemas/';
const V2_REF = '#/definitions/';

const v2Ref = (ref: string): string => (ref.startsWith(V3_REF) ? V2_REF + ref.slice(V3_REF.length) : ref);

/** Swagger 2.0 schema keywords kept as they are; other non-extension keywords have no v2 form. */
const PLAIN = new Set([
  'format', 'title', 'description', 'default', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum',
  'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems',
  'maxProperties', 'minProperties', 'required', 'enum', 'discriminator', 'readOnly', 'example',
]);

/** v2 has no oneOf/anyOf: the alternatives Kubernetes uses collapse to the form upstream publishes. */
function collapseAlternatives(alts: Schema[]): V2Schema {
  const types = new Set(alts.map((a) => a.type));
  // IntOrString.
  if (types.size === 2 && types.has('integer') && types.has('string')) return { type: 'string', format: 'int-or-string' };
  // Quantity: a string on the wire (numbers are accepted and normalised).
  if (types.has('string') && [...types].every((t) => t === 'string' || t === 'number' || t === 'integer')) return { type: 'string' };
  if (types.size === 1 && alts[0].type) return { type: alts[0].type };
  return {}; // anything goes
}

/** Converts one OpenAPI v3 schema (the model's subset) to Swagger 2.0. */
export function toV2Schema(s: Schema): V2Schema {
  const src = s as Record<string, unknown>;
  const out: V2Schema = {};
  const alts = (s.oneOf ?? (src.anyOf as Schema[] | undefined));
  if (alts?.length) Object.assign(out, collapseAlternatives(alts));
  if (s['x-kubernetes-int-or-string'] && !s.type) Object.assign(out, { type: 'string', format: 'int-or-string' });
  // OpenAPI 3 wraps a $ref in allOf to give it a description or default; v2 puts them side by side.
  if (s.$ref) out.$ref = v2Ref(s.$ref);
  else if (s.allOf?.length === 1 && s.allOf[0].$ref) out.$ref = v2Ref(s.allOf[0].$ref);
  else if (s.allOf?.length) out.allOf = s.allOf.map(toV2Schema);
  if (s.type) out.type = s.type;
  for (const [k, v] of Object.entries(src)) {
    if (v === undefined) continue;
    if (PLAIN.has(k)) {
      if (k === 'format' && out.format !== undefined) continue; // collapsed alternatives decide
      out[k] = v;
    } else if (k.startsWith('x-')) out[k] = v;
    // nullable, oneOf, anyOf, not, writeOnly, deprecated...: no Swagger 2.0 form.
  }
  if (s.properties) out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, p]) => [k, toV2Schema(p)]));
  if (s.additionalProperties !== undefined) {
    out.additionalProperties = typeof s.additionalProperties === 'object' ? toV2Schema(s.additionalProperties) : s.additionalProperties;
  }
  if (s.items) out.items = toV2Schema(s.items);
  return out;
}

type V3Param = { name: string; in: string; description?: string; required?: boolean; schema?: Schema; uniqueItems?: boolean };
type V3Media = Record<string, { schema?: Schema }>;
type V3Operation = Record<string, unknown> & {
  parameters?: V3Param[];
  requestBody?: { content?: V3Media; required?: boolean; description?: string };
  responses?: Record<string, { description?: string; content?: V3Media }>;
};

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'];

function nonBodyParam(p: V3Param): Record<string, unknown> {
  const out: Record<string, unknown> = { name: p.name, in: p.in };
  if (p.description) out.description = p.description;
  if (p.required) out.required = true;
  out.type = p.schema?.type ?? 'string';
  if (p.schema?.format) out.format = p.schema.format;
  if (p.uniqueItems) out.uniqueItems = true;
  return out;
}

function firstSchema(content: V3Media | undefined): Schema | undefined {
  return content ? Object.values(content).find((m) => m.schema)?.schema : undefined;
}

function toV2Operation(o: V3Operation): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (o.description) out.description = o.description;
  if (o.requestBody?.content) out.consumes = Object.keys(o.requestBody.content);
  const produces = new Set<string>();
  for (const r of Object.values(o.responses ?? {})) for (const t of Object.keys(r.content ?? {})) produces.add(t);
  if (produces.size) out.produces = [...produces];
  out.schemes = ['https'];
  if (o.tags) out.tags = o.tags;
  if (o.operationId) out.operationId = o.operationId;
  const params = (o.parameters ?? []).map(nonBodyParam);
  const body = firstSchema(o.requestBody?.content);
  if (body) params.push({ name: 'body', in: 'body', ...(o.requestBody?.required ? { required: true } : {}), schema: toV2Schema(body) });
  if (params.length) out.parameters = params;
  out.responses = Object.fromEntries(Object.entries(o.responses ?? {}).map(([code, r]) => {
    const schema = firstSchema(r.content);
    return [code, { description: r.description ?? '', ...(schema ? { schema: toV2Schema(schema) } : {}) }];
  }));
  for (const [k, v] of Object.entries(o)) if (k.startsWith('x-')) out[k] = v;
  return out;
}

function toV2PathItem(item: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const m of METHODS) if (item[m]) out[m] = toV2Operation(item[m] as V3Operation);
  const params = item.parameters as V3Param[] | undefined;
  if (params?.length) out.parameters = params.map(nonBodyParam);
  for (const [k, v] of Object.entries(item)) if (k.startsWith('x-')) out[k] = v;
  return out;
}

/** Builds the whole Swagger 2.0 document: every served group-version, every schema. */
export function buildOpenApiV2(): V2Document {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const gv of servedGroupVersions) {
    const doc = openApiDocument(groupVersionPath(gv.group, gv.version)) as { paths?: Record<string, Record<string, unknown>> } | undefined;
    for (const [p, item] of Object.entries(doc?.paths ?? {})) paths[p] = toV2PathItem(item);
  }
  const sortedPaths = Object.fromEntries(Object.keys(paths).sort().map((p) => [p, paths[p]]));
  const definitions = Object.fromEntries(Object.keys(schemas).sort().map((n) => [n, toV2Schema(schemas[n])]));
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths: sortedPaths,
    definitions,
    securityDefinitions: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } },
    security: [{ BearerToken: [] }],
  };
}
