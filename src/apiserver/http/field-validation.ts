// fieldValidation=Strict|Warn|Ignore: unknown fields are rejected, reported as
// warnings, or dropped silently. In every mode they are never stored.
import { isPlainObject } from '../../api/object.js';
import { Errors } from '../../api/status.js';
import { schemas, schemaNameFor } from '../../api/schema/index.js';
import { findTypeErrors, findUnknownFields, strictErrorMessage, warningTexts, decodeErrorMessage } from '../../api/schema/unknown-fields.js';
import type { ResourceDef } from '../resources.js';
import { findDuplicateFields } from '../../api/schema/duplicate-fields.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function fieldValidationParam(q: URLSearchParams): FieldValidation {
  const v = q.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw Errors.badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict", got "${v}"`);
}

/**
 * Applies the mode to obj in place; returns warnings for the response. Decoding a
 * request body words the error as the decoder does; a patch result does not.
 */
export function checkUnknownFields(r: ResourceDef, obj: Record<string, unknown>, mode: FieldValidation, from: 'body' | 'patch' = 'body', kind = r.kind, group = r.group, version = r.version): string[] {
  const name = schemaNameFor(group, version, kind);
  if (!name) return [];
  const paths = findUnknownFields(obj, name, schemas);
  if (!paths.length) return [];
  if (mode === 'Strict') throw Errors.badRequest(from === 'body' ? decodeErrorMessage(kind, version, strictErrorMessage(paths)) : strictErrorMessage(paths));
  for (const p of paths) prunePath(obj, p);
  return mode === 'Warn' ? warningTexts(paths) : [];
}

/**
 * Values that do not fit their fields cannot be decoded: a 400 with Go's words, in every mode,
 * for a request body and for a patch's result alike. For ConfigMaps and Secrets every mismatch
 * (a number in data, data that is not base64); elsewhere only []byte fields, as other mismatches
 * are left to validation, which words some of them more helpfully than the Go decoder would
 * (service-selector.ts).
 */
export function checkFieldTypes(r: ResourceDef, obj: Record<string, unknown>, from: 'body' | 'patch' = 'body'): void {
  const name = schemaNameFor(r.group, r.version, r.kind);
  if (!name) return;
  const all = r.kind === 'ConfigMap' || r.kind === 'Secret';
  const bad = findTypeErrors(obj, name, schemas).find((m) => all || m.startsWith(BASE64_ERROR));
  if (bad) throw Errors.badRequest(from === 'body' ? decodeErrorMessage(r.kind, r.version, bad) : bad);
}
const BASE64_ERROR = 'illegal base64 data';

/** Removes the field a path like `spec.ports[0].bar` names. */
export function prunePath(root: unknown, rawPath: string): void {
  const path = rawPath.startsWith('.') || rawPath.startsWith('[') ? rawPath : `.${rawPath}`;
  const tokens: (string | number)[] = [];
  const re = /\.([^.[\]]+)|\[(\d+)\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path))) tokens.push(m[1] !== undefined ? m[1] : Number(m[2]));
  let cur: unknown = root;
  for (let i = 0; i < tokens.length - 1; i++) {
    const t = tokens[i];
    if (typeof t === 'number') cur = Array.isArray(cur) ? cur[t] : undefined;
    else cur = isPlainObject(cur) ? cur[t] : undefined;
    if (cur === undefined) return;
  }
  const last = tokens[tokens.length - 1];
  if (typeof last === 'string' && isPlainObject(cur)) delete cur[last];
}

/** Duplicate keys in a JSON body: an error under Strict, warnings under Warn. */
export function duplicateFieldCheck(r: ResourceDef, text: string, mode: FieldValidation): string[] {
  const dups = findDuplicateFields(text);
  if (!dups.length) return [];
  const msgs = dups.map((d) => `duplicate field "${d}"`);
  if (mode === 'Strict') throw Errors.badRequest(decodeErrorMessage(r.kind, r.version, `strict decoding error: ${msgs.join(', ')}`));
  return msgs;
}
