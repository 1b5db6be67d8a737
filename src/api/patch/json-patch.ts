// RFC 6902 JSON patch, with the apiserver's split of failures: a body that is
// not a list of operation objects is 400; an operation that cannot be applied
// (failed test, missing path, unknown op) is a bare 422.

import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { deepClone, isPlainObject, type JsonObject } from '../object.js';
import { PatchErrors, goJsonKind } from './errors.js';

/** Same cap as maxJSONPatchOperations in the apiserver. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

export function applyJsonPatch(original: JsonObject, ops: unknown): JsonObject {
  const list = decodeOps(ops);
  if (list.length > MAX_JSON_PATCH_OPERATIONS) throw PatchErrors.tooManyOperations(MAX_JSON_PATCH_OPERATIONS, list.length);
  let result: unknown;
  try {
    // Clone the ops too: fast-json-patch inserts operation values by reference.
    result = jsonpatch.applyPatch(deepClone(original), deepClone(list), true, true).newDocument;
  } catch (e) {
    throw PatchErrors.unprocessable(e instanceof Error ? e.message : String(e));
  }
  if (!isPlainObject(result)) throw PatchErrors.notAnObject(result);
  return result as JsonObject;
}

function decodeOps(ops: unknown): Operation[] {
  if (ops === null) return []; // encoding/json decodes `null` into an empty patch
  if (!Array.isArray(ops)) throw PatchErrors.bad(`json: cannot unmarshal ${goJsonKind(ops)} into Go value of type jsonpatch.Patch`);
  for (const op of ops) {
    if (op !== null && !isPlainObject(op)) {
      throw PatchErrors.bad(`json: cannot unmarshal ${goJsonKind(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  // Operation fields are checked while applying, where kube reports 422.
  return ops.map((op) => (op ?? {}) as Operation);
}
