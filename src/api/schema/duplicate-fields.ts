// JSON.parse keeps the last of duplicate keys silently; Kubernetes' strict decoder
// reports them (`duplicate field "metadata.name"`). This scans the raw text once
// and names every repeated key by its path.

export function findDuplicateFields(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  const ws = (): void => { while (i < text.length && ' \t\r\n'.includes(text[i])) i++; };
  const str = (): string => {
    const start = i;
    i++; // opening quote
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    try { return JSON.parse(text.slice(start, i)) as string; } catch { return text.slice(start + 1, i - 1); }
  };
  const value = (path: string, depth: number): void => {
    ws();
    if (depth > 200) throw new Error('too deep');
    const c = text[i];
    if (c === '{') {
      i++;
      const seen = new Set<string>();
      ws();
      if (text[i] === '}') { i++; return; }
      while (i < text.length) {
        ws();
        if (text[i] !== '"') return;
        const k = str();
        const p = path ? `${path}.${k}` : k;
        if (seen.has(k)) out.push(p);
        seen.add(k);
        ws();
        if (text[i] === ':') i++;
        value(p, depth + 1);
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return; }
        return;
      }
    } else if (c === '[') {
      i++;
      let n = 0;
      ws();
      if (text[i] === ']') { i++; return; }
      while (i < text.length) {
        value(`${path}[${n++}]`, depth + 1);
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return; }
        return;
      }
    } else if (c === '"') {
      str();
    } else {
      while (i < text.length && !',]} \t\r\n'.includes(text[i])) i++;
    }
  };
  try { value('', 0); } catch { /* malformed input is reported by the parser */ }
  return out;
}
