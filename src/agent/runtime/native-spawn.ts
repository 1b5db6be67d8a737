// The agent's processes (containers and its one-shot tools) started with glibc's
// posix_spawn (through koffi) rather than child_process. posix_spawn runs the child on the parent's memory until
// it execs (clone with CLONE_VM|CLONE_VFORK); libuv forks, which copies the
// agent's page tables for every container and makes the agent fault on its own
// writes afterwards: about 2 ms of CPU per start, measured here in a process of
// the agent's size, against 0.8 ms. The child starts as libuv's does: signals
// at their defaults and unblocked (Node ignores SIGPIPE; a shell pipeline in a
// container must not inherit that), its own session when detached.
import { Socket } from 'node:net';
import { constants } from 'node:os';
import { errnoName, libcFunctions } from '../../util/libc.js';
import { which } from '../../util/which.js';
import { withNetns } from '../../util/netns-thread.js';
import type { ExitInfo } from './process.js';

const O_RDONLY = 0, O_CLOEXEC = 0o2000000, WNOHANG = 1;
const POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08, POSIX_SPAWN_SETSID = 0x80;
// Opaque glibc types, sized generously (x86_64: 80, 336 and 128 bytes).
const FILE_ACTIONS_BYTES = 256, ATTR_BYTES = 1024, SIGSET_BYTES = 256;

const DECL = {
  pipe2: 'int pipe2(_Out_ int *fds, int flags)',
  close: 'int close(int fd)',
  faInit: 'int posix_spawn_file_actions_init(void *fa)',
  faDestroy: 'int posix_spawn_file_actions_destroy(void *fa)',
  faDup2: 'int posix_spawn_file_actions_adddup2(void *fa, int fd, int newfd)',
  faOpen: 'int posix_spawn_file_actions_addopen(void *fa, int fd, const char *path, int oflag, uint32_t mode)',
  faChdir: 'int posix_spawn_file_actions_addchdir_np(void *fa, const char *path)', // glibc 2.29
  attrInit: 'int posix_spawnattr_init(void *at)',
  attrDestroy: 'int posix_spawnattr_destroy(void *at)',
  attrFlags: 'int posix_spawnattr_setflags(void *at, short flags)',
  attrSigDefault: 'int posix_spawnattr_setsigdefault(void *at, const void *set)',
  attrSigMask: 'int posix_spawnattr_setsigmask(void *at, const void *set)',
  sigFill: 'int sigfillset(void *set)',
  sigEmpty: 'int sigemptyset(void *set)',
  spawn: 'int posix_spawn(_Out_ int *pid, const char *path, void *fa, void *at, const char **argv, const char **envp)',
  waitpid: 'int waitpid(int pid, _Out_ int *status, int options)',
};
const { fn: c, available } = libcFunctions(DECL);

/** Whether this platform's libc has all of it (koffi installed; glibc 2.29 or later). */
export const nativeSpawnAvailable = available;

export interface NativeSpawnSpec {
  argv: string[];
  env: Record<string, string>;
  cwd?: string;
  stdin: boolean;
  detached: boolean;
  /** A network namespace (path) to start the child in: the spawning thread enters it for the spawn. */
  netns?: string;
  /** With netns: the child also gets a new UTS namespace with this hostname. */
  hostname?: string;
  /** With netns: runs in the namespaces just before the spawn (a sysctl of the netns). */
  inside?: () => void;
}

export interface NativeChild {
  pid: number;
  stdout: Socket;
  stderr: Socket;
  stdin: Socket | null;
  exited: Promise<ExitInfo>;
}

// libuv reaps only the children it started, pid by pid; these are reaped here.
const waiting = new Map<number, (e: ExitInfo) => void>();
const signalNames = new Map(Object.entries(constants.signals).map(([k, v]) => [v, k as NodeJS.Signals]));
let sweeper: NodeJS.Timeout | undefined;

function reap(): void {
  const status = new Int32Array(1);
  for (const [pid, resolve] of waiting) {
    const r = c.waitpid(pid, status, WNOHANG);
    if (r === 0) continue;
    waiting.delete(pid);
    // -1: not ours to wait for (reaped elsewhere); its end is unknown, but it has ended.
    if (r !== pid) { resolve({ code: 128, signal: null }); continue; }
    const st = status[0], sig = st & 0x7f;
    resolve(sig === 0 ? { code: (st >> 8) & 0xff, signal: null } : { code: null, signal: signalNames.get(sig) ?? 'SIGKILL' });
  }
  if (!waiting.size && sweeper) { clearInterval(sweeper); sweeper = undefined; }
}

