// Where the CPU went over a stretch of a bench: every process's own CPU and what
// it reaped from children that have exited (the kernel adds their time to the
// parent that waited for them), from /proc, grouped by who the processes are.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { procStat } from '../../src/cluster/state.js';

interface ProcCpu { pid: number; ppid: number; comm: string; selfMs: number; reapedMs: number }
export type CpuSnapshot = { at: number; busyMs: number; procs: Map<string, ProcCpu> };

/** One clock tick of /proc/<pid>/stat's times, in ms. */
export const tickMs = 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

export { procStat };

function machineBusyMs(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + f[4];
  return (f.slice(0, 8).reduce((a, b) => a + b, 0) - idle) * tickMs;
}

/** Time on CPU of all of a process's threads, in ns from schedstat: utime/stime come in 10 ms ticks, and most processes here use less. */
function threadsOnCpuMs(pid: string): number {
  let ns = 0;
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try { ns += Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]); } catch { /* exited */ }
  }
  return ns / 1e6;
}

export function cpuSnapshot(): CpuSnapshot {
  const procs = new Map<string, ProcCpu>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const { comm, f } = procStat(d); // starttime is f[19]
      procs.set(`${d}:${f[19]}`, { pid: Number(d), ppid: Number(f[1]), comm, selfMs: threadsOnCpuMs(d), reapedMs: (Number(f[13]) + Number(f[14])) * tickMs });
    } catch { /* exited */ }
  }
  return { at: performance.now(), busyMs: machineBusyMs(), procs };
}

/** CPU between two snapshots of the processes under root, by role (named pids) or else by command name. */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot, root: number, roles: Map<number, string>): { label: string; ms: number }[] {
  const children = new Map<number, ProcCpu[]>();
  const keyOf = new Map([...after.procs].map(([k, v]) => [v, k]));
  for (const p of after.procs.values()) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const rows = new Map<string, number>();
  const add = (label: string, ms: number): void => { if (ms > 0) rows.set(label, (rows.get(label) ?? 0) + ms); };
  const visit = (p: ProcCpu, parentRole: string | undefined): void => {
    const key = keyOf.get(p)!;
    const was = before.procs.get(key);
    const role = roles.get(p.pid) ?? (parentRole ? `${p.comm} (under ${parentRole})` : p.comm);
    add(role, p.selfMs - (was?.selfMs ?? 0));
    add(`exited children of ${role}`, p.reapedMs - (was?.reapedMs ?? 0));
    for (const c of children.get(p.pid) ?? []) visit(c, roles.get(p.pid) ?? parentRole);
  };
  const top = [...after.procs.values()].find((p) => p.pid === root);
  if (top) visit(top, undefined);
  // The rest of the machine (the bench itself, kernel threads), by command name.
  const inTree = new Set<number>();
  const mark = (pid: number): void => { inTree.add(pid); for (const c of children.get(pid) ?? []) mark(c.pid); };
  mark(root);
  for (const [key, p] of after.procs) {
    if (inTree.has(p.pid)) continue;
    const label = `outside: ${p.comm.replace(/[/:-]\d.*$/, '')}`;
    add(label, p.selfMs - (before.procs.get(key)?.selfMs ?? 0));
  }
  return [...rows].map(([label, ms]) => ({ label, ms })).sort((a, b) => b.ms - a.ms);
}
