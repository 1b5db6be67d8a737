// RFC 7386 JSON merge patch: objects merge recursively, null deletes, anything
// else (arrays included) replaces.

import { deepClone, isPlainObject, type Json, type JsonObject } from '../object.js';
import { PatchErrors } from './errors.js';
import { setField } from './set-field.js';

export function applyMergePatch(original: JsonObject, patch: unknown): JsonObject {
  // Work on a copy so the result shares nothing with either input.
  const result = mergeValue(deepClone(original), patch as Json);
  if (!isPlainObject(result)) throw PatchErrors.notAnObject(result);
  return result as JsonObject;
}

/** Merges patch into target, which it owns and may change. */
function mergeValue(target: Json | undefined, patch: Json): Json {
  if (!isPlainObject(patch)) return deepClone(patch);
  const out: JsonObject = isPlainObject(target) ? (target as JsonObject) : {};
  for (const [k, v] of Object.entries(patch as JsonObject)) {
    if (v === null) delete out[k];
    else setField(out, k, mergeValue(Object.hasOwn(out, k) ? out[k] : undefined, v));
  }
  return out;
}
