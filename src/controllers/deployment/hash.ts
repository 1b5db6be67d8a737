// pod-template-hash: FNV-32a over the template (here its canonical JSON, where
// Kubernetes hashes a Go dump of the struct), plus collisionCount, rendered
// with the safe alphabet so names never spell words. Stable across processes.
import type { KubeObject } from '../../api/object.js';
import { pruneEmpty } from './replicasets.js';
import { SAFE_ALPHABET } from '../../util/names.js';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export function fnv32a(bytes: Uint8Array, seed = FNV_OFFSET): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, FNV_PRIME) >>> 0;
  }
  return h >>> 0;
}

/** rand.SafeEncodeString: each character mapped into the alphabet. */
export const safeEncode = (s: string): string =>
  [...new TextEncoder().encode(s)].map((b) => SAFE_ALPHABET[b % SAFE_ALPHABET.length]).join('');

/** JSON with object keys sorted and undefined dropped: equal data, equal text. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

/** controller.ComputeHash(template, collisionCount). */
export function computeHash(template: KubeObject['spec'], collisionCount?: number): string {
  const bytes = new TextEncoder().encode(canonicalJson(pruneEmpty(template ?? {})));
  let h = fnv32a(bytes);
  if (collisionCount !== undefined && collisionCount !== null) {
    // Eight little-endian bytes, of which the low four carry the count.
    const extra = new Uint8Array(8);
    new DataView(extra.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(extra, h);
  }
  return safeEncode(String(h));
}
