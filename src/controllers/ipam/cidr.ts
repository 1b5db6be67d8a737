// IPv4 ranges for ClusterIP allocation. As in Kubernetes' ipallocator, the
// network address and the broadcast address are never allocatable, so index 0
// is network+1: 10.96.0.1 for 10.96.0.0/12, which `default/kubernetes` takes.

import { parseIPv4 } from '../../api/validation/syntax.js';

export interface IPv4Range {
  /** Canonical "a.b.c.d/n" with host bits cleared. */
  cidr: string;
  /** The network address as an unsigned 32-bit number. */
  network: number;
  prefix: number;
  /** Usable addresses: 2^(32-prefix) - 2, at least 0. */
  size: number;
}

export const ipv4ToNumber = (b: number[]): number => ((b[0] << 24) >>> 0) + (b[1] << 16) + (b[2] << 8) + b[3];
export const numberToIPv4 = (n: number): string => [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join('.');

/** Parses an IPv4 CIDR; a host part is cleared ("10.96.3.4/12" is 10.96.0.0/12). */
export function parseIPv4CIDR(s: string): IPv4Range | undefined {
  const [addr, plen, extra] = String(s).split('/');
  if (extra !== undefined || plen === undefined || !/^[0-9]{1,2}$/.test(plen)) return undefined;
  const bytes = parseIPv4(addr);
  const prefix = Number(plen);
  if (!bytes || prefix > 32) return undefined;
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  const network = (ipv4ToNumber(bytes) & mask) >>> 0;
  return { cidr: `${numberToIPv4(network)}/${prefix}`, network, prefix, size: Math.max(0, 2 ** (32 - prefix) - 2) };
}

/** The allocator index of an address, or undefined when it is not usable in the range. */
export function ipToIndex(r: IPv4Range, ip: string): number | undefined {
  const bytes = parseIPv4(ip);
  if (!bytes) return undefined;
  const i = ipv4ToNumber(bytes) - r.network - 1;
  return i >= 0 && i < r.size ? i : undefined;
}

export function indexToIP(r: IPv4Range, i: number): string {
  if (!Number.isInteger(i) || i < 0 || i >= r.size) throw new RangeError(`index ${i} outside ${r.cidr}`);
  return numberToIPv4(r.network + 1 + i);
}

/** The n-th usable address (1-based as people count: nthIP(r, 10) is 10.96.0.10). */
export const nthIP = (r: IPv4Range, n: number): string => indexToIP(r, n - 1);
