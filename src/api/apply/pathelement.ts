// Path elements as structured-merge-diff serialises them in FieldsV1 keys:
//   f:<field>   a struct field or map entry
//   k:<json>    an item of an associative list, by its key fields (sorted by name)
//   v:<json>    an item of a set list, by value
//   i:<index>   a list item by position (only when no key can be formed)
// The serialised string doubles as the canonical identity of the element.

import type { Json } from '../object.js';

export type PathElement = string;
export type Path = readonly PathElement[];

export const fieldPE = (name: string): PathElement => 'f:' + name;
export const valuePE = (v: Json): PathElement => 'v:' + canonicalJson(v);
export const indexPE = (i: number): PathElement => 'i:' + i;

/** Key fields are emitted sorted by name, like value.FieldList.Sort. */
export function keyPE(fields: Record<string, Json>): PathElement {
  const sorted: Record<string, Json> = {};
  for (const k of Object.keys(fields).sort(cmpStr)) sorted[k] = fields[k];
  return 'k:' + canonicalJson(sorted);
}

/** JSON with object keys sorted, so equal values serialise equally. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return '[' + v.map(canonicalJson).join(',') + ']';
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort(cmpStr);
    return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonicalJson(o[k])).join(',') + '}';
  }
  return JSON.stringify(v);
}

export const isValidPE = (pe: string): boolean => /^[fkvi]:/.test(pe);

/** Byte-wise string order, as Go's strings.Compare (UTF-16 order is close enough for keys). */
export const cmpStr = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const typeRank: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

/** Order of PathElement.Compare: fields < keys < values < indexes. */
export function comparePE(a: PathElement, b: PathElement): number {
  if (a === b) return 0;
  const ta = a[0], tb = b[0];
  if (ta !== tb) return (typeRank[ta] ?? 9) - (typeRank[tb] ?? 9);
  const ra = a.slice(2), rb = b.slice(2);
  switch (ta) {
    case 'f':
      return cmpStr(ra, rb);
    case 'i':
      return Number(ra) - Number(rb);
    case 'v':
      return compareValues(JSON.parse(ra), JSON.parse(rb));
    default:
      return compareFieldLists(JSON.parse(ra), JSON.parse(rb));
  }
}

function compareFieldLists(a: Record<string, Json>, b: Record<string, Json>): number {
  const ak = Object.keys(a), bk = Object.keys(b);
  for (let i = 0; ; i++) {
    if (i >= ak.length && i >= bk.length) return 0;
    if (i >= ak.length) return -1;
    if (i >= bk.length) return 1;
    const c = cmpStr(ak[i], bk[i]) || compareValues(a[ak[i]], b[bk[i]]);
    if (c !== 0) return c;
  }
}

// value.Compare ranks: numbers < strings < booleans < lists < maps < null.
function valueRank(v: Json): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (v !== null && typeof v === 'object') return 4;
  return 5;
}

function compareValues(a: Json, b: Json): number {
  const ra = valueRank(a), rb = valueRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number') return a - (b as number);
  if (typeof a === 'string') return cmpStr(a, b as string);
  if (typeof a === 'boolean') return Number(a) - Number(b);
  if (Array.isArray(a)) {
    const bl = b as Json[];
    for (let i = 0; i < Math.min(a.length, bl.length); i++) {
      const c = compareValues(a[i], bl[i]);
      if (c !== 0) return c;
    }
    return a.length - bl.length;
  }
  if (a !== null && typeof a === 'object') return cmpStr(canonicalJson(a), canonicalJson(b));
  return 0;
}

/** Human form used in conflict messages: .spec.ports[port=80,protocol="TCP"].targetPort */
export function pathString(path: Path): string {
  return path.map(peString).join('');
}

function peString(pe: PathElement): string {
  const rest = pe.slice(2);
  switch (pe[0]) {
    case 'f':
      return '.' + rest;
    case 'i':
      return `[${rest}]`;
    case 'v':
      return `[=${valueString(JSON.parse(rest))}]`;
    default: {
      const o = JSON.parse(rest) as Record<string, Json>;
      return '[' + Object.keys(o).map((k) => `${k}=${valueString(o[k])}`).join(',') + ']';
    }
  }
}

function valueString(v: Json): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'object') return canonicalJson(v);
  return String(v);
}
