// Strict field validation over the schema model, in the words of Kubernetes'
// decoder (sigs.k8s.io/json and apimachinery's strict decoding errors), so that
// kubectl users see the messages they would see against a real API server.

import { INTSTR, META, QUANTITY } from './build.js';
import { base64ErrorMessage, base64ErrorOffset } from './go-base64.js';
import { refTo, resolveSchema, type Schema, type SchemaMap } from './types.js';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

const refName = (s: Schema | undefined): string | undefined => {
  const r = s?.$ref ?? (s?.allOf?.length === 1 ? s.allOf[0].$ref : undefined);
  return r?.startsWith('#/components/schemas/') ? r.slice('#/components/schemas/'.length) : undefined;
};

const preserves = (s: Schema | undefined, r: Schema | undefined) =>
  !!(s?.['x-kubernetes-preserve-unknown-fields'] || r?.['x-kubernetes-preserve-unknown-fields']);

/**
 * Fields of `obj` the schema does not declare, as strict decoding names them:
 * `spec.foo`, `spec.ports[0].bar` (no leading dot, array indexes in brackets).
 * Map keys are never unknown; preserve-unknown and opaque objects are skipped.
 */
export function findUnknownFields(obj: unknown, rootSchemaName: string, schemas: SchemaMap): string[] {
  const out: string[] = [];
  const walk = (v: unknown, s: Schema | undefined, path: string): void => {
    const r = resolveSchema(schemas, s);
    if (!r || preserves(s, r) || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      if (r.type === 'array' && r.items) v.forEach((x, i) => walk(x, r.items, `${path}[${i}]`));
      return;
    }
    const extra = r.additionalProperties;
    if (r.properties) {
      for (const [k, x] of Object.entries(v)) {
        const p = r.properties[k];
        if (p) walk(x, p, join(path, k));
        else if (typeof extra === 'object') walk(x, extra, join(path, k));
        else if (extra !== true) out.push(join(path, k));
      }
    } else if (typeof extra === 'object') {
      for (const [k, x] of Object.entries(v)) walk(x, extra, join(path, k));
    }
    // An object schema with neither properties nor additionalProperties is opaque (FieldsV1, RawExtension).
  };
  walk(obj, { $ref: refTo(rootSchemaName) }, '');
  return out;
}

/** The 400 message for fieldValidation=Strict: `strict decoding error: unknown field "spec.foo", unknown field "x"`. */
export function strictErrorMessage(paths: string[]): string {
  return 'strict decoding error: ' + paths.map((p) => `unknown field "${p}"`).join(', ');
}

/** One warning per field for fieldValidation=Warn; the shell sends each as `Warning: 299 - "<text>"`. */
export function warningTexts(paths: string[]): string[] {
  return paths.map((p) => `unknown field "${p}"`);
}

/** How create/update wrap a decode failure: `Service in version "v1" cannot be handled as a Service: <detail>`. */
export function decodeErrorMessage(kind: string, version: string, detail: string): string {
  return `${kind} in version "${version}" cannot be handled as a ${kind}: ${detail}`;
}

/** A warning header value: `299 - "<text>"` with quotes and backslashes escaped. */
export function warningHeaderValue(text: string): string {
  return `299 - "${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

// ---- JSON type errors, in encoding/json's words ----

const QUANTITY_FORMAT = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const QUANTITY_RE = /^[+-]?(\d+\.?\d*|\.\d+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$/;

const jsonType = (v: unknown): string =>
  Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'boolean' ? 'bool' : typeof v === 'object' ? 'object' : typeof v;

const shortName = (def: string) => def.slice(def.lastIndexOf('.') + 1);
const goPackage = (def: string) => {
  const parts = def.split('.');
  return parts[parts.length - 2];
};

/** The Go type name encoding/json prints for a field of this schema. */
function goType(schemas: SchemaMap, s: Schema | undefined): string {
  const name = refName(s);
  if (name) return `${goPackage(name)}.${shortName(name)}`;
  if (!s) return 'interface {}';
  switch (s.type) {
    case 'string': return 'string';
    case 'boolean': return 'bool';
    case 'number': return 'float64';
    case 'integer': return s.format === 'int32' ? 'int32' : 'int64';
    case 'array': return '[]' + goType(schemas, s.items);
    case 'object':
      if (typeof s.additionalProperties === 'object') return 'map[string]' + goType(schemas, s.additionalProperties);
      return 'map[string]interface {}';
    default: return 'interface {}';
  }
}

const fitsInt = (n: number, format: string | undefined) =>
  Number.isInteger(n) && (format === 'int32' ? n >= -(2 ** 31) && n < 2 ** 31 : Number.isSafeInteger(n));

/**
 * Values whose JSON type does not fit the field, as the Go decoder words it:
 * `json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32`.
 * Go reports only the first; all are returned, in document order. IntOrString,
 * Quantity and Time errors use the wording of their own unmarshalers.
 */
export function findTypeErrors(obj: unknown, rootSchemaName: string, schemas: SchemaMap): string[] {
  const out: string[] = [];
  const into = (struct: string, fields: string[], s: Schema | undefined) =>
    struct ? `Go struct field ${struct}.${fields.join('.')} of type ${goType(schemas, s)}` : `Go value of type ${goType(schemas, s)}`;

  const walk = (v: unknown, s: Schema | undefined, struct: string, fields: string[]): void => {
    if (v === null || v === undefined) return; // null decodes to the zero value
    const name = refName(s);
    const r = resolveSchema(schemas, s);
    if (!r || preserves(s, r)) return;
    if (name === INTSTR || r.format === 'int-or-string') {
      if (typeof v === 'string') return;
      if (typeof v === 'number' && fitsInt(v, 'int32')) return;
      out.push(`json: cannot unmarshal ${typeof v === 'number' ? `number ${v}` : jsonType(v)} into Go value of type int32`);
      return;
    }
    if (name === QUANTITY) {
      if ((typeof v !== 'string' && typeof v !== 'number') || !QUANTITY_RE.test(String(v).trim())) out.push(QUANTITY_FORMAT);
      return;
    }
    if (name === META + 'Time' || name === META + 'MicroTime') {
      if (typeof v !== 'string') out.push(`json: cannot unmarshal ${jsonType(v)} into Go value of type string`);
      return;
    }
    const bad = (what = jsonType(v)) => out.push(`json: cannot unmarshal ${what} into ${into(struct, fields, s)}`);
    switch (r.type) {
      case 'string':
        if (typeof v !== 'string') bad();
        else if (r.format === 'byte') {
          const at = base64ErrorOffset(v);
          if (at !== undefined) out.push(base64ErrorMessage(at));
        }
        return;
      case 'boolean': if (typeof v !== 'boolean') bad(); return;
      case 'number': if (typeof v !== 'number') bad(); return;
      case 'integer':
        if (typeof v !== 'number') bad();
        else if (!fitsInt(v, r.format)) bad(`number ${v}`);
        return;
      case 'array':
        if (!Array.isArray(v)) bad();
        else v.forEach((x) => walk(x, r.items, struct, fields));
        return;
    }
    if (r.type !== 'object' && !r.properties) return;
    if (!isObj(v)) return void bad();
    if (r.properties) {
      const self = name ? shortName(name) : struct;
      for (const [k, x] of Object.entries(v)) {
        const p = r.properties[k];
        if (p) walk(x, p, self, [...fields, k]);
      }
    } else if (typeof r.additionalProperties === 'object') {
      for (const x of Object.values(v)) walk(x, r.additionalProperties, struct, fields);
    }
  };
  walk(obj, { $ref: refTo(rootSchemaName) }, '', []);
  return out;
}
