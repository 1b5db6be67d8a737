// bench/apiserver: 10,000 Services and 10,000 Pods through the real server
// process; create latency, list-all latency, watch delivery latency with 50
// watchers, and server RSS. The reference is a bare node:https server in its own
// process answering every request with a fixed JSON body: the floor that TLS,
// HTTP and the client add, measured in the same run.
//
// Run: npm run build && node dist/bench/apiserver.js [--services N] [--pods N]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchClient, percentile, pool, fmt, type BenchClient } from './support/client.js';
import { startKubesvcServer, startAndWaitFor, rssMiB, type Child } from './support/processes.js';

const { values } = parseArgs({ options: { services: { type: 'string', default: '10000' }, pods: { type: 'string', default: '10000' }, watchers: { type: 'string', default: '50' }, concurrency: { type: 'string', default: '1' } } });
const N_SVC = Number(values.services), N_POD = Number(values.pods), N_WATCH = Number(values.watchers);
// One writer measures each request's own latency; more writers add queueing on 2 cores.
const CONCURRENCY = Number(values.concurrency);

async function timed(fn: () => Promise<{ status: number }>, want: number): Promise<number> {
  const t = performance.now();
  const r = await fn();
  if (r.status !== want) throw new Error(`unexpected status ${r.status}`);
  return performance.now() - t;
}

async function createAll(c: BenchClient, n: number, path: (i: number) => string, body: (i: number) => unknown): Promise<number[]> {
  const lat: number[] = [];
  await pool([...Array(n).keys()], CONCURRENCY, async (i) => { lat.push(await timed(() => c.call('POST', path(i), body(i)), 201)); });
  return lat;
}

async function listLatency(c: BenchClient, path: string, runs = 7): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) xs.push(await timed(() => c.call('GET', path), 200));
  return percentile(xs, 50);
}

async function watchLatency(c: BenchClient, updates: number): Promise<number[]> {
  const sent = new Map<string, number>();
  const lat: number[] = [];
  const { body } = await c.call('GET', '/api/v1/namespaces/bench/pods?limit=1');
  const rv = JSON.parse(body).metadata.resourceVersion as string;
  const streams = Array.from({ length: N_WATCH }, () =>
    c.stream(`/api/v1/namespaces/bench/pods?watch=true&resourceVersion=${rv}&labelSelector=bench%3Dwatch`, (line) => {
      const e = JSON.parse(line);
      const mark = e.object?.metadata?.annotations?.['bench/mark'];
      const t0 = mark ? sent.get(mark) : undefined;
      if (t0 !== undefined) lat.push(performance.now() - t0);
    }));
  await new Promise((r) => setTimeout(r, 500));
  for (let i = 0; i < updates; i++) {
    const mark = `m${i}`;
    sent.set(mark, performance.now());
    const r = await c.call('PATCH', `/api/v1/namespaces/bench/pods/pod-${i % 100}`, { metadata: { labels: { bench: 'watch' }, annotations: { 'bench/mark': mark } } }, 'application/merge-patch+json');
    if (r.status !== 200) throw new Error(`patch: ${r.status} ${r.body}`);
    await new Promise((res) => setTimeout(res, 5));
  }
  await new Promise((r) => setTimeout(r, 500));
  for (const s of streams) s.close();
  return lat;
}

async function referenceLatency(dir: string): Promise<{ p50: number; p99: number }> {
  // Same certificate and client; the server does nothing but answer.
  const script = `
    const https = require('node:https'); const fs = require('node:fs');
    const body = JSON.stringify({kind:'Service',apiVersion:'v1',metadata:{name:'x'},spec:{ports:[{port:80}]}});
    const s = https.createServer({cert: fs.readFileSync(process.argv[1] + '/apiserver.crt'), key: fs.readFileSync(process.argv[1] + '/apiserver.key')}, (req, res) => {
      req.resume(); req.on('end', () => { res.writeHead(201, {'Content-Type':'application/json'}); res.end(body); });
    });
    s.listen(0, '127.0.0.1', () => console.log('ready at https://127.0.0.1:' + s.address().port));`;
  const ref = await startAndWaitFor(process.execPath, ['-e', script, join(dir, 'pki')], /ready at (https:\/\/\S+)/);
  try {
    const c = benchClient(ref.url, dir);
    const lat = await createAll(c, 5000, () => '/x', (i) => ({ metadata: { name: `x${i}` } }));
    // (same writer count as the kubesvc run)
    c.agent.destroy();
    return { p50: percentile(lat, 50), p99: percentile(lat, 99) };
  } finally {
    await ref.stop();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kubesvc-bench-'));
  let srv: Child | undefined;
  try {
    srv = await startKubesvcServer(dir, ['--no-controllers']);
    const c = benchClient(srv.url, dir);
    await c.call('POST', '/api/v1/namespaces', { metadata: { name: 'bench' } });
    const svcLat = await createAll(c, N_SVC, () => '/api/v1/namespaces/bench/services', (i) => ({
      metadata: { name: `svc-${i}`, labels: { app: `a${i % 100}` } }, spec: { selector: { app: `a${i % 100}` }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    }));
    const podLat = await createAll(c, N_POD, () => '/api/v1/namespaces/bench/pods', (i) => ({
      metadata: { name: `pod-${i}`, labels: { app: `a${i % 100}` } }, spec: { containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: 8080 }] }] },
    }));
    const writes = [...svcLat, ...podLat];
    const listSvc = await listLatency(c, '/api/v1/services');
    const listPods = await listLatency(c, '/api/v1/pods');
    const watch = await watchLatency(c, 200);
    const rss = rssMiB(srv.proc.pid!);
    c.agent.destroy();
    const ref = await referenceLatency(dir);
    const p50 = percentile(writes, 50), p99 = percentile(writes, 99);
    console.log(`objects: ${N_SVC} services + ${N_POD} pods, ${CONCURRENCY} concurrent writers`);
    console.log(`create latency: p50 ${fmt(p50)}  p99 ${fmt(p99)}   (target p99 < 5 ms)`);
    console.log(`reference (bare HTTPS server, same client): p50 ${fmt(ref.p50)}  p99 ${fmt(ref.p99)}  → kubesvc/reference p50 ${(p50 / ref.p50).toFixed(2)}×, p99 ${(p99 / ref.p99).toFixed(2)}×`);
    console.log(`list all services (${N_SVC}): ${fmt(listSvc)}   list all pods (${N_POD}): ${fmt(listPods)}   (target < 200 ms, median of 7)`);
    console.log(`watch delivery (${N_WATCH} watchers × 200 writes = ${watch.length} events): p50 ${fmt(percentile(watch, 50))}  p99 ${fmt(percentile(watch, 99))}   (target p99 < 10 ms)`);
    console.log(`server RSS: ${rss.toFixed(0)} MiB   (target < 250 MB)`);
  } finally {
    await srv?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
