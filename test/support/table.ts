// Parses kubectl's column output (tabwriter, left-aligned) by header positions.

export interface ParsedTable {
  columns: string[];
  rows: Record<string, string>[];
}

/** Parses one table; with several (get all), pass one section at a time or use parseSections. */
export function parseTable(out: string): ParsedTable {
  const lines = out.split('\n').filter((l) => l.trim() !== '');
  if (!lines.length) return { columns: [], rows: [] };
  const header = lines[0];
  const columns = header.trim().split(/\s{2,}/);
  const starts: number[] = [];
  let from = 0;
  for (const c of columns) {
    const i = header.indexOf(c, from);
    starts.push(i);
    from = i + c.length;
  }
  const rows = lines.slice(1).map((line) => {
    const row: Record<string, string> = {};
    columns.forEach((c, i) => {
      const end = i + 1 < starts.length ? starts[i + 1] : undefined;
      row[c] = line.slice(starts[i], end).trim();
    });
    return row;
  });
  return { columns, rows };
}

/** Tables separated by blank lines (kubectl get all, get a,b). */
export function parseSections(out: string): ParsedTable[] {
  return out.split(/\n\s*\n/).filter((s) => s.trim()).map(parseTable);
}

export function rowByName(t: ParsedTable, name: string, column = 'NAME'): Record<string, string> {
  const row = t.rows.find((r) => r[column] === name);
  if (!row) throw new Error(`no row ${column}=${name} in table ${JSON.stringify(t)}`);
  return row;
}
