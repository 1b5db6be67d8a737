// Address helpers without node:net, so the answer core stays pure.

export function isIPv4(s: string): boolean {
  const p = s.split('.');
  return p.length === 4 && p.every((x) => /^(0|[1-9]\d{0,2})$/.test(x) && Number(x) <= 255);
}

/** Eight 16-bit groups, or undefined when s is not an IPv6 address. */
export function parseIPv6(s: string): number[] | undefined {
  if (!s.includes(':') || s.includes(':::')) return undefined;
  let text = s;
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hex groups.
  const v4 = /:(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    if (!isIPv4(v4[1])) return undefined;
    const b = v4[1].split('.').map(Number);
    text = `${s.slice(0, v4.index + 1)}${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const group = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = group(halves[0]);
  const rest = halves.length === 2 ? group(halves[1]) : [];
  if (!head || !rest) return undefined;
  const have = head.length + rest.length;
  if (halves.length === 2) {
    if (have > 7) return undefined;
    return [...head, ...Array(8 - have).fill(0), ...rest];
  }
  return have === 8 ? head : undefined;
}

/** Canonical text form (RFC 5952 shortest), so index keys compare equal. */
export function canonicalIP(s: string): string {
  if (isIPv4(s)) return s;
  const g = parseIPv6(s);
  if (!g) return s;
  let bestAt = -1, bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { bestAt = i; bestLen = j - i; }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bestAt < 0) return hex.join(':');
  return `${hex.slice(0, bestAt).join(':')}::${hex.slice(bestAt + bestLen).join(':')}`;
}

/**
 * The address a full reverse name stands for: 4.3.2.1.in-addr.arpa → 1.2.3.4, and the
 * 32-nibble ip6.arpa form. Undefined for partial or malformed names.
 */
export function addressFromReverse(labels: string[]): string | undefined {
  const n = labels.length;
  if (n === 6 && labels[4] === 'in-addr' && labels[5] === 'arpa') {
    const ip = labels.slice(0, 4).reverse().join('.');
    return isIPv4(ip) ? ip : undefined;
  }
  if (n === 34 && labels[32] === 'ip6' && labels[33] === 'arpa') {
    const nib = labels.slice(0, 32).reverse();
    if (!nib.every((x) => /^[0-9a-f]$/.test(x))) return undefined;
    const groups: string[] = [];
    for (let i = 0; i < 32; i += 4) groups.push(nib.slice(i, i + 4).join(''));
    return canonicalIP(groups.join(':'));
  }
  return undefined;
}

/** 10.0.0.1 → 10-0-0-1; IPv6 colons become dashes as CoreDNS does. */
export const dashed = (ip: string): string => ip.replace(/[.:]/g, '-');
