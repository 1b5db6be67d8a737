// ConfigMap and Secret validation (ValidateConfigMap, ValidateSecret and their
// updates in pkg/apis/core/validation). Sizes count decoded bytes, as Go's do.

import type { KubeObject } from '../object.js';
import type { FieldError } from '../status.js';
import { DNS1123SubdomainMaxLength, maxLenError, regexError } from './syntax.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { child, each, fieldImmutableErrorMsg, forbidden, invalid, isObj, key, required, tooLong } from './errors.js';
import { jsonEqual } from '../object.js';
import { goJsonError } from './go-json.js';

/** core.MaxSecretSize: the limit of a Secret's data and of a ConfigMap's data + binaryData. */
export const MAX_SECRET_SIZE = 1024 * 1024;

const configMapKeyFmt = '[-._a-zA-Z0-9]+';
const configMapKeyRe = new RegExp(`^${configMapKeyFmt}$`);

/** IsConfigMapKey (also the rule for Secret keys and the keys pods select). */
export function isConfigMapKey(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123SubdomainMaxLength) errs.push(maxLenError(DNS1123SubdomainMaxLength));
  if (!configMapKeyRe.test(value)) errs.push(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", configMapKeyFmt, 'key.name', 'KEY_NAME', 'key-name'));
  if (value === '.') errs.push("must not be '.'");
  else if (value === '..') errs.push("must not be '..'");
  else if (value.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

const entries = (m: unknown): [string, string][] => (isObj(m) ? Object.entries(m).map(([k, v]) => [k, typeof v === 'string' ? v : '']) : []);
const base64Size = (v: string): number => Buffer.from(v, 'base64').length;
const utf8Size = (v: string): number => Buffer.byteLength(v, 'utf8');

function validateKeys(m: unknown, field: string): FieldError[] {
  return entries(m).flatMap(([k]) => each(key(field, k), k, isConfigMapKey(k)));
}

function validateConfigMap(cm: KubeObject): FieldError[] {
  const errs = validateKeys(cm.data, 'data');
  const binary = isObj(cm.binaryData) ? cm.binaryData : {};
  for (const [k] of entries(cm.data)) if (Object.hasOwn(binary, k)) errs.push(invalid(key('data', k), k, 'duplicate of key present in binaryData'));
  errs.push(...validateKeys(cm.binaryData, 'binaryData'));
  const size = entries(cm.data).reduce((n, [, v]) => n + utf8Size(v), 0) + entries(cm.binaryData).reduce((n, [, v]) => n + base64Size(v), 0);
  // Go reports it at the empty path, which prints as "[]".
  if (size > MAX_SECRET_SIZE) errs.push(tooLong('[]', MAX_SECRET_SIZE));
  return errs;
}

const REDACTED = '<secret contents redacted>';

/** The keys a Secret's type requires (and, for the docker types, a JSON object in them). */
function validateSecretType(s: KubeObject): FieldError[] {
  const data = isObj(s.data) ? (s.data as Record<string, string>) : {};
  const has = (k: string) => Object.hasOwn(data, k);
  const json = (k: string): FieldError[] => {
    if (!has(k)) return [required(key('data', k))];
    const err = goJsonError(Buffer.from(data[k], 'base64').toString('utf8'));
    return err ? [invalid(key('data', k), REDACTED, err)] : [];
  };
  switch (s.type) {
    case 'kubernetes.io/service-account-token':
      return s.metadata.annotations?.['kubernetes.io/service-account.name'] ? [] : [required(key(child('metadata', 'annotations'), 'kubernetes.io/service-account.name'))];
    case 'kubernetes.io/dockercfg': return json('.dockercfg');
    case 'kubernetes.io/dockerconfigjson': return json('.dockerconfigjson');
    case 'kubernetes.io/basic-auth':
      return has('username') || has('password') ? [] : [required(key('data', 'username')), required(key('data', 'password'))];
    case 'kubernetes.io/ssh-auth':
      return base64Size(data['ssh-privatekey'] ?? '') > 0 ? [] : [required(key('data', 'ssh-privatekey'))];
    case 'kubernetes.io/tls':
      return [...(has('tls.crt') ? [] : [required(key('data', 'tls.crt'))]), ...(has('tls.key') ? [] : [required(key('data', 'tls.key'))])];
    default: return [];
  }
}

function validateSecret(s: KubeObject): FieldError[] {
  const errs = validateKeys(s.data, 'data');
  if (entries(s.data).reduce((n, [, v]) => n + base64Size(v), 0) > MAX_SECRET_SIZE) errs.push(tooLong('data', MAX_SECRET_SIZE));
  return [...errs, ...validateSecretType(s)];
}

/** With `immutable: true` on the stored object, it stays so and the given fields keep their values. */
function validateImmutable(obj: KubeObject, old: KubeObject, fields: string[]): FieldError[] {
  if (old.immutable !== true) return [];
  const msg = 'field is immutable when `immutable` is set';
  const errs: FieldError[] = obj.immutable === true ? [] : [forbidden('immutable', msg)];
  for (const f of fields) if (!jsonEqual(obj[f] ?? {}, old[f] ?? {})) errs.push(forbidden(f, msg));
  return errs;
}

const meta = (o: KubeObject) => validateObjectMeta(o.metadata, { namespaced: true, nameRule: 'dns1123-subdomain' });

export const validateConfigMapCreate = (cm: KubeObject): FieldError[] => [...meta(cm), ...validateConfigMap(cm)];

export const validateConfigMapUpdate = (cm: KubeObject, old: KubeObject): FieldError[] =>
  [...validateObjectMetaUpdate(cm.metadata, old.metadata), ...validateImmutable(cm, old, ['data', 'binaryData']), ...validateConfigMap(cm)];

export const validateSecretCreate = (s: KubeObject): FieldError[] => [...meta(s), ...validateSecret(s)];

export const validateSecretUpdate = (s: KubeObject, old: KubeObject): FieldError[] => [
  ...validateObjectMetaUpdate(s.metadata, old.metadata),
  ...((s.type ?? '') === (old.type ?? '') ? [] : [invalid('type', s.type ?? '', fieldImmutableErrorMsg)]),
  ...validateImmutable(s, old, ['data']),
  ...validateSecret(s),
];
