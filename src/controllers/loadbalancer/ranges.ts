// The `--lb-pool` syntax: comma-separated entries, each a range
// "172.30.0.200-172.30.0.250", a CIDR "172.30.0.192/28" or a single address.
// As in MetalLB, a CIDR contributes every address in it, network and
// broadcast included: a pool is usually a slice of a larger subnet, where
// those are ordinary host addresses. Use the range form to leave them out.
import { parseIPv4 } from '../../api/validation/syntax.js';
import { ipv4ToNumber, numberToIPv4 } from '../ipam/cidr.js';

/** Inclusive bounds as unsigned 32-bit numbers. */
export interface Interval {
  first: number;
  last: number;
}

const ipNum = (s: string): number | undefined => {
  const b = parseIPv4(s.trim());
  return b ? ipv4ToNumber(b) : undefined;
};

function parseEntry(entry: string): Interval {
  const e = entry.trim();
  const bad = (why: string): never => {
    throw new RangeError(`invalid load-balancer pool entry ${JSON.stringify(e)}: ${why}`);
  };
  if (e.includes('/')) {
    const [addr, plen, extra] = e.split('/');
    const n = ipNum(addr);
    if (n === undefined || extra !== undefined || !/^[0-9]{1,2}$/.test(plen) || Number(plen) > 32) return bad('want a.b.c.d/n');
    const size = 2 ** (32 - Number(plen));
    const first = n - (n % size);
    return { first, last: first + size - 1 };
  }
  if (e.includes('-')) {
    const [a, b, extra] = e.split('-');
    const first = ipNum(a), last = ipNum(b);
    if (first === undefined || last === undefined || extra !== undefined) return bad('want a.b.c.d-e.f.g.h');
    if (last < first) return bad('the range ends before it starts');
    return { first, last };
  }
  const n = ipNum(e);
  return n === undefined ? bad('not an IPv4 address, range or CIDR') : { first: n, last: n };
}

/** Sorted, merged intervals; throws RangeError on bad syntax or an empty pool. */
export function parsePool(spec: string): Interval[] {
  const entries = spec.split(',').filter((s) => s.trim() !== '');
  if (!entries.length) throw new RangeError('empty load-balancer pool');
  const sorted = entries.map(parseEntry).sort((x, y) => x.first - y.first);
  const out: Interval[] = [];
  for (const r of sorted) {
    const prev = out[out.length - 1];
    if (prev && r.first <= prev.last + 1) prev.last = Math.max(prev.last, r.last);
    else out.push({ ...r });
  }
  return out;
}

export const formatPool = (rs: readonly Interval[]): string =>
  rs.map((r) => (r.first === r.last ? numberToIPv4(r.first) : `${numberToIPv4(r.first)}-${numberToIPv4(r.last)}`)).join(',');

export const poolSize = (rs: readonly Interval[]): number => rs.reduce((n, r) => n + r.last - r.first + 1, 0);

export function inPool(rs: readonly Interval[], ip: string): boolean {
  const n = ipNum(ip);
  return n !== undefined && rs.some((r) => n >= r.first && n <= r.last);
}

/** Every address in order, lowest first. */
export function* addresses(rs: readonly Interval[]): Generator<string> {
  for (const r of rs) for (let n = r.first; n <= r.last; n++) yield numberToIPv4(n);
}

/** "172.030.0.5" → "172.30.0.5"; undefined when not IPv4. */
export function canonicalIPv4(ip: string): string | undefined {
  const n = ipNum(ip);
  return n === undefined ? undefined : numberToIPv4(n);
}
