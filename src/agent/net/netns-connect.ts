// A TCP connection to 127.0.0.1:port inside a pod's network namespace, made by
// the agent from outside it (port-forward reaches the pod's loopback, as the
// kubelet's runtime does). Only the socket is created in the pod's namespace
// (util/netns-thread.ts). The connect is non-blocking, polled until it completes
// (on loopback, at once), so a refusal is a connect error and not some later
// read's; the descriptor then becomes an ordinary net.Socket.
import { Socket } from 'node:net';
import { errnoMessage, errnoName, lastErrno, libcFunctions } from '../../util/libc.js';
import { withNetns } from '../../util/netns-thread.js';
import { AF_INET, sockaddrIn } from '../../util/sockaddr.js';

const SOCK_STREAM = 1, SOCK_NONBLOCK = 0o4000, SOCK_CLOEXEC = 0o2000000;

const SOL_SOCKET = 1, SO_ERROR = 4, POLLOUT = 0x4;
const CONNECT_TIMEOUT_MS = 10_000;

const { fn: c } = libcFunctions({
  socket: 'int socket(int domain, int type, int protocol)',
  connect: 'int connect(int fd, const void *addr, uint32_t len)',
  poll: 'int poll(void *fds, unsigned long nfds, int timeout)',
  getsockopt: 'int getsockopt(int fd, int level, int name, void *val, void *len)',
  close: 'int close(int fd)',
});

/** 0 once the connect has completed, its error number if it failed, undefined while it is still in progress. */
function connectResult(fd: number): number | undefined {
  const pfd = Buffer.alloc(8);
  pfd.writeInt32LE(fd, 0);
  pfd.writeInt16LE(POLLOUT, 4);
  if (c.poll(pfd, 1, 0) === 0) return undefined;
  const val = Buffer.alloc(4), len = Buffer.alloc(4);
  len.writeUInt32LE(4);
  if (c.getsockopt(fd, SOL_SOCKET, SO_ERROR, val, len) !== 0) return -1;
  return val.readInt32LE(0);
}

/** Resolves with the connected socket; rejects with Go's wording ("connect: connection refused"). */
export async function connectInNetns(nsPath: string, port: number): Promise<Socket> {
  const fd = withNetns(nsPath, 'kubesvc agent', () => c.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd < 0) throw new Error(`socket: ${errnoName()}`);
  const fail = (msg: string): never => { c.close(fd); throw new Error(msg); };
  if (c.connect(fd, sockaddrIn('127.0.0.1', port), 16) !== 0) {
    const n = lastErrno();
    if (errnoName(n) !== 'EINPROGRESS') fail(`connect: ${errnoMessage(n)}`);
  }
  for (const start = Date.now(); ;) {
    const r = connectResult(fd);
    if (r === 0) break;
    if (r !== undefined) fail(`connect: ${r < 0 ? 'getsockopt failed' : errnoMessage(r)}`);
    if (Date.now() - start > CONNECT_TIMEOUT_MS) fail('i/o timeout');
    await new Promise((r) => setTimeout(r, 2));
  }
  return new Socket({ fd, readable: true, writable: true });
}
