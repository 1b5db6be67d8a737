// Where Go's base64.StdEncoding.Decode (what encoding/json uses for []byte
// fields such as Secret.data) finds a string invalid, as its CorruptInputError
// reports it: "illegal base64 data at input byte N". Padding is required; CR
// and LF are skipped wherever they are.

const ALPHABET = /[A-Za-z0-9+/]/;
const isNewline = (c: string) => c === '\n' || c === '\r';

/** The offset Go reports for s, or undefined when s decodes. */
export function base64ErrorOffset(s: string): number | undefined {
  let si = 0;
  while (si < s.length) {
    // One quantum of four symbols (decodeQuantum).
    for (let j = 0; j < 4; j++) {
      if (si === s.length) {
        if (j === 0) return undefined;
        return si - j;
      }
      const c = s[si++];
      if (ALPHABET.test(c)) continue;
      if (isNewline(c)) { j--; continue; }
      if (c !== '=') return si - 1;
      // Padding: only after two or three symbols, "==" after two.
      if (j < 2) return si - 1;
      if (j === 2) {
        while (si < s.length && isNewline(s[si])) si++;
        if (si === s.length) return s.length;
        if (s[si] !== '=') return si - 1;
        si++;
      }
      while (si < s.length && isNewline(s[si])) si++;
      return si < s.length ? si : undefined;
    }
  }
  return undefined;
}

export const base64ErrorMessage = (offset: number): string => `illegal base64 data at input byte ${offset}`;
