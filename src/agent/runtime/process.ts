// ProcessRunner: the one place that starts processes. Container processes get
// their own process group so signals reach shells' children too.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { netnsPath } from '../net/names.js';
import { setPriority } from 'node:os';
import { Readable, type Writable } from 'node:stream';
import { nativeSpawn, nativeSpawnAvailable, type NativeChild } from './native-spawn.js';
import { containerArgv, podPlacedArgv, UNPRIVILEGED_PORTS_SYSCTL, type PodPlacement } from './argv.js';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ProcessSpec {
  argv: string[];
  env: Record<string, string>;
  cwd?: string;
  stdin?: boolean;
  /** Nice value (see pod/cpu-priority.ts); unset keeps the agent's. */
  nice?: number;
  /** Starts argv inside a pod: its netns (by name), its resolv.conf and hosts, a UTS namespace with this hostname. */
  pod?: PodPlacement;
}

export interface ProcessHandle {
  pid: number;
  stdout: Readable | null;
  stderr: Readable | null;
  stdin: Writable | null;
  exited: Promise<ExitInfo>;
  /** Signals the whole process group. */
  kill(signal: NodeJS.Signals): void;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string;
  timeoutMs?: number;
  env?: Record<string, string>;
  nice?: number;
}

export interface ProcessRunner {
  start(spec: ProcessSpec): ProcessHandle;
  /** Runs to completion (tools like ip/nft); times out with SIGKILL. */
  run(argv: string[], opts?: RunOptions): Promise<RunResult>;
}

/** 128 + signal number, as container runtimes report a killed process. */
export function exitCodeOf(e: ExitInfo): number {
  if (e.code !== null) return e.code;
  const nums: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 };
  return 128 + (e.signal ? nums[e.signal] ?? 0 : 0);
}

export class RealProcessRunner implements ProcessRunner {
  /** posix_spawn for containers where this libc has it all (native-spawn.ts), else child_process; found out at the first start, not the agent's. */
  private native: boolean | undefined;

  start(spec: ProcessSpec): ProcessHandle {
    if ((this.native ??= nativeSpawnAvailable())) return startNative(spec);
    const argv = spec.pod ? containerArgv(spec.pod, spec.argv) : spec.argv;
    const child = spawn(argv[0], argv.slice(1), {
      env: spec.env, cwd: spec.cwd, detached: true, stdio: [spec.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<ExitInfo>((resolve) => {
      child.on('error', () => resolve({ code: 127, signal: null }));
      child.on('exit', (code, signal) => resolve({ code, signal }));
    });
    const pid = child.pid ?? -1;
    renice(pid, spec.nice, true);
    return {
      pid, stdout: child.stdout, stderr: child.stderr, stdin: child.stdin, exited,
      kill: (signal) => killGroup(pid, signal),
    };
  }

  run(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
    if ((this.native ??= nativeSpawnAvailable())) return runNative(argv, opts);
    return runChild(argv, opts);
  }
}

function runChild(argv: string[], opts: RunOptions): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: 'pipe', env: opts.env ?? process.env });
    renice(child.pid ?? -1, opts.nice, false);
    let stdout = '', stderr = '';
    child.stdout!.on('data', (c) => (stdout += c));
    child.stderr!.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', (e) => { clearTimeout(timer); resolve({ code: 127, stdout, stderr: stderr + e.message }); });
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code: code ?? exitCodeOf({ code, signal }), stdout, stderr }); });
    child.stdin!.on('error', () => { /* child may not read its input */ });
    child.stdin!.end(opts.input ?? '');
  });
}

/** As runChild, through posix_spawn. */
async function runNative(argv: string[], opts: RunOptions): Promise<RunResult> {
  const env = opts.env ?? Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  let child: NativeChild;
  try {
    child = nativeSpawn({ argv, env, stdin: true, detached: false });
  } catch (e) {
    return { code: 127, stdout: '', stderr: (e as Error).message };
  }
  renice(child.pid, opts.nice, false);
  const read = (s: Readable): Promise<string> => new Promise((resolve) => {
    let out = '';
    s.setEncoding('utf8');
    s.on('data', (c: string) => (out += c));
    s.on('error', () => { /* a pipe error ends the output as close does */ });
    s.on('close', () => resolve(out));
  });
  const output = Promise.all([read(child.stdout), read(child.stderr)]);
  const timer = setTimeout(() => { try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ } }, opts.timeoutMs ?? 30_000);
  child.stdin!.on('error', () => { /* child may not read its input */ });
  child.stdin!.end(opts.input ?? '');
  const exit = await child.exited;
  clearTimeout(timer);
  const [stdout, stderr] = await output;
  return { code: exitCodeOf(exit), stdout, stderr };
}

function startNative(spec: ProcessSpec): ProcessHandle {
  let child: NativeChild;
  try {
    // In a pod, the agent's thread makes the UTS namespace and sets the sysctl, so only
    // `ip netns exec` (mount namespace, resolv.conf, hosts) runs before the program, if that.
    const pod = spec.pod;
    child = nativeSpawn({
      argv: pod ? podPlacedArgv(pod, spec.argv) : spec.argv, env: spec.env, cwd: spec.cwd, stdin: !!spec.stdin, detached: true,
      ...(pod ? { netns: netnsPath(pod.netns), hostname: pod.hostname, inside: () => writeFileSync(UNPRIVILEGED_PORTS_SYSCTL, '0') } : {}),
    });
  } catch (e) {
    // As child_process reports a program that cannot start: an exit with 127, after the reason on stderr.
    const stderr = Readable.from([`${(e as Error).message}\n`]);
    return { pid: -1, stdout: null, stderr, stdin: null, exited: Promise.resolve({ code: 127, signal: null }), kill() { /* never started */ } };
  }
  const pid = child.pid;
  renice(pid, spec.nice, true);
  return {
    pid, stdout: child.stdout, stderr: child.stderr, stdin: child.stdin, exited: child.exited,
    kill: (signal) => killGroup(pid, signal),
  };
}

/** The process's group (it leads its own session), or the process if that fails. */
function killGroup(pid: number, signal: NodeJS.Signals): void {
  if (pid <= 0) return;
  try { process.kill(-pid, signal); } catch { try { process.kill(pid, signal); } catch { /* already gone */ } }
}

/**
 * Right after spawn the child has just exec'd its first program (libuv waits
 * for the exec), single-threaded, so everything it execs and every thread it
 * starts inherits the value. A detached child leads a new session, and with
 * sched_autogroup a new session is its own scheduling group whose weight is
 * the group's nice, not the process's: that is set too, else every container
 * would weigh as much as the agent and control plane together.
 */
export function renice(pid: number, nice: number | undefined, newSession: boolean): void {
  if (nice === undefined || pid <= 0) return;
  try { setPriority(pid, nice); } catch { /* already exited */ }
  if (newSession) {
    try { writeFileSync(`/proc/${pid}/autogroup`, String(nice)); } catch { /* no autogroup, or exited */ }
  }
}
