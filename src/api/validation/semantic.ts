// apiequality.Semantic.DeepEqual over JSON: Go cannot tell a missing field from
// its empty value for slices, maps and plain strings, so those compare equal.

import { jsonEqual } from '../object.js';

export function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalize);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === undefined || x === null || x === '' || (Array.isArray(x) && x.length === 0)) continue;
    out[k] = normalize(x);
  }
  return out;
}

export const semanticEqual = (a: unknown, b: unknown): boolean => jsonEqual(normalize(a), normalize(b));

/** A short "-old / +new" listing of the leaves that differ, standing in for cmp.Diff. */
export function diffLines(a: unknown, b: unknown, path = ''): string[] {
  const na = normalize(a), nb = normalize(b);
  if (jsonEqual(na, nb)) return [];
  const bothObjects = typeof na === 'object' && na !== null && typeof nb === 'object' && nb !== null && Array.isArray(na) === Array.isArray(nb);
  if (!bothObjects) {
    const out: string[] = [];
    if (na !== undefined) out.push(`-\t${path}: ${JSON.stringify(na)}`);
    if (nb !== undefined) out.push(`+\t${path}: ${JSON.stringify(nb)}`);
    return out;
  }
  const ka = Object.keys(na as object), kb = Object.keys(nb as object);
  const keys = [...new Set([...ka, ...kb])];
  const isArr = Array.isArray(na);
  return keys.flatMap((k) =>
    diffLines((na as Record<string, unknown>)[k], (nb as Record<string, unknown>)[k], isArr ? `${path}[${k}]` : path ? `${path}.${k}` : k),
  );
}
