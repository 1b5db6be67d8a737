// The stand-in host: one process per node that serves the stand-in containers
// of all its pods, each on sockets made in that pod's network namespace, so a
// pod costs a few sockets here instead of a Node.js process of its own. The
// agent starts it and talks to it over IPC; it ends with the agent.
import { listenInNetns } from './netns-listen.js';
import { closeSync } from 'node:fs';
import { serveStandin, type Standin } from './server.js';
import { socketsFor, type FromHost, type ToHost } from './protocol.js';

const served = new Map<string, Standin>();
const closeFd = (fd: number): void => { try { closeSync(fd); } catch { /* taken by a server already */ } };
const reply = (m: FromHost): void => { process.send?.(m); };

process.on('message', (m: ToHost) => {
  if (m.op === 'close') {
    served.get(m.key)?.close();
    served.delete(m.key);
    return;
  }
  try {
    const fds = listenInNetns(m.nsPath, socketsFor(m.ports));
    try {
      served.set(m.key, serveStandin(m.id, fds));
    } catch (e) {
      for (const l of fds) closeFd(l.fd);
      throw e;
    }
    reply({ op: 'serving', key: m.key });
  } catch (e) {
    served.delete(m.key);
    reply({ op: 'serving', key: m.key, error: (e as Error).message });
  }
});
// The agent gone (stopped or killed): so are the containers this served.
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
