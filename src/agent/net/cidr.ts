// IPv4 CIDR arithmetic. Pure.

export interface Cidr {
  base: number;
  bits: number;
}

export function ipToInt(ip: string): number {
  const p = ip.split('.').map(Number);
  if (p.length !== 4 || p.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) throw new Error(`bad IPv4 address ${ip}`);
  return ((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) >>> 0;
}

export const intToIp = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

export function parseCidr(s: string): Cidr {
  const [ip, b] = s.split('/');
  const bits = Number(b);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) throw new Error(`bad CIDR ${s}`);
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return { base: (ipToInt(ip) & mask) >>> 0, bits };
}

export const cidrSize = (c: Cidr): number => 2 ** (32 - c.bits);
export const cidrString = (c: Cidr): string => `${intToIp(c.base)}/${c.bits}`;
/** The bridge (gateway) address: the first host address. */
export const gatewayIP = (c: Cidr): string => intToIp(c.base + 1);
export const contains = (c: Cidr, ip: string): boolean => ipToInt(ip) - c.base >= 0 && ipToInt(ip) - c.base < cidrSize(c);
