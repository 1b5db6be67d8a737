import type { Json, JsonObject } from '../object.js';

/** Assigns obj[k] as plain data, so a "__proto__" key in a patch stays a key instead of a prototype. */
export function setField(obj: JsonObject, k: string, v: Json): void {
  if (k === '__proto__') Object.defineProperty(obj, k, { value: v, writable: true, enumerable: true, configurable: true });
  else obj[k] = v;
}
