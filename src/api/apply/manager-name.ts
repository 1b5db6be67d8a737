// The field manager of a request that names none: the user agent up to its first
// '/', printable characters only, at most 128 bytes (prefixFromUserAgent).

export const FIELD_MANAGER_MAX_LENGTH = 128;

const encoder = new TextEncoder();
// Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and ASCII space.
const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

export function defaultFieldManager(userAgent: string | undefined): string {
  const prefix = (userAgent ?? '').split('/')[0];
  let out = '';
  let bytes = 0;
  for (const ch of prefix) {
    if (!printable.test(ch)) continue;
    const n = encoder.encode(ch).length;
    if (bytes + n > FIELD_MANAGER_MAX_LENGTH) break;
    out += ch;
    bytes += n;
  }
  return out;
}
