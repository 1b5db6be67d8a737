// bench/controllers: 1,000 Services × 10 Pods through the real server process,
// with the EndpointSlice and Endpoints controllers running in this process.
// Measures (1) time to converge after creating every Service and Pod at once
// (all pods ready, as a node agent would report them) and (2) latency from a
// single pod readiness status write to the slice update seen by a watcher.
// Reference: the latency of the status write itself (API round trip), measured
// in the same run, is the floor the controller adds to.
//
// Run: npm run build && node dist/bench/controllers.js [--services N] [--pods N] [--changes N]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { percentile, pool, fmt } from './support/client.js';
import { startKubesvcServer, rssMiB } from './support/processes.js';
import { RestClient, loadKubeconfig } from '../src/client/rest.js';
import { EndpointSlices, Namespaces, Pods, Services, resourcePath } from '../src/client/resources.js';
import { EndpointSliceController } from '../src/controllers/endpointslice/controller.js';
import { EndpointsController } from '../src/controllers/endpoints/controller.js';
import type { EndpointSlice } from '../src/controllers/endpointslice/types.js';

const { values } = parseArgs({ options: { services: { type: 'string', default: '1000' }, pods: { type: 'string', default: '10' }, changes: { type: 'string', default: '200' } } });
const N_SVC = Number(values.services), N_POD = Number(values.pods), N_CHANGES = Number(values.changes);
const NS = 'bench';
const CONCURRENCY = 16;

const podName = (s: number, p: number): string => `svc-${s}-pod-${p}`;
const podIP = (s: number, p: number): string => { const n = s * N_POD + p; return `10.244.${Math.floor(n / 250)}.${1 + (n % 250)}`; };
const stamp = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

async function setReady(client: RestClient, s: number, p: number, ready: boolean, pod?: any): Promise<void> {
  const cur = pod ?? await client.get(resourcePath(Pods, NS, podName(s, p)));
  cur.status = { ...cur.status, phase: 'Running', podIP: podIP(s, p), podIPs: [{ ip: podIP(s, p) }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: stamp() }] };
  await client.update(resourcePath(Pods, NS, podName(s, p), 'status'), cur);
}

/** Watches all slices in the namespace: per-Service ready counts and per-pod readiness. */
class SliceWatcher {
  readonly slices = new Map<string, EndpointSlice>();
  readonly readyBySvc = new Map<string, number>();
  private waiters: (() => void)[] = [];
  private handle?: { close(): void };

  constructor(private readonly client: RestClient) {}

  async start(): Promise<void> {
    const list = await this.client.get(resourcePath(EndpointSlices, NS));
    this.handle = this.client.watch(resourcePath(EndpointSlices, NS, undefined, undefined, { watch: 'true', resourceVersion: list.metadata.resourceVersion }), (e) => {
      if (e.type === 'DELETED') this.slices.delete(e.object.metadata.name);
      else if (e.type === 'ADDED' || e.type === 'MODIFIED') this.slices.set(e.object.metadata.name, e.object);
      else return;
      this.recount(e.object.metadata.labels?.['kubernetes.io/service-name']);
      for (const w of this.waiters.splice(0)) w();
    }, () => {});
  }

  private recount(svc: string | undefined): void {
    if (!svc) return;
    let n = 0;
    for (const s of this.slices.values()) if (s.metadata.labels?.['kubernetes.io/service-name'] === svc) n += (s.endpoints ?? []).filter((e) => e.conditions.ready).length;
    this.readyBySvc.set(svc, n);
  }

  podReady(svc: string, pod: string): boolean | undefined {
    for (const s of this.slices.values()) {
      if (s.metadata.labels?.['kubernetes.io/service-name'] !== svc) continue;
      const e = (s.endpoints ?? []).find((x) => x.targetRef?.name === pod);
      if (e) return e.conditions.ready;
    }
    return undefined;
  }

  /** Resolves (with the time) when cond holds after some event. */
  until(cond: () => boolean): Promise<number> {
    return new Promise((resolve) => {
      const check = (): void => { if (cond()) resolve(performance.now()); else this.waiters.push(check); };
      check();
    });
  }

