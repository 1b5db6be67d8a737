// Runs a synchronous function with the calling thread in another network
// namespace (and, if asked, a new UTS namespace with a hostname), and brings the
// thread back before anything else runs. What the function makes there stays
// there: a socket keeps the namespace it was created in, a process spawned
// meanwhile starts in both, and a /proc/sys/net file opened meanwhile is that
// namespace's. Nothing of Node's (no event-loop turn, no libuv call) happens
// while the thread is away, and other threads never leave. Needs CAP_SYS_ADMIN.
import { closeSync, openSync } from 'node:fs';
import { errnoName, libcFunctions } from './libc.js';

const CLONE_NEWNET = 0x40000000, CLONE_NEWUTS = 0x04000000;
const { fn: c } = libcFunctions({
  setns: 'int setns(int fd, int nstype)',
  unshare: 'int unshare(int flags)',
  sethostname: 'int sethostname(const char *name, size_t len)',
});

function back(fd: number, type: number, what: string, who: string): void {
  // Staying would put every later socket and child of this process in the pod's namespace.
  if (c.setns(fd, type) === 0) return;
  console.error(`${who}: cannot return to its own ${what} namespace (${errnoName()})`);
  process.exit(70);
}

export function withNetns<T>(nsPath: string, who: string, fn: () => T, o: { hostname?: string } = {}): T {
  const fds: number[] = [];
  const open = (p: string): number => { const fd = openSync(p, 'r'); fds.push(fd); return fd; };
  try {
    const target = open(nsPath), home = open('/proc/thread-self/ns/net');
    const homeUts = o.hostname === undefined ? -1 : open('/proc/thread-self/ns/uts');
    if (c.setns(target, CLONE_NEWNET) !== 0) throw new Error(`cannot enter ${nsPath}: ${errnoName()}`);
    try {
      if (o.hostname === undefined) return fn();
      if (c.unshare(CLONE_NEWUTS) !== 0) throw new Error(`unshare uts: ${errnoName()}`);
      try {
        if (c.sethostname(o.hostname, Buffer.byteLength(o.hostname)) !== 0) throw new Error(`sethostname ${o.hostname}: ${errnoName()}`);
        return fn();
      } finally {
        back(homeUts, CLONE_NEWUTS, 'UTS', who);
      }
    } finally {
      back(home, CLONE_NEWNET, 'network', who);
    }
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}
