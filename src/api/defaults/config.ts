// Secret defaults: type Opaque, and stringData (write-only) folded into data,
// as the v1 → internal conversion does on every write, so it is never stored or returned.

import type { KubeObject } from '../object.js';

export function defaultSecret(s: KubeObject): void {
  s.type ||= 'Opaque';
  const plain = s.stringData;
  if (plain && typeof plain === 'object' && !Array.isArray(plain)) {
    const data = { ...((s.data as Record<string, string> | undefined) ?? {}) };
    for (const [k, v] of Object.entries(plain)) data[k] = Buffer.from(String(v ?? ''), 'utf8').toString('base64');
    s.data = data;
  }
  delete s.stringData;
}
