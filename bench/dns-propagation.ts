// bench/dns-propagation: how soon `kubesvc dns` answers what the API server was just
// told. The server and `kubesvc dns --workers W` run as their own processes on
// loopback; this process writes one change at a time (a Service created, a headless
// Service's EndpointSlice scaled up or down, a Service deleted) and asks DNS every
// millisecond until every worker answers the new state. Target (issue 7): p99 < 100 ms
// from the write's response. Reference, measured in the same run: the same change
// reaching a plain watch in this process (the floor an informer can react at).
//
// Run: npm run build && node dist/bench/dns-propagation.js [--changes N] [--workers W] [--rate R]
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import dnsPacket from 'dns-packet';
import { fmt, percentile } from './support/client.js';
import { repoRoot, startAndWaitFor, startKubesvcServer } from './support/processes.js';
import { loadKubeconfig, RestClient } from '../src/client/rest.js';
import { EndpointSlices, Namespaces, resourcePath, Services } from '../src/client/resources.js';

const { values } = parseArgs({ options: { changes: { type: 'string', default: '300' }, workers: { type: 'string', default: '2' }, rate: { type: 'string', default: '20' } } });
const N_CHANGES = Number(values.changes), WORKERS = Number(values.workers), RATE = Number(values.rate);
const NS = 'bench';
/** Answers in a row that must show the new state: with W workers on one socket, a stale worker would show within these. */
const AGREEING = 8 * WORKERS;

let nextId = 1;
function asker(port: number): { ask(name: string): Promise<string>; close(): void } {
  const sock: Socket = createSocket('udp4');
  const waiting = new Map<number, (p: any) => void>();
  sock.on('message', (m) => { const p = dnsPacket.decode(m); waiting.get(p.id!)?.(p); waiting.delete(p.id!); });
  return {
    ask: (name) => new Promise((resolve, reject) => {
      const id = (nextId = (nextId % 65535) + 1);
      const t = setTimeout(() => { waiting.delete(id); reject(new Error(`no answer for ${name}`)); }, 1000);
      waiting.set(id, (p) => { clearTimeout(t); resolve(p.rcode !== 'NOERROR' ? p.rcode : (p.answers ?? []).map((a: any) => String(a.data)).sort().join(',')); });
      sock.send(dnsPacket.encode({ type: 'query', id, questions: [{ name, type: 'A' }] }), port, '127.0.0.1');
    }),
    close: () => sock.close(),
  };
}

/** Asks every millisecond; resolves with the time of the first answer in a run of AGREEING answers equal to want. */
async function answeredAt(ask: (n: string) => Promise<string>, name: string, want: string): Promise<number> {
  let since = 0, run = 0;
  const deadline = performance.now() + 10_000;
  while (run < AGREEING) {
    const got = await ask(name);
    const t = performance.now();
    if (got === want) { if (run++ === 0) since = t; } else run = 0;
    if (t > deadline) throw new Error(`${name}: "${got}", want "${want}" after 10 s`);
    if (run === 0) await new Promise((r) => setTimeout(r, 1));
  }
  return since;
}

