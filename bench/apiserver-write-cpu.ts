// The API server's own CPU per pod write pair (create, then a status patch, as
// a pod start brings), read from /proc: a `kubesvc server --no-controllers`
// child, 4 writers over HTTPS, a warm-up round, then rounds of 1,000 pods.
// For A/B runs of the write path, where the agent bench's burst is too noisy.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchClient, pool } from './support/client.js';
import { startKubesvcServer } from './support/processes.js';
import { procStat, tickMs } from './support/cpu-accounting.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, pods: { type: 'string', default: '1000' } } });
const rounds = Number(values.rounds), perRound = Number(values.pods);

const cpuMs = (pid: number): number => {
  const { f } = procStat(pid);
  return (Number(f[11]) + Number(f[12])) * tickMs;
};

const pod = (name: string) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'bench', tier: 'web' } },
  spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: 'b' }] }] },
});

const dataDir = mkdtempSync(join(tmpdir(), 'kubesvc-bench-write-cpu-'));
const server = await startKubesvcServer(dataDir, ['--no-controllers']);
const client = benchClient(server.url, dataDir, 4);
try {
  const round = async (prefix: string, n: number): Promise<number> => {
    const before = cpuMs(server.proc.pid!);
    await pool(Array.from({ length: n }, (_, i) => i), 4, async (i) => {
      const name = `${prefix}-${i}`;
      const c = await client.call('POST', '/api/v1/namespaces/default/pods', pod(name));
      if (c.status !== 201) throw new Error(`create ${name}: ${c.status} ${c.body}`);
      const s = await client.call('PATCH', `/api/v1/namespaces/default/pods/${name}/status`, { status: { phase: 'Running', podIP: `10.0.${i >> 8}.${i & 255}`, conditions: [{ type: 'Ready', status: 'True' }] } }, 'application/merge-patch+json');
      if (s.status !== 200) throw new Error(`status ${name}: ${s.status} ${s.body}`);
    });
    return (cpuMs(server.proc.pid!) - before) / n;
  };
  await round('warm', 500);
  const per: number[] = [];
  for (let r = 0; r < rounds; r++) per.push(await round(`r${r}`, perRound));
  console.log(`server CPU per pod (create + status patch), ${rounds} rounds of ${perRound}: ${per.map((x) => x.toFixed(3)).join(' ')} ms`);
} finally {
  client.agent.destroy();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
