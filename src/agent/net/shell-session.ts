// One long-lived /bin/sh that runs short scripts in order, so the agent forks
// no process per job itself (a spawn blocks the agent's event loop until the
// child has exec'd). Each job ends by echoing a done line with its number and
// exit status; stderr is merged, so a failing job rejects with what it printed.
// If the shell exits, its jobs in flight fail and the next job starts a new one.
import type { ChildProcess } from 'node:child_process';
import { spawnLineChild } from './line-child.js';

interface Job {
  id: number;
  output: string[];
  resolve(): void;
  reject(e: Error): void;
}

interface Shell {
  child: ChildProcess;
  jobs: Job[];
}

const DONE = '__kubesvc_job_done';

export class ShellSession {
  private shell: Shell | undefined;
  private seq = 0;

  /** Runs `script` (shell text); resolves when it exits 0. */
  run(script: string): Promise<void> {
    const shell = this.shell ?? this.start();
    const id = ++this.seq;
    return new Promise<void>((resolve, reject) => {
      shell.jobs.push({ id, output: [], resolve, reject });
      // A subshell, so one job's `exit` or `set` cannot end the session or leak into the next.
      shell.child.stdin!.write(`(\n${script}\n)\necho "${DONE} ${id} $?"\n`);
    });
  }

  close(): void {
    this.shell?.child.stdin?.end();
    this.shell = undefined;
  }

  private start(): Shell {
    const jobs: Job[] = [];
    const shell: Shell = {
      jobs,
      child: spawnLineChild(['/bin/sh', '-s'], [], (l) => onLine(jobs, l), (why) => {
        if (this.shell === shell) this.shell = undefined;
        for (const j of jobs.splice(0)) j.reject(new Error(`shell exited (${why}) ${j.output.join('; ')}`.trim()));
      }),
    };
    this.shell = shell;
    return shell;
  }
}

function onLine(jobs: Job[], l: string): void {
  const j = jobs[0];
  if (!j) return;
  const m = l.startsWith(DONE) ? /^\S+ (\d+) (\d+)$/.exec(l) : null;
  if (!m || Number(m[1]) !== j.id) {
    if (l.trim()) j.output.push(l.trim());
    return;
  }
  jobs.shift();
  if (m[2] === '0') j.resolve();
  else j.reject(new Error(j.output.join('; ') || `exit status ${m[2]}`));
}
