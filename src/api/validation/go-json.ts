// What Go's json.Unmarshal into map[string]interface{} says of a document, for
// the validation errors that quote it (a docker config Secret's JSON). A small
// scanner for Go's common syntax messages; undefined when the document is a
// JSON object.

const ESCAPES: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\' };

/** Go's quoteChar: one byte, quoted as strconv.Quote writes it (a byte above 0x7f reads as that Latin-1 rune). */
function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return "'\"'";
  const code = c.charCodeAt(0);
  if (ESCAPES[c]) return `'${ESCAPES[c]}'`;
  if (code < 0x20 || code === 0x7f) return `'\\x${code.toString(16).padStart(2, '0')}'`;
  if (code >= 0x80 && code < 0xa0) return `'\\u${code.toString(16).padStart(4, '0')}'`;
  return `'${c}'`;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

export function goJsonError(input: string): string | undefined {
  // Go scans bytes: one char per UTF-8 byte.
  const text = Buffer.from(input, 'utf8').toString('latin1');
  let i = 0;
  const ws = () => { while (i < text.length && ' \t\r\n'.includes(text[i])) i++; };
  const bad = (context: string): never => { throw new Error(`invalid character ${quoteChar(text[i])} ${context}`); };
  const end = (): never => { throw new Error('unexpected end of JSON input'); };
  const value = (): void => {
    ws();
    if (i >= text.length) end();
    const c = text[i];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    for (const lit of ['true', 'false', 'null']) {
      if (c !== lit[0]) continue;
      for (let j = 1; j < lit.length; j++) {
        i++;
        if (i >= text.length) end();
        if (text[i] !== lit[j]) bad(`in literal ${lit} (expecting '${lit[j]}')`);
      }
      i++;
      return;
    }
    bad('looking for beginning of value');
  };
  const string = (): void => {
    i++;
    for (;;) {
      if (i >= text.length) end();
      const c = text[i];
      if (c === '"') { i++; return; }
      if (c === '\\') {
        i++;
        if (i >= text.length) end();
        if (!'"\\/bfnrtu'.includes(text[i])) bad('in string escape code');
        if (text[i] === 'u') {
          for (let j = 0; j < 4; j++) {
            i++;
            if (i >= text.length) end();
            if (!/[0-9a-fA-F]/.test(text[i])) bad('in \\u hexadecimal character escape');
          }
        }
      }
      else if (c < ' ') bad('in string literal');
      i++;
    }
  };
  // Go's number states: a leading 0 takes no more digits; '.' and the exponent need a digit after them.
  const digitAfter = (context: string): void => {
    i++;
    if (i >= text.length) end();
    if (!isDigit(text[i])) bad(context);
    while (isDigit(text[i])) i++;
  };
  const number = (): void => {
    if (text[i] === '-') { i++; if (i >= text.length) end(); if (!isDigit(text[i])) bad('in numeric literal'); }
    if (text[i] === '0') i++;
    else while (isDigit(text[i])) i++;
    if (text[i] === '.') digitAfter('after decimal point in numeric literal');
    if (text[i] === 'e' || text[i] === 'E') {
      if (text[i + 1] === '+' || text[i + 1] === '-') i++;
      digitAfter('in exponent of numeric literal');
    }
  };
  const object = (): void => {
    i++;
    ws();
    if (text[i] === '}') { i++; return; }
    for (;;) {
      ws();
      if (i >= text.length) end();
      if (text[i] !== '"') bad('looking for beginning of object key string');
      string();
      ws();
      if (i >= text.length) end();
      if (text[i] !== ':') bad('after object key');
      i++;
      value();
      ws();
      if (i >= text.length) end();
      if (text[i] === '}') { i++; return; }
      if (text[i] !== ',') bad('after object key:value pair');
      i++;
    }
  };
  const array = (): void => {
    i++;
    ws();
    if (text[i] === ']') { i++; return; }
    for (;;) {
      value();
      ws();
      if (i >= text.length) end();
      if (text[i] === ']') { i++; return; }
      if (text[i] !== ',') bad('after array element');
      i++;
    }
  };
  try {
    ws();
    const start = text[i];
    value();
    ws();
    if (i < text.length) bad('after top-level value');
    if (start !== '{' && start !== 'n') {
      const kind = start === '[' ? 'array' : start === '"' ? 'string' : start === 't' || start === 'f' ? 'bool' : 'number';
      return `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`;
    }
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
