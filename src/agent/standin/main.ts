// Entry point of the stand-in container process; the agent passes who it is in env.
import { startStandin } from './server.js';
import { parsePorts } from './reply.js';

const env = process.env;
const id = { pod: env.KUBESVC_POD_NAME ?? env.HOSTNAME ?? 'unknown', namespace: env.KUBESVC_POD_NAMESPACE ?? '', node: env.KUBESVC_NODE_NAME ?? '', podIP: env.KUBESVC_POD_IP ?? '' };
const ports = parsePorts(env.KUBESVC_STANDIN_PORTS);
startStandin(id, ports).then(
  () => console.log(`stand-in for pod ${id.pod} listening on ${ports.map((p) => `${p.port}/${p.protocol}`).join(', ')}`),
  (e) => { console.error(`stand-in: ${(e as Error).message}`); process.exit(1); },
);
process.on('SIGTERM', () => { console.log('stand-in: SIGTERM, exiting'); process.exit(0); });