const slice = (ips: string[]): object => ({
  apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4',
  metadata: { name: 'db-1', labels: { 'kubernetes.io/service-name': 'db' } },
  ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
  endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
});

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubesvc-bench-dnsprop-'));
  const server = await startKubesvcServer(dataDir);
  const kubeconfig = join(dataDir, 'kubeconfig');
  const dns = await startAndWaitFor(process.execPath, [join(repoRoot, 'bin', 'kubesvc.js'), 'dns', '--kubeconfig', kubeconfig, '--listen', '127.0.0.1:0', '--metrics', '127.0.0.1:0', '--workers', String(WORKERS), '--pods', 'insecure'], /ready on 127\.0\.0\.1:(\d+)/);
  const client = new RestClient(loadKubeconfig(kubeconfig));
  const watcher = new RestClient(loadKubeconfig(kubeconfig));
  const dig = asker(Number(dns.url));
  try {
    await client.create(resourcePath(Namespaces), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    await client.create(resourcePath(Services, NS), { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db' }, spec: { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] } });
    let sl = await client.create(resourcePath(EndpointSlices, NS), slice(['10.244.0.1']));
    const db = `db.${NS}.svc.cluster.local`;
    await answeredAt(dig.ask, db, '10.244.0.1');

    // The reference: each write's object reaching a plain watch, by resourceVersion.
    const seen = new Map<string, () => void>();
    const rv = (await client.get(resourcePath(Services, NS))).metadata.resourceVersion;
    const watches = [Services, EndpointSlices].map((r) => watcher.watch(resourcePath(r, NS, undefined, undefined, { watch: 'true', resourceVersion: rv }), (e) => {
      seen.get(e.object?.metadata?.resourceVersion)?.();
    }, () => {}));
    console.log(`bench/dns-propagation: ${N_CHANGES} changes at ≤ ${RATE}/s, kubesvc dns --workers ${WORKERS} (pid ${dns.proc.pid}), server pid ${server.proc.pid}`);

    const dnsLat: Record<string, number[]> = { create: [], scale: [], delete: [] }, watchLat: number[] = [], writeLat: number[] = [];
    const created: string[] = [];
    let width = 1;
    for (let i = 0; i < N_CHANGES; i++) {
      const tick = performance.now();
      const kind = ['create', 'scale', 'delete'][i % 3] as 'create' | 'scale' | 'delete';
      let write: () => Promise<any>, name: string, want: (obj: any) => string;
      if (kind === 'create') {
        const svc = `s-${i}`;
        created.push(svc);
        write = () => client.create(resourcePath(Services, NS), { apiVersion: 'v1', kind: 'Service', metadata: { name: svc }, spec: { ports: [{ port: 80 }] } });
        name = `${svc}.${NS}.svc.cluster.local`; want = (o) => o.spec.clusterIP;
      } else if (kind === 'scale') {
        width = width >= 5 ? 1 : width + 1;
        const ips = [...Array(width).keys()].map((k) => `10.244.0.${k + 1}`);
        write = () => client.update(resourcePath(EndpointSlices, NS, 'db-1'), { ...slice(ips), metadata: { ...(slice(ips) as any).metadata, resourceVersion: sl.metadata.resourceVersion } });
        name = db; want = () => [...ips].sort().join(',');
      } else {
        const svc = created.shift()!;
        write = () => client.delete(resourcePath(Services, NS, svc));
        name = `${svc}.${NS}.svc.cluster.local`; want = () => 'NXDOMAIN';
      }
      const t0 = performance.now();
      const obj = await write();
      const t1 = performance.now();
      if (kind === 'scale') sl = obj;
      const watched = new Promise<number>((r) => {
        const key = kind === 'delete' ? undefined : obj.metadata.resourceVersion;
        if (key) seen.set(key, () => r(performance.now())); else r(NaN);
      });
      const at = await answeredAt(dig.ask, name, want(obj));
      dnsLat[kind].push(at - t1);
      writeLat.push(t1 - t0);
      const w = await Promise.race([watched, new Promise<number>((r) => setTimeout(() => r(NaN), 1000))]);
      if (!Number.isNaN(w)) watchLat.push(Math.max(0, w - t1));
      seen.clear();
      const wait = 1000 / RATE - (performance.now() - tick);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    for (const w of watches) w.close();
    const all = [...dnsLat.create, ...dnsLat.scale, ...dnsLat.delete];
    const row = (label: string, xs: number[]): string => `  ${label.padEnd(46)} p50 ${fmt(percentile(xs, 50))}, p99 ${fmt(percentile(xs, 99))}, max ${fmt(Math.max(...xs))} (${xs.length})`;
    console.log(row('write response → every DNS worker answers it', all));
    console.log(row('  a Service created → its A record', dnsLat.create));
    console.log(row('  a headless slice rescaled → its A records', dnsLat.scale));
    console.log(row('  a Service deleted → NXDOMAIN', dnsLat.delete));
    console.log(row('reference: write response → a plain watch', watchLat));
    console.log(row('reference: the write round trip', writeLat));
    const p99 = percentile(all, 99);
    console.log(`  target p99 < 100 ms: ${p99 < 100 ? 'met' : 'NOT met'}`);
    console.log(`  reproduce: node dist/bench/dns-propagation.js --changes ${N_CHANGES} --workers ${WORKERS} --rate ${RATE}`);
  } finally {
    dig.close();
    client.close();
    watcher.close();
    await dns.stop();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