  stop(): void { this.handle?.close(); }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubesvc-bench-ctl-'));
  const server = await startKubesvcServer(dataDir, ['--no-controllers']);
  const client = new RestClient(loadKubeconfig(join(dataDir, 'kubeconfig')));
  const watcherClient = new RestClient(loadKubeconfig(join(dataDir, 'kubeconfig')));
  const es = new EndpointSliceController(client, { events: false });
  const ep = new EndpointsController(client, { events: false });
  const watcher = new SliceWatcher(watcherClient);
  try {
    await client.create(resourcePath(Namespaces), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    await Promise.all([es.start(), ep.start()]);
    await watcher.start();
    console.log(`bench/controllers: ${N_SVC} services × ${N_POD} pods, controllers in-process, server pid ${server.proc.pid}`);

    // 1. Converge after creating everything at once.
    const t0 = performance.now();
    await pool([...Array(N_SVC).keys()], CONCURRENCY, async (s) => {
      await client.create(resourcePath(Services, NS), { apiVersion: 'v1', kind: 'Service', metadata: { name: `svc-${s}` }, spec: { selector: { app: `svc-${s}` }, ports: [{ port: 80, targetPort: 8080 }] } });
    });
    const pods = [...Array(N_SVC * N_POD).keys()].map((i) => [Math.floor(i / N_POD), i % N_POD] as const);
    await pool(pods, CONCURRENCY, async ([s, p]) => {
      const created = await client.create(resourcePath(Pods, NS), { apiVersion: 'v1', kind: 'Pod', metadata: { name: podName(s, p), labels: { app: `svc-${s}` } }, spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'app', ports: [{ containerPort: 8080 }] }] } });
      await setReady(client, s, p, true, created);
    });
    const tWritten = performance.now();
    const tConverged = await watcher.until(() => {
      if (watcher.readyBySvc.size < N_SVC) return false;
      for (const n of watcher.readyBySvc.values()) if (n !== N_POD) return false;
      return true;
    });
    console.log(`  create ${N_SVC} services + ${N_SVC * N_POD} pods (+ready status): ${fmt(tWritten - t0)}`);
    console.log(`  converged (every slice has all pods ready): ${fmt(tConverged - t0)} after start, ${fmt(tConverged - tWritten)} after the last write`);

    // 2. Single readiness changes, one at a time.
    // One watch hop, for reference: the pod event itself reaching a watcher.
    const podSeen = new Map<string, () => void>();
    const podWatch = watcherClient.watch(resourcePath(Pods, NS, undefined, undefined, { watch: 'true', resourceVersion: (await client.get(resourcePath(Pods, NS, undefined, undefined, { limit: 1 }))).metadata.resourceVersion }), (e) => {
      podSeen.get(e.object?.metadata?.name)?.();
    }, () => {});
    const lat: number[] = [], writeLat: number[] = [], hopLat: number[] = [];
    for (let i = 0; i < N_CHANGES; i++) {
      const s = (i * 7919) % N_SVC, p = i % N_POD;
      const want = watcher.podReady(`svc-${s}`, podName(s, p)) === false;
      const pod = await client.get(resourcePath(Pods, NS, podName(s, p)));
      const start = performance.now();
      const seen = watcher.until(() => watcher.podReady(`svc-${s}`, podName(s, p)) === want);
      const hop = new Promise<number>((r) => podSeen.set(podName(s, p), () => r(performance.now())));
      await setReady(client, s, p, want, pod);
      writeLat.push(performance.now() - start);
      lat.push((await seen) - start);
      hopLat.push((await hop) - start);
      podSeen.delete(podName(s, p));
      await new Promise((r) => setTimeout(r, 5));
    }
    console.log(`  readiness change → slice update seen by a watcher (${N_CHANGES} changes): p50 ${fmt(percentile(lat, 50))}, p99 ${fmt(percentile(lat, 99))}, max ${fmt(Math.max(...lat))}`);
    podWatch.close();
    console.log(`  reference: the status write round trip alone: p50 ${fmt(percentile(writeLat, 50))}, p99 ${fmt(percentile(writeLat, 99))}`);
    console.log(`  reference: status write → the pod event seen by a watcher (one watch hop): p50 ${fmt(percentile(hopLat, 50))}, p99 ${fmt(percentile(hopLat, 99))}`);
    console.log(`  ratio p50 (slice seen / one watch hop): ${(percentile(lat, 50) / percentile(hopLat, 50)).toFixed(2)}× (the slice path is write + 2 watch hops + 1 write)`);
    console.log(`  rss: bench+controllers ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB, server ${rssMiB(server.proc.pid!).toFixed(0)} MiB`);
  } finally {
    watcher.stop();
    es.stop();
    ep.stop();
    client.close();
    watcherClient.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
