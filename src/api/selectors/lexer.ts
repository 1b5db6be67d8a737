// Tokenizer for label selectors, mirroring apimachinery's labels.Lexer so that
// error messages name the same offending token.

export type Token =
  | 'error' | 'eos' | ')' | ',' | '!' | '==' | '=' | '>' | 'id' | 'in' | '<' | '!=' | 'notin' | '(';

export interface Scanned {
  tok: Token;
  lit: string;
}

const literalTokens: Record<string, Token> = {
  ')': ')', ',': ',', '!': '!', '==': '==', '=': '=', '>': '>',
  in: 'in', '<': '<', '!=': '!=', notin: 'notin', '(': '(',
};

const isWhitespace = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecial = (ch: string): boolean => '=!(),><'.includes(ch);

/** Scans the whole input; the last item is always 'eos'. */
export function scan(s: string): Scanned[] {
  const items: Scanned[] = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && isWhitespace(s[pos])) pos++;
    if (pos >= s.length) {
      items.push({ tok: 'eos', lit: '' });
      return items;
    }
    if (isSpecial(s[pos])) {
      // Longest run of special characters that still forms a known operator.
      let buf = '';
      let last: Scanned | undefined;
      while (pos < s.length && isSpecial(s[pos])) {
        buf += s[pos];
        const t = literalTokens[buf];
        if (t) last = { tok: t, lit: buf };
        else if (last) break;
        pos++;
      }
      items.push(last ?? { tok: 'error', lit: `error expected: keyword found '${buf}'` });
    } else {
      const start = pos;
      while (pos < s.length && !isSpecial(s[pos]) && !isWhitespace(s[pos])) pos++;
      const lit = s.slice(start, pos);
      items.push({ tok: lit === 'in' || lit === 'notin' ? literalTokens[lit] : 'id', lit });
    }
  }
}
