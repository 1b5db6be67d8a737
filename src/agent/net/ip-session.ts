// One long-lived `ip -force -batch -` that wires pod networks, so the agent
// spawns no process per pod for it (each spawn blocks the agent's event loop
// until the child has exec'd, which dominated bursts of pods). ip runs the lines
// in order and flushes after each command, so a job ends with a marker command
// whose output names the job (`link show dev <veth>`); failures come back as
// "Command failed -:LINE" on the same stream (stderr is merged), which names the
// job by its line numbers. If ip exits, the jobs in flight fail and the next
// job starts a new one.
import { spawn, type ChildProcess } from 'node:child_process';

interface Job {
  first: number;
  marker: number;
  token: string;
  errors: string[];
  resolve(): void;
  reject(e: Error): void;
}

export class IpSession {
  private child: ChildProcess | undefined;
  private line = 0;
  private jobs: Job[] = [];
  private partial = '';
  private unclaimed: string[] = [];

  /** argv runs ip (possibly through nsenter); extraFds become fds 3.. of it. */
  constructor(private readonly argv: string[], private readonly extraFds: number[] = []) {}

  /**
   * Runs the lines and then `link show dev <markerLink>`, which must exist once
   * they succeeded. Rejects with ip's messages if any line failed.
   */
  run(lines: string[], markerLink: string): Promise<void> {
    const child = this.child ?? this.start();
    return new Promise<void>((resolve, reject) => {
      const first = this.line + 1;
      this.line += lines.length + 1;
      this.jobs.push({ first, marker: this.line, token: `: ${markerLink}`, errors: [], resolve, reject });
      child.stdin!.write(`${lines.join('\n')}\nlink show dev ${markerLink}\n`);
    });
  }

  close(): void {
    this.child?.stdin?.end();
    this.child = undefined;
  }

  private start(): ChildProcess {
    this.line = 0;
    const child = spawn('/bin/sh', ['-c', 'exec "$@" 2>&1', 'sh', ...this.argv, '-force', '-batch', '-'], { stdio: ['pipe', 'pipe', 'ignore', ...this.extraFds] });
    this.child = child;
    child.stdin!.on('error', () => { /* exited; handled below */ });
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => {
      const lines = (this.partial + d).split('\n');
      this.partial = lines.pop()!;
      for (const l of lines) this.onLine(l);
    });
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      const jobs = this.jobs.splice(0);
      for (const j of jobs) j.reject(new Error(`ip -batch exited (${signal ?? `code ${code}`}) ${j.errors.join('; ')}`.trim()));
    });
    return child;
  }

  private onLine(l: string): void {
    const failed = /^Command failed -:(\d+)$/.exec(l);
    if (failed) {
      const n = Number(failed[1]);
      const j = this.jobs.find((x) => n >= x.first && n <= x.marker);
      const msg = this.unclaimed.splice(0).join(' ') || `line ${n} failed`;
      if (!j) return;
      j.errors.push(msg);
      if (n === j.marker) this.finish(j);
      return;
    }
    const j = this.jobs[0];
    if (j && /^\d+: /.test(l) && (l.includes(`${j.token}@`) || l.includes(`${j.token}:`))) return this.finish(j);
    if (/^\s/.test(l)) return; // the second line of `link show`
    this.unclaimed.push(l.trim());
  }

  private finish(j: Job): void {
    this.jobs.splice(this.jobs.indexOf(j), 1);
    this.unclaimed = [];
    if (j.errors.length) j.reject(new Error(j.errors.join('; ')));
    else j.resolve();
  }
}
