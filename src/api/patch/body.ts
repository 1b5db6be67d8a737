// Content-Type → patch kind, and decoding of the body, with the apiserver's
// 415 for types a PATCH endpoint does not accept.

import { parse as parseYaml } from 'yaml';
import { isPlainObject } from '../object.js';
import { PATCH_CONTENT_TYPES, PatchErrors, goJsonKind } from './errors.js';

export type PatchKind = 'json' | 'merge' | 'strategic' | 'apply';

export interface ParsedPatch {
  kind: PatchKind;
  value: unknown;
}

const KINDS: Record<string, PatchKind> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

/** The media type without parameters ("; charset=utf-8"), lower-cased. */
export const mediaType = (contentType: string): string => contentType.split(';')[0].trim().toLowerCase();

/**
 * The patch kind of a Content-Type. `accepted` narrows what the endpoint takes
 * (custom resources have no strategic merge patch); CBOR apply is not offered.
 */
export function patchKind(contentType: string, accepted: readonly string[] = PATCH_CONTENT_TYPES): PatchKind {
  const type = mediaType(contentType);
  const kind = KINDS[type];
  if (!kind || !accepted.includes(type)) throw PatchErrors.unsupportedMediaType(accepted);
  return kind;
}

export function parsePatchBody(contentType: string, body: string, accepted: readonly string[] = PATCH_CONTENT_TYPES): ParsedPatch {
  const kind = patchKind(contentType, accepted);
  switch (kind) {
    case 'json':
    case 'merge':
      return { kind, value: parseJson(body, 'error decoding patch: ') };
    case 'strategic':
      return { kind, value: parseJson(body, '') };
    case 'apply':
      return { kind, value: parseApply(body) };
  }
}

function parseJson(body: string, prefix: string): unknown {
  try {
    return JSON.parse(body);
  } catch (e) {
    throw PatchErrors.bad(prefix + (body.trim() === '' ? 'unexpected end of JSON input' : (e as Error).message));
  }
}

/** Server-side apply bodies are YAML (kubectl sends JSON, which YAML 1.2 reads). */
function parseApply(body: string): unknown {
  let value: unknown;
  try {
    value = parseYaml(body);
  } catch (e) {
    throw PatchErrors.bad(`error decoding YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  // An empty document decodes to an empty object, as it does into a Go map.
  if (value === null || value === undefined) return {};
  if (!isPlainObject(value)) {
    throw PatchErrors.bad(`error decoding YAML: json: cannot unmarshal ${goJsonKind(value)} into Go value of type map[string]interface {}`);
  }
  return value;
}
