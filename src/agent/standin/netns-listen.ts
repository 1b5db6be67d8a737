// Listening sockets made inside a pod's network namespace by a process that
// lives outside it. A socket belongs to the namespace it was created in, for
// good, whichever process holds it later; so the main thread joins the pod's
// namespace (util/netns-thread.ts) and creates and binds the sockets there with
// plain syscalls.
import { errnoName, libcFunctions } from '../../util/libc.js';
import { withNetns } from '../../util/netns-thread.js';
import { AF_INET, sockaddrIn } from '../../util/sockaddr.js';

const SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_NONBLOCK = 0o4000, SOCK_CLOEXEC = 0o2000000;
const SOL_SOCKET = 1, SO_REUSEADDR = 2, BACKLOG = 511;

const { fn: c } = libcFunctions({
  socket: 'int socket(int domain, int type, int protocol)',
  setsockopt: 'int setsockopt(int fd, int level, int name, const void *val, uint32_t len)',
  bind: 'int bind(int fd, const void *addr, uint32_t len)',
  listen: 'int listen(int fd, int backlog)',
  close: 'int close(int fd)',
});

export interface Listener {
  port: number;
  protocol: 'TCP' | 'UDP';
  fd: number;
}

/** One socket per (port, protocol) on 0.0.0.0 of the namespace at nsPath; all or none. */
export function listenInNetns(nsPath: string, wanted: { port: number; protocol: 'TCP' | 'UDP' }[]): Listener[] {
  const made: Listener[] = [];
  try {
    return withNetns(nsPath, 'kubesvc stand-in host', () => {
      for (const w of wanted) {
        const fd = c.socket(AF_INET, (w.protocol === 'TCP' ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) throw new Error(`socket: ${errnoName()}`);
        made.push({ ...w, fd });
        if (w.protocol === 'TCP' && c.setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, Buffer.from([1, 0, 0, 0]), 4) !== 0) throw new Error(`setsockopt: ${errnoName()}`);
        if (c.bind(fd, sockaddrIn('0.0.0.0', w.port), 16) !== 0) throw new Error(`listen ${w.protocol.toLowerCase()} 0.0.0.0:${w.port}: bind: ${errnoName()}`);
        if (w.protocol === 'TCP' && c.listen(fd, BACKLOG) !== 0) throw new Error(`listen tcp 0.0.0.0:${w.port}: ${errnoName()}`);
      }
      return made;
    });
  } catch (e) {
    for (const l of made) c.close(l.fd);
    throw e;
  }
}
