// One long-lived `ip -force -batch -` that wires pod networks, so the agent
// spawns no process per pod for it (each spawn blocks the agent's event loop
// until the child has exec'd, which dominated bursts of pods). ip runs the lines
// in order and flushes after each command, so a job ends with a marker command
// whose output names the job (`link show dev <veth>`); failures come back as
// "Command failed -:LINE" on the same stream (stderr is merged), which names the
// job by its line numbers. If ip exits, its jobs in flight fail and the next
// job starts a new one (line numbers and messages are per ip process).
import { spawn, type ChildProcess } from 'node:child_process';
import { splitLines } from '../runtime/logfmt.js';

interface Job {
  first: number;
  marker: number;
  token: string;
  /** Messages that do not fail the job (a delete of what is already gone). */
  ignore?: RegExp;
  errors: string[];
  resolve(): void;
  reject(e: Error): void;
}

/** One ip process and what was sent to it: line numbers and messages are per process. */
interface Ip {
  child: ChildProcess;
  jobs: Job[];
  line: number;
  unclaimed: string[];
}

export class IpSession {
  private ip: Ip | undefined;

  /** argv runs ip (possibly through nsenter); extraFds become fds 3.. of it. */
  constructor(private readonly argv: string[], private readonly extraFds: number[] = []) {}

  /**
   * Runs the lines and then `link show dev <markerLink>`, which must exist once
   * they succeeded. Rejects with ip's messages if any line failed, except
   * messages that match `ignore`.
   */
  run(lines: string[], markerLink: string, ignore?: RegExp): Promise<void> {
    const ip = this.ip ?? this.start();
    return new Promise<void>((resolve, reject) => {
      const first = ip.line + 1;
      ip.line += lines.length + 1;
      ip.jobs.push({ first, marker: ip.line, token: `: ${markerLink}`, ignore, errors: [], resolve, reject });
      ip.child.stdin!.write(`${lines.join('\n')}\nlink show dev ${markerLink}\n`);
    });
  }

  close(): void {
    this.ip?.child.stdin?.end();
    this.ip = undefined;
  }

  private start(): Ip {
    const ip: Ip = {
      jobs: [], line: 0, unclaimed: [],
      child: spawnLineChild([...this.argv, '-force', '-batch', '-'], this.extraFds, (l) => onLine(ip, l), (why) => {
        if (this.ip === ip) this.ip = undefined;
        for (const j of ip.jobs.splice(0)) j.reject(new Error(`ip -batch exited (${why}) ${j.errors.join('; ')}`.trim()));
      }),
    };
    this.ip = ip;
    return ip;
  }
}

function onLine(ip: Ip, l: string): void {
  const failed = /^Command failed -:(\d+)$/.exec(l);
  if (failed) {
    const n = Number(failed[1]);
    const j = ip.jobs.find((x) => n >= x.first && n <= x.marker);
    const msg = ip.unclaimed.splice(0).join(' ') || `line ${n} failed`;
    if (!j) return;
    if (n === j.marker || !j.ignore?.test(msg)) j.errors.push(msg);
    if (n === j.marker) finish(ip, j);
    return;
  }
  const j = ip.jobs[0];
  if (j && /^\d+: /.test(l) && (l.includes(`${j.token}@`) || l.includes(`${j.token}:`))) return finish(ip, j);
  if (/^\s/.test(l)) return; // the second line of `link show`
  ip.unclaimed.push(l.trim());
}

function finish(ip: Ip, j: Job): void {
  ip.jobs.splice(ip.jobs.indexOf(j), 1);
  ip.unclaimed = [];
  if (j.errors.length) j.reject(new Error(j.errors.join('; ')));
  else j.resolve();
}

/** Starts argv (extraFds become its fds 3..) with stderr merged into stdout, read line by line. */
function spawnLineChild(argv: string[], extraFds: number[], onLine: (line: string) => void, onExit: (why: string) => void): ChildProcess {
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
