// Container log files: one per container start, so `--previous` reads the one
// before. Lines are stamped on arrival in the CRI format; readers tail them.
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, openSync, readSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { formatLogLine, parseLogLine, renderLine, selectLines, splitLines, rfc3339Nano, type LogLine, type LogQuery } from './logfmt.js';

let seq = 0;
/** Unique, increasing nanosecond stamps so ordering survives equal milliseconds. */
const stamp = (): string => rfc3339Nano(Date.now(), (seq = (seq + 1) % 1_000_000));

/**
 * `<pod prefix>_<container>.<attempt>.log`, all pods' logs in one directory: a directory per
 * pod or per container was one more inode for the kernel to create for every pod started.
 */
export const logPath = (podPrefix: string, container: string, attempt: number): string => `${podPrefix}_${container}.${attempt}.log`;

/** Copies a process's stdout/stderr into its log file; resolves when both streams end. */
export function captureLogs(path: string, stdout: Readable | null, stderr: Readable | null): Promise<void> {
  mkdirSync(join(path, '..'), { recursive: true });
  if (!existsSync(path)) appendFileSync(path, '');
  const pump = (s: Readable | null, stream: 'stdout' | 'stderr'): Promise<void> =>
    new Promise((resolve) => {
      if (!s) return resolve();
      let rest = '';
      s.setEncoding('utf8');
      s.on('data', (chunk: string) => {
        const r = splitLines(rest, chunk);
        rest = r.rest;
        if (r.lines.length) appendFileSync(path, r.lines.map((text) => formatLogLine({ time: stamp(), stream, text })).join(''));
      });
      const done = (): void => {
        if (rest) appendFileSync(path, formatLogLine({ time: stamp(), stream, text: rest }));
        rest = '';
        resolve();
      };
      s.on('end', done);
      s.on('error', done);
    });
  return Promise.all([pump(stdout, 'stdout'), pump(stderr, 'stderr')]).then(() => undefined);
}

/** One line the runtime itself writes into a container's log (the stand-in's, which has no output of its own). */
export function appendLogLine(path: string, stream: 'stdout' | 'stderr', text: string): void {
  appendFileSync(path, formatLogLine({ time: stamp(), stream, text }));
}

export function readLogLines(path: string): LogLine[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').map(parseLogLine).filter((l): l is LogLine => !!l);
}

export interface LogSink {
  write(s: string): boolean;
  closed(): boolean;
}

/**
 * Writes the selected lines; with follow, keeps polling the file until the
 * container attempt stops (isLive() false) and everything is read.
 */
export async function streamLogs(path: string, q: LogQuery & { follow: boolean }, sink: LogSink, isLive: () => boolean, pollMs = 200): Promise<void> {
  let budget = q.limitBytes ?? Infinity;
  const emit = (l: LogLine): boolean => {
    if (budget <= 0) return false;
    let s = renderLine(l, !!q.timestamps);
    if (Buffer.byteLength(s) > budget) s = Buffer.from(s).subarray(0, budget).toString('utf8');
    budget -= Buffer.byteLength(s);
    sink.write(s);
    return budget > 0;
  };
  let offset = existsSync(path) ? statSync(path).size : 0;
  const initial = existsSync(path) ? readFileSync(path).subarray(0, offset).toString('utf8') : '';
  const lines = initial.split('\n').map(parseLogLine).filter((l): l is LogLine => !!l);
  for (const l of selectLines(lines, q)) if (!emit(l)) return;
  if (!q.follow) return;
  const since = q.sinceTime ? Date.parse(q.sinceTime) : 0;
  let rest = '';
  for (;;) {
    const live = isLive();
    const size = existsSync(path) ? statSync(path).size : 0;
    if (size > offset) {
      const buf = Buffer.alloc(size - offset);
      const fd = openSync(path, 'r');
      try { readSync(fd, buf, 0, buf.length, offset); } finally { closeSync(fd); }
      offset = size;
      const r = splitLines(rest, buf.toString('utf8'));
      rest = r.rest;
      for (const raw of r.lines) {
        const l = parseLogLine(raw);
        if (l && Date.parse(l.time) >= since && !emit(l)) return;
      }
    } else if (!live || sink.closed()) return;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
