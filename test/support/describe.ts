// Helpers for kubectl describe output: tabwriter padding collapsed so tests can
// compare whole blocks line by line without depending on column widths.

/** One block per object (kubectl separates them with blank lines). */
export function describeBlocks(out: string): string[][] {
  return out
    .split(/\n\s*\n/)
    .map((b) => normalizeDescribe(b))
    .filter((b) => b.length > 0);
}

/** Lines trimmed on the right, every run of 2+ spaces shown as exactly two. */
export function normalizeDescribe(out: string): string[] {
  return out
    .split('\n')
    .map((l) => l.replace(/\s+$/, '').replace(/ {2,}/g, '  '))
    .filter((l) => l !== '');
}

/** The value after "Key:" on the first top-level line with that key (undefined if absent). */
export function describeField(lines: string[], key: string): string | undefined {
  const prefix = `${key}:`;
  const line = lines.find((l) => l === prefix || l.startsWith(`${prefix} `));
  return line === undefined ? undefined : line.slice(prefix.length).trim();
}
