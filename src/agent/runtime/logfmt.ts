// Container log files in the CRI format ("<RFC3339Nano> <stream> <F|P> <text>")
// and the kubelet's log selection (tailLines, sinceTime, limitBytes, timestamps). Pure.

export interface LogLine {
  time: string;
  stream: 'stdout' | 'stderr';
  text: string;
}

/** RFC 3339 with nanoseconds from a millisecond clock plus a sub-ms counter. */
export function rfc3339Nano(ms: number, subMsNanos = 0): string {
  const iso = new Date(ms).toISOString();
  const frac = iso.slice(20, 23) + String(subMsNanos).padStart(6, '0');
  return `${iso.slice(0, 19)}.${frac}Z`;
}

export const formatLogLine = (l: LogLine): string => `${l.time} ${l.stream} F ${l.text}\n`;

export function parseLogLine(line: string): LogLine | undefined {
  const a = line.indexOf(' '), b = line.indexOf(' ', a + 1), c = line.indexOf(' ', b + 1);
  if (a < 0 || b < 0 || c < 0) return undefined;
  const stream = line.slice(a + 1, b);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  return { time: line.slice(0, a), stream, text: line.slice(c + 1) };
}

/** Splits a chunk of process output into complete lines, keeping the unterminated rest. */
export function splitLines(pending: string, chunk: string): { lines: string[]; rest: string } {
  const all = (pending + chunk).split('\n');
  const rest = all.pop() ?? '';
  return { lines: all, rest };
}

export interface LogQuery {
  tailLines?: number;
  sinceTime?: string;
  timestamps?: boolean;
  limitBytes?: number;
}

export function parseLogQuery(q: URLSearchParams, nowMs: number): LogQuery & { follow: boolean; previous: boolean; container?: string } {
  const num = (k: string): number | undefined => (q.has(k) && q.get(k) !== '' ? Number(q.get(k)) : undefined);
  const since = num('sinceSeconds');
  const sinceTime = q.get('sinceTime') ?? (since !== undefined ? new Date(nowMs - since * 1000).toISOString() : undefined);
  const t = (k: string): boolean => q.get(k) === 'true' || q.get(k) === '1';
  return { container: q.get('container') ?? undefined, follow: t('follow'), previous: t('previous'), timestamps: t('timestamps'), tailLines: num('tailLines'), limitBytes: num('limitBytes'), sinceTime };
}

export const renderLine = (l: LogLine, timestamps: boolean): string => (timestamps ? `${l.time} ${l.text}\n` : `${l.text}\n`);

/** Applies sinceTime and tailLines to the lines already written (limitBytes is applied while streaming). */
export function selectLines(lines: LogLine[], q: LogQuery): LogLine[] {
  let out = lines;
  if (q.sinceTime) {
    const since = Date.parse(q.sinceTime);
    out = out.filter((l) => Date.parse(l.time) >= since);
  }
  if (q.tailLines !== undefined && q.tailLines >= 0) out = q.tailLines === 0 ? [] : out.slice(-q.tailLines);
  return out;
}
