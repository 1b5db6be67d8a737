// The agent's long-lived helper process (ip-session.ts): a child fed through
// stdin whose stdout and stderr, merged, are read line by line. The caller keeps
// its jobs per child, so a child that exits fails only its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { splitLines } from '../runtime/logfmt.js';

/** Starts argv (extraFds become its fds 3..) with stderr merged into stdout. */
export function spawnLineChild(argv: string[], extraFds: number[], onLine: (line: string) => void, onExit: (why: string) => void): ChildProcess {
  const child = spawn('/bin/sh', ['-c', 'exec "$@" 2>&1', 'sh', ...argv], { stdio: ['pipe', 'pipe', 'ignore', ...extraFds] });
  let rest = '';
  child.stdin!.on('error', () => { /* exited; the exit handler settles its jobs */ });
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => {
    const r = splitLines(rest, d);
    rest = r.rest;
    for (const l of r.lines) onLine(l);
  });
  child.on('exit', (code, signal) => onExit(signal ?? `code ${code}`));
  return child;
}
