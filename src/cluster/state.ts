// The PID/state file of a running cluster: in the data dir, plus an index copy
// under /run/kubesvc so `down --name` finds it without --data-dir. A process is
// "ours" only if its /proc cmdline and start time still match what we recorded.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface ProcRecord {
  pid: number;
  /** /proc/<pid>/stat field 22, guards against PID reuse. */
  startTime: string;
  cmdline: string;
  role: string;
}

export interface ClusterState {
  name: string;
  dataDir: string;
  nodeCIDR: string;
  bridge: string;
  bridgeIP: string;
  clientIP: string;
  prefixLen: number;
  apiPort: number;
  /** The `up` process itself. */
  up: ProcRecord;
  agents: ProcRecord[];
  startedAt: string;
}

export const RUN_DIR = process.env.KUBESVC_RUN_DIR ?? '/run/kubesvc';
export const stateFile = (dataDir: string): string => join(dataDir, 'cluster-state.json');
export const indexFile = (name: string): string => join(RUN_DIR, `${name}.json`);

function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, path);
}

export function writeState(s: ClusterState): void {
  const text = `${JSON.stringify(s, null, 2)}\n`;
  writeAtomic(stateFile(s.dataDir), text);
  writeAtomic(indexFile(s.name), text);
}

function readJson(path: string): ClusterState | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

/** The recorded state of cluster `name`: from the data dir if given, else the /run index. */
export function readState(name: string, dataDir?: string): ClusterState | undefined {
  const fromDir = dataDir ? readJson(stateFile(dataDir)) : undefined;
  if (fromDir && fromDir.name === name) return fromDir;
  const idx = readJson(indexFile(name));
  return idx && idx.name === name ? idx : undefined;
}

export function removeState(name: string, dataDir?: string): void {
  if (dataDir) rmSync(stateFile(dataDir), { force: true });
  const idx = readJson(indexFile(name));
  if (!idx || !dataDir || idx.dataDir === dataDir) rmSync(indexFile(name), { force: true });
}

/**
 * A process's comm and the /proc/<pid>/stat fields after it (state is [0], ppid [1],
 * utime [11], stime [12], cutime [13], cstime [14], starttime [19]); throws once it is gone.
 */
export function procStat(pid: number | string): { comm: string; f: string[] } {
  const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // comm may contain spaces and parens: fields start after the last ')'.
  return { comm: raw.slice(raw.indexOf('(') + 1, raw.lastIndexOf(')')), f: raw.slice(raw.lastIndexOf(')') + 2).split(' ') };
}

export function procStartTime(pid: number): string | undefined {
  try {
    return procStat(pid).f[19];
  } catch {
    return undefined;
  }
}

export function procCmdline(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+$/, '').split('\0').join(' ');
  } catch {
    return undefined;
  }
}

export function procRecord(pid: number, role: string): ProcRecord | undefined {
  const startTime = procStartTime(pid);
  const cmdline = procCmdline(pid);
  if (startTime === undefined || cmdline === undefined) return undefined;
  return { pid, startTime, cmdline, role };
}

/** Whether the recorded process is still running and is the same process. */
export function isAlive(r: ProcRecord): boolean {
  if (!Number.isInteger(r.pid) || r.pid <= 1) return false;
  const st = procStartTime(r.pid);
  if (st === undefined || st !== r.startTime) return false;
  if (procCmdline(r.pid) !== r.cmdline) return false;
  return !isZombie(r.pid);
}

/**
 * A zombie has exited and holds nothing but its PID until its parent reaps it (for an
 * orphan, PID 1, in its own time): gone for our purposes, though kill(pid, 0) still works.
 */
export function isZombie(pid: number): boolean {
  try {
    return procStat(pid).f[0] === 'Z';
  } catch {
    return false;
  }
}
