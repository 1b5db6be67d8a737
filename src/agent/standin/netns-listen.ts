// Listening sockets made inside a pod's network namespace by a process that
// lives outside it. A socket belongs to the namespace it was created in, for
// good, whichever process holds it later; so the main thread joins the pod's
// namespace (setns), creates and binds the sockets with plain syscalls, and
// returns to its own namespace before anything else runs. Nothing of Node's
// (no event-loop turn, no libuv call) happens while the thread is away, and the
// other threads never leave. Needs CAP_SYS_ADMIN, as the agent has.
import { closeSync, openSync } from 'node:fs';
import { endianness } from 'node:os';
import { errnoName, libcFunctions } from '../../util/libc.js';

const AF_INET = 2, SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_NONBLOCK = 0o4000, SOCK_CLOEXEC = 0o2000000;
const SOL_SOCKET = 1, SO_REUSEADDR = 2, CLONE_NEWNET = 0x40000000, BACKLOG = 511;

const { fn: c } = libcFunctions({
  setns: 'int setns(int fd, int nstype)',
  socket: 'int socket(int domain, int type, int protocol)',
  setsockopt: 'int setsockopt(int fd, int level, int name, const void *val, uint32_t len)',
  bind: 'int bind(int fd, const void *addr, uint32_t len)',
  listen: 'int listen(int fd, int backlog)',
  close: 'int close(int fd)',
});

/** struct sockaddr_in for 0.0.0.0:port (family in host order, port in network order). */
function anyAddr(port: number): Buffer {
  const b = Buffer.alloc(16);
  if (endianness() === 'LE') b.writeUInt16LE(AF_INET, 0); else b.writeUInt16BE(AF_INET, 0);
  b.writeUInt16BE(port, 2);
  return b;
}

export interface Listener {
  port: number;
  protocol: 'TCP' | 'UDP';
  fd: number;
}

/** One socket per (port, protocol) on 0.0.0.0 of the namespace at nsPath; all or none. */
export function listenInNetns(nsPath: string, wanted: { port: number; protocol: 'TCP' | 'UDP' }[]): Listener[] {
  const made: Listener[] = [];
  let target = -1, home = -1;
  try {
    target = openSync(nsPath, 'r');
    home = openSync('/proc/thread-self/ns/net', 'r');
    if (c.setns(target, CLONE_NEWNET) !== 0) throw new Error(`cannot enter ${nsPath}: ${errnoName()}`);
    try {
      for (const w of wanted) {
        const fd = c.socket(AF_INET, (w.protocol === 'TCP' ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) throw new Error(`socket: ${errnoName()}`);
        made.push({ ...w, fd });
        if (w.protocol === 'TCP' && c.setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, Buffer.from([1, 0, 0, 0]), 4) !== 0) throw new Error(`setsockopt: ${errnoName()}`);
        if (c.bind(fd, anyAddr(w.port), 16) !== 0) throw new Error(`listen ${w.protocol.toLowerCase()} 0.0.0.0:${w.port}: bind: ${errnoName()}`);
        if (w.protocol === 'TCP' && c.listen(fd, BACKLOG) !== 0) throw new Error(`listen tcp 0.0.0.0:${w.port}: ${errnoName()}`);
      }
    } finally {
      // Staying in the pod's namespace would put every later socket of this process there.
      if (c.setns(home, CLONE_NEWNET) !== 0) {
        console.error(`kubesvc stand-in host: cannot return to its own network namespace (${errnoName()})`);
        process.exit(70);
      }
    }
    return made;
  } catch (e) {
    for (const l of made) c.close(l.fd);
    throw e;
  } finally {
    if (target >= 0) closeSync(target);
    if (home >= 0) closeSync(home);
  }
}
