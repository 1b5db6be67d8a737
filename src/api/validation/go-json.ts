// What Go's json.Unmarshal into map[string]interface{} says of a document, for
// the validation errors that quote it (a docker config Secret's JSON). A small
// scanner for Go's common syntax messages; undefined when the document is a
// JSON object.

const quoteChar = (c: string): string => (c === "'" ? "'\\''" : c === '"' ? "'\"'" : `'${c}'`);

export function goJsonError(text: string): string | undefined {
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
      if (c === '\\') { i++; if (i >= text.length) end(); if (!'"\\/bfnrtu'.includes(text[i])) bad('in string escape code'); }
      else if (c < ' ') bad('in string literal');
      i++;
    }
  };
  const number = (): void => {
    if (text[i] === '-') { i++; if (i >= text.length) end(); if (!(text[i] >= '0' && text[i] <= '9')) bad('in numeric literal'); }
    while (i < text.length && /[0-9.eE+-]/.test(text[i])) i++;
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
