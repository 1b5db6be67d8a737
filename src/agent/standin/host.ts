// The stand-in host: one process per node that serves the stand-in containers
// of all its pods, each on sockets made in that pod's network namespace, so a
// pod costs a few sockets here instead of a Node.js process of its own. The
// agent starts it and talks to it over IPC; it ends with the agent.
import { listenInNetns } from './netns-listen.js';
import { serveStandin, type Standin } from './server.js';
import { socketsFor, type FromHost, type ToHost } from './protocol.js';

const served = new Map<string, Standin>();
const reply = (m: FromHost): void => { process.send?.(m); };

process.on('message', (m: ToHost) => {
  if (m.op === 'close') {
    served.get(m.key)?.close();
    served.delete(m.key);
    return;
  }
  served.get(m.key)?.close();
  try {
    served.set(m.key, serveStandin(m.id, listenInNetns(m.nsPath, socketsFor(m.ports))));
    reply({ op: 'serving', key: m.key });
  } catch (e) {
    served.delete(m.key);
    reply({ op: 'serving', key: m.key, error: (e as Error).message });
  }
});
// The agent gone (stopped or killed): so are the containers this served.
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
