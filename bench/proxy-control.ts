// bench/proxy-control: the proxy's control plane at 10,000 Services × 10
// endpoints, programming real nftables in a node namespace this bench creates.
// Measures the first (full) sync, an incremental sync after one endpoint
// change, network programming latency under a steady 20 changes/s, and RSS.
// Reference, same run: the cost of the smallest possible transaction (one
// element added and removed) on the same table: the floor of any sync.
//
// Run: npm run build && node dist/bench/proxy-control.js [--services N] [--endpoints N] [--seconds S]
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ExecNft } from '../src/nft/exec.js';
import { ProxyCore } from '../src/proxy/core.js';
import { BoundedFrequencyRunner, realClock } from '../src/proxy/runner.js';
import { TRIGGER_TIME_ANNOTATION } from '../src/proxy/convert.js';
import type { KubeObject } from '../src/api/object.js';

const { values } = parseArgs({ options: { services: { type: 'string', default: '10000' }, endpoints: { type: 'string', default: '10' }, seconds: { type: 'string', default: '10' }, rate: { type: 'string', default: '20' } } });
const N = Number(values.services), E = Number(values.endpoints), SECONDS = Number(values.seconds), RATE = Number(values.rate);
const NS = `ksvc-b${randomBytes(3).toString('hex')}-node`;
const TABLE = 'kubesvc';

const pct = (xs: number[], p: number): number => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN; };
const ms = (x: number): string => `${x.toFixed(1)} ms`;

const service = (i: number): KubeObject => ({
  metadata: { namespace: `ns${i % 100}`, name: `svc-${i}` },
  spec: { type: i % 10 === 0 ? 'NodePort' : 'ClusterIP', clusterIP: `10.${96 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`, ports: [{ name: 'http', port: 80, protocol: 'TCP', ...(i % 10 === 0 ? { nodePort: 30000 + (i / 10) } : {}) }] },
});
const epIP = (i: number, j: number): string => `10.${128 + (j % 64)}.${(i >> 8) & 255}.${i & 255}`;
const sliceOf = (i: number, gen = 0, trigger?: number): KubeObject => ({
  metadata: { namespace: `ns${i % 100}`, name: `svc-${i}-abc`, labels: { 'kubernetes.io/service-name': `svc-${i}` }, ...(trigger ? { annotations: { [TRIGGER_TIME_ANNOTATION]: new Date(trigger).toISOString() } } : {}) },
  addressType: 'IPv4',
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  endpoints: Array.from({ length: E }, (_, j) => ({ addresses: [j === 0 && gen ? `10.${200 + (gen % 50)}.${(i >> 8) & 255}.${i & 255}` : epIP(i, j)], conditions: { ready: true }, nodeName: `node-${j % 3}` })),
} as KubeObject);

async function main(): Promise<void> {
  if (process.getuid?.() !== 0 || spawnSync('nft', ['--version']).status !== 0) throw new Error('needs root and nft');
  execFileSync('ip', ['netns', 'add', NS]);
  const nft = new ExecNft({ table: TABLE, netns: NS });
  try {
    const core = new ProxyCore(nft, { node: { name: 'node-0', ips: ['192.168.0.2'] }, clusterCIDR: '10.128.0.0/9', serviceCIDR: '10.96.0.0/12' });
    for (let i = 0; i < N; i++) { core.onService(undefined, service(i)); core.onSlice(sliceOf(i), false); }
    let t = performance.now();
    const full = await core.sync();
    const fullMs = performance.now() - t;
    console.log(`full sync: ${N} services × ${E} endpoints: ${ms(fullMs)} (${full.operations} operations, ${full.chains} chains, ${full.rules} rules, ${full.elements} elements)`);

    const floor: number[] = [];
    for (let k = 0; k < 7; k++) {
      const tx = nft.newTransaction().add({ kind: 'element', set: 'cluster-ips', key: '10.111.255.254' }).delete({ kind: 'element', set: 'cluster-ips', key: '10.111.255.254' });
      t = performance.now();
      await nft.run(tx);
      floor.push(performance.now() - t);
    }
    const inc: number[] = [];
    let gen = 0;
    for (let k = 0; k < 11; k++) {
      const i = (k * 7919) % N;
      core.onSlice(sliceOf(i, ++gen), false);
      t = performance.now();
      const r = await core.sync();
      inc.push(performance.now() - t);
      if (r.full || r.changedServices !== 1) throw new Error('expected a partial sync of one service');
    }
    console.log(`incremental sync (one endpoint changed): median ${ms(pct(inc, 50))}; floor (2-op transaction) ${ms(pct(floor, 50))}; ratio ${(pct(inc, 50) / pct(floor, 50)).toFixed(2)}×`);

    const lat: number[] = [];
    const runner = new BoundedFrequencyRunner(async () => { const r = await core.sync(); lat.push(...r.latencies); }, { minIntervalMs: 10, maxIntervalMs: 60_000, retryIntervalMs: 1000, clock: realClock });
    runner.start();
    const end = Date.now() + SECONDS * 1000;
    let n = 0;
    while (Date.now() < end) {
      const i = (n++ * 104729) % N;
      core.onSlice(sliceOf(i, ++gen, Date.now()), false);
      runner.run();
      await new Promise((r) => setTimeout(r, 1000 / RATE));
    }
    await new Promise((r) => setTimeout(r, 500));
    runner.stop();
    await runner.whenIdle();
    console.log(`network programming latency at ${RATE} changes/s over ${SECONDS}s (${lat.length} changes): p50 ${ms(pct(lat, 50))}, p99 ${ms(pct(lat, 99))}`);
    console.log(`proxy RSS: ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB (heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB)`);
  } finally {
    await nft.close();
    spawnSync('ip', ['netns', 'del', NS]);
  }
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