function watchExits(): void {
  if (process.listeners('SIGCHLD').includes(reap)) return;
  process.on('SIGCHLD', reap);
}

const ENOENT = constants.errno.ENOENT;
/**
 * Where argv[0] was found on a PATH: the agent starts the same few programs (ip, nsenter)
 * for every container. A program that appears earlier on the PATH than the one found is
 * not seen until the found one goes (execvp would see it at once).
 */
const found = new Map<string, string>();

/** posix_spawnp would search the agent's PATH, not envp's: argv[0] is looked up on the child's own. */
function lookUp(file: string, path: string | undefined, fresh: boolean): string | undefined {
  const key = `${path}\0${file}`;
  const hit = fresh ? undefined : found.get(key);
  if (hit) return hit;
  const p = which(file, path);
  if (found.size > 512) found.clear();
  if (p) found.set(key, p); else found.delete(key);
  return p;
}

function pipe(): [number, number] {
  const fds = new Int32Array(2);
  if (c.pipe2(fds, O_CLOEXEC) !== 0) throw new Error(`pipe2: ${errnoName()}`);
  return [fds[0], fds[1]];
}

/** Starts argv[0] (looked up on the env's PATH, as execvp does); throws with errno's name if it cannot. */
export function nativeSpawn(spec: NativeSpawnSpec): NativeChild {
  watchExits();
  const fa = Buffer.alloc(FILE_ACTIONS_BYTES), at = Buffer.alloc(ATTR_BYTES);
  const all = Buffer.alloc(SIGSET_BYTES), none = Buffer.alloc(SIGSET_BYTES);
  const parentEnds: number[] = [], childEnds: number[] = [];
  c.faInit(fa);
  c.attrInit(at);
  try {
    let stdinW = -1;
    if (spec.stdin) {
      const [r, w] = pipe();
      childEnds.push(r); parentEnds.push(w); stdinW = w;
      c.faDup2(fa, r, 0);
    } else {
      c.faOpen(fa, 0, '/dev/null', O_RDONLY, 0);
    }
    const [outR, outW] = pipe();
    childEnds.push(outW); parentEnds.push(outR);
    const [errR, errW] = pipe();
    childEnds.push(errW); parentEnds.push(errR);
    c.faDup2(fa, outW, 1);
    c.faDup2(fa, errW, 2);
    if (spec.cwd) c.faChdir(fa, spec.cwd);
    c.sigFill(all);
    c.sigEmpty(none);
    c.attrSigDefault(at, all);
    c.attrSigMask(at, none);
    c.attrFlags(at, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | (spec.detached ? POSIX_SPAWN_SETSID : 0));
    const pid = new Int32Array(1);
    const envp = [...Object.entries(spec.env).map(([k, v]) => `${k}=${v}`), null];
    const spawnIn = (file: string): number => {
      const go = (): number => c.spawn(pid, file, fa, at, [...spec.argv, null], envp);
      return spec.netns ? withNetns(spec.netns, 'kubesvc', () => { spec.inside?.(); return go(); }, { hostname: spec.hostname }) : go();
    };
    let file = lookUp(spec.argv[0], spec.env.PATH, false);
    let rc = file ? spawnIn(file) : ENOENT;
    // A program that moved since it was looked up: once more, on a fresh look.
    if (rc === ENOENT && (file = lookUp(spec.argv[0], spec.env.PATH, true))) rc = spawnIn(file);
    if (rc !== 0) throw new Error(`spawn ${spec.argv[0]}: ${errnoName(rc)}`);
    const exited = new Promise<ExitInfo>((resolve) => waiting.set(pid[0], resolve));
    // Also polled: a SIGCHLD merged with another one. Held while children run, as a ChildProcess holds the event loop.
    sweeper ??= setInterval(reap, 1000);
    for (const fd of childEnds.splice(0)) c.close(fd);
    const child: NativeChild = {
      pid: pid[0], exited,
      stdout: new Socket({ fd: outR, readable: true, writable: false }),
      stderr: new Socket({ fd: errR, readable: true, writable: false }),
      stdin: stdinW >= 0 ? new Socket({ fd: stdinW, readable: false, writable: true }) : null,
    };
    parentEnds.length = 0;
    return child;
  } finally {
    for (const fd of [...childEnds, ...parentEnds]) c.close(fd);
    c.faDestroy(fa);
    c.attrDestroy(at);
  }
}
