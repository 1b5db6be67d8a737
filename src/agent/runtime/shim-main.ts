// The container shim: a small process the agent forks that starts container
// processes and copies their output into the log files, so that spawning
// (which blocks until the child has exec'd) stalls this process, not the
// agent. It lives as long as the agent's IPC channel: when the agent is gone,
// the shim goes and the containers lose their log pipes, as they did when the
// agent held them.
import { InProcessLauncher, type ContainerProcess } from './launcher.js';
import { RealProcessRunner } from './process.js';
import type { FromShim, ToShim } from './shim-protocol.js';

const launcher = new InProcessLauncher(new RealProcessRunner());
const procs = new Map<number, ContainerProcess>();
const send = (m: FromShim): void => {
  try { process.send!(m); } catch { /* agent gone; disconnect follows */ }
};

process.on('message', (m: ToShim) => {
  if (m.t === 'start') {
    const p = launcher.launch(m.spec);
    procs.set(m.id, p);
    void p.started.then((pid) => send({ t: 'started', id: m.id, pid }));
    void p.exited.then((info) => {
      procs.delete(m.id);
      send({ t: 'exited', id: m.id, code: info.code, signal: info.signal });
    });
  } else if (m.t === 'kill') {
    procs.get(m.id)?.kill(m.signal);
  }
});
process.on('disconnect', () => process.exit(0));
// Ctrl-C reaches the agent's whole process group; the agent stops the containers, then lets the shim go.
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, () => { /* the agent decides */ });
