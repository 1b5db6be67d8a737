// Runs a synchronous function with the calling thread in another network
// namespace, and brings the thread back before anything else runs. What the
// function makes there stays there: a socket keeps the namespace it was created
// in, and a process spawned meanwhile starts in it. Nothing of Node's (no
// event-loop turn, no libuv call) happens while the thread is away, and other
// threads never leave. Needs CAP_SYS_ADMIN.
import { closeSync, openSync } from 'node:fs';
import { errnoName, libcFunctions } from './libc.js';

const CLONE_NEWNET = 0x40000000;
const { fn: c } = libcFunctions({ setns: 'int setns(int fd, int nstype)' });

export function withNetns<T>(nsPath: string, who: string, fn: () => T): T {
  let target = -1, home = -1;
  try {
    target = openSync(nsPath, 'r');
    home = openSync('/proc/thread-self/ns/net', 'r');
    if (c.setns(target, CLONE_NEWNET) !== 0) throw new Error(`cannot enter ${nsPath}: ${errnoName()}`);
    try {
      return fn();
    } finally {
      // Staying would put every later socket and child of this process in the pod's namespace.
      if (c.setns(home, CLONE_NEWNET) !== 0) {
        console.error(`${who}: cannot return to its own network namespace (${errnoName()})`);
        process.exit(70);
      }
    }
  } finally {
    if (target >= 0) closeSync(target);
    if (home >= 0) closeSync(home);
  }
}
