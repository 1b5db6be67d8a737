// Prefix scans are range scans [prefix, prefixEnd(prefix)) so they can use the
// key index (SQLite) or map onto etcd's range_end.

/** Smallest string above every string that starts with prefix; '' means unbounded. */
export function prefixEnd(prefix: string): string {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const c = prefix.charCodeAt(i);
    if (c < 0xffff) return prefix.slice(0, i) + String.fromCharCode(c + 1);
  }
  return '';
}

/** etcd's byte-wise form; [0] is etcd's "no upper bound". */
export function prefixEndBytes(prefix: Buffer): Buffer {
  for (let i = prefix.length - 1; i >= 0; i--) {
    if (prefix[i] < 0xff) {
      const end = Buffer.from(prefix.subarray(0, i + 1));
      end[i]++;
      return end;
    }
  }
  return Buffer.from([0]);
}
