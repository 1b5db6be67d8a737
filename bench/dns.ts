// bench/dns: dnsperf against kubesvc dns holding 10,000 Services, and against
// dnsmasq serving the same 10,000 names from a hosts file, in the same run.
// The record index is fed from a synthetic list of Services (no API server: the
// informer path is covered by the integration tests). Both servers run as their
// own processes, so neither shares a CPU budget with this driver: kubesvc dns is
// this same script re-run with --serve (optionally --workers N), dnsmasq and
// dnsperf are child processes, everything on 127.0.0.1. Runs alternate between
// the two servers and the medians are reported: throughput at saturation
// (dnsperf -q 100), then latency percentiles at a fixed offered load (dnsperf -Q,
// per-query latencies via -v).
//
// The names repeat, so kubesvc answers nearly all of them from its encoded-response
// cache; --churn-ms M changes the index every M ms (a Service's ClusterIP), which
// empties that cache as a busy cluster would, so the parse+answer+encode path shows.
//
// Run: npx tsx bench/dns.ts [--services N] [--seconds S] [--rounds R] [--qps Q] [--workers W[,W2...]] [--churn-ms M] [--profile DIR]
//  (or compiled: npm run build && node dist/bench/dns.js ...). --profile writes the
//  kubesvc server's V8 CPU profiles (node --cpu-prof) into DIR.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { chmodSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import dnsPacket from 'dns-packet';
import { defaultConfig } from '../src/dns/answer.js';
import { RecordIndex } from '../src/dns/kubernetes/index.js';
import { DnsMetrics } from '../src/dns/metrics.js';
import { DnsServer } from '../src/dns/server.js';
import { forkWorkers, isWorker, tellPrimary } from '../src/dns/workers.js';

const { values } = parseArgs({
  options: {
    services: { type: 'string', default: '10000' }, seconds: { type: 'string', default: '10' }, rounds: { type: 'string', default: '3' },
    qps: { type: 'string', default: '10000' }, workers: { type: 'string', default: '1' }, profile: { type: 'string' },
    'churn-ms': { type: 'string', default: '0' },
    // Internal: run only the kubesvc DNS server on this port (the driver starts it so).
    serve: { type: 'string' },
  },
});
const CHURN_MS = Number(values['churn-ms']);
const N = Number(values.services), SECONDS = Number(values.seconds), ROUNDS = Number(values.rounds), FIXED_QPS = Number(values.qps);
/** --workers 1 or a list, 1,2: one kubesvc dns process per entry, measured side by side. */
const WORKER_COUNTS = values.workers!.split(',').map(Number);
if (WORKER_COUNTS.some((w) => !Number.isInteger(w) || w < 1)) throw new Error(`--workers: "${values.workers}" is not a count or a list of counts`);

interface Svc { ns: string; name: string; ip: string }

function synthetic(n: number): Svc[] {
  // 100 namespaces; ClusterIPs walk 10.96.0.0/12 from 10.96.1.0.
  return Array.from({ length: n }, (_, i) => ({ ns: `ns-${i % 100}`, name: `svc-${i}`, ip: `10.${96 + ((i + 256) >> 16)}.${((i + 256) >> 8) & 255}.${(i + 256) & 255}` }));
}

/** --serve PORT: the kubesvc DNS server alone, with N synthetic services and metrics on; "ready" on stdout. */
async function serve(port: number): Promise<void> {
  const workers = WORKER_COUNTS[0];
  if (workers > 1 && !isWorker()) {
    const pool = await forkWorkers(workers, (l) => console.error(`bench/dns serve: ${l}`));
    console.log(`ready ${pool.port} workers ${pool.size}`);
    await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
    await pool.stop();
    return;
  }
  const index = new RecordIndex();
  for (const s of synthetic(N)) index.upsertService({ namespace: s.ns, name: s.name, type: 'ClusterIP', headless: false, clusterIPs: [s.ip], externalName: '', ports: [{ name: 'http', port: 80, protocol: 'tcp' }], publishNotReadyAddresses: false });
  const server = new DnsServer({ host: '127.0.0.1', port, index, config: defaultConfig(), metrics: new DnsMetrics(), log: () => {} });
  const at = await server.start();
  let flips = 0;
  const churn = CHURN_MS > 0
    ? setInterval(() => index.upsertService({ namespace: 'churn', name: 'churn', type: 'ClusterIP', headless: false, clusterIPs: [`10.111.0.${(flips++ & 127) + 1}`], externalName: '', ports: [], publishNotReadyAddresses: false }), CHURN_MS)
    : undefined;
  if (isWorker()) tellPrimary('ready', at);
  else console.log(`ready ${at.port} workers 1`);
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  clearInterval(churn);
  await server.close();
}

/** Starts this script with --serve as its own process (under the same loader, e.g. tsx) and waits for "ready". */
async function startServer(port: number, workers: number): Promise<ChildProcess> {
  const prof = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : [];
  const args = [...process.execArgv, ...prof, process.argv[1], '--serve', String(port), '--services', String(N), '--workers', String(workers), '--churn-ms', String(CHURN_MS)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); if (/^ready /m.test(out)) resolve(); });
    child.once('exit', (code) => reject(new Error(`kubesvc dns bench server exited ${code}`)));
  });
  return child;
}

async function stopChild(p: ChildProcess | undefined): Promise<void> {
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  await exited;
}

async function freePort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const p = s.address().port;
  s.close();
  return p;
}

async function answers(port: number, name: string): Promise<boolean> {
  const s = createSocket('udp4');
  return new Promise((resolve) => {
    const t = setTimeout(() => { s.close(); resolve(false); }, 300);
    s.on('message', (m) => { clearTimeout(t); s.close(); resolve((dnsPacket.decode(m).answers ?? []).length > 0); });
    s.send(dnsPacket.encode({ type: 'query', id: 7, questions: [{ name, type: 'A' }] }), port, '127.0.0.1');
  });
}

function runChild(cmd: string, args: string[], stdoutFd?: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', stdoutFd ?? 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    p.stdout?.on('data', (d: Buffer) => chunks.push(d));
    p.stderr!.on('data', (d: Buffer) => chunks.push(d));
    p.once('error', reject);
    p.once('exit', (code) => (code === 0 ? resolve(Buffer.concat(chunks).toString()) : reject(new Error(`${cmd} exited ${code}: ${Buffer.concat(chunks).toString().slice(-1000)}`))));
  });
}

interface Throughput { qps: number; lost: number; avgMs: number }

async function throughput(port: number, queries: string, seconds: number): Promise<Throughput> {
  const out = await runChild('dnsperf', ['-s', '127.0.0.1', '-p', String(port), '-d', queries, '-l', String(seconds), '-c', '4', '-q', '100', '-t', '2']);
  const num = (re: RegExp): number => Number(re.exec(out)?.[1] ?? NaN);
  return { qps: num(/Queries per second:\s+([\d.]+)/), lost: num(/Queries lost:\s+(\d+)/), avgMs: num(/Average Latency \(s\):\s+([\d.]+)/) * 1000 };
}

async function latency(port: number, queries: string, qps: number, seconds: number, dir: string): Promise<{ p50: number; p99: number; p999: number; n: number }> {
  // The per-query lines go to a file: piping them into this process would load the server under test.
  const file = join(dir, 'latency.txt');
  const fd = openSync(file, 'w');
  try {
    await runChild('dnsperf', ['-s', '127.0.0.1', '-p', String(port), '-d', queries, '-l', String(seconds), '-Q', String(qps), '-q', '100', '-t', '2', '-v'], fd);
  } finally {
    closeSync(fd);
  }
  const out = readFileSync(file, 'utf8');
  const lat = [...out.matchAll(/^> \S+ \S+ \S+ ([\d.]+)$/gm)].map((m) => Number(m[1]) * 1000).sort((a, b) => a - b);
  const pct = (p: number): number => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
  return { p50: pct(0.5), p99: pct(0.99), p999: pct(0.999), n: lat.length };
}

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const f = (x: number, d = 0): string => x.toFixed(d);

interface Target { name: string; port: number; tput: Throughput[]; lat: Array<{ p50: number; p99: number; p999: number }> }

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kubesvc-bench-dns-'));
  chmodSync(dir, 0o755);
  let dnsmasq: ChildProcess | undefined;
  const servers: ChildProcess[] = [];
  try {
    const svcs = synthetic(N);
    const fqdn = (s: Svc): string => `${s.name}.${s.ns}.svc.cluster.local`;
    const queries = join(dir, 'queries.txt');
    // Shuffled, so neither server sees the names in the order it loaded them.
    const order = svcs.map((s, i) => ({ s, k: (i * 2654435761) % 4294967296 })).sort((a, b) => a.k - b.k).map((x) => x.s);
    writeFileSync(queries, order.map((s) => `${fqdn(s)} A\n`).join(''));
    const hosts = join(dir, 'hosts');
    writeFileSync(hosts, svcs.map((s) => `${s.ip} ${fqdn(s)}\n`).join(''));
    const probe = fqdn(svcs[N - 1]);

    // One kubesvc dns process per --workers value, each its own process like dnsmasq.
    const targets: Target[] = [];
    const started: string[] = [];
    for (const w of WORKER_COUNTS) {
      const t0 = performance.now();
      const port = await freePort();
      servers.push(await startServer(port, w));
      if (!(await answers(port, probe))) throw new Error(`kubesvc dns (${w} workers) does not answer`);
      started.push(`${w} worker${w > 1 ? 's' : ''} up in ${f(performance.now() - t0)} ms`);
      targets.push({ name: WORKER_COUNTS.length > 1 || w > 1 ? `kubesvc dns ×${w}` : 'kubesvc dns', port, tput: [], lat: [] });
    }

    const mPort = await freePort();
    dnsmasq = spawn('dnsmasq', ['--keep-in-foreground', '--conf-file=/dev/null', '--no-resolv', '--no-hosts', `--addn-hosts=${hosts}`, '--bind-interfaces',
      '--listen-address=127.0.0.1', `--port=${mPort}`, '--pid-file=', '--user=root', '--local-ttl=5', '--cache-size=10000'], { stdio: 'ignore' });
    for (let i = 0; !(await answers(mPort, probe)); i++) {
      if (i > 50 || dnsmasq.exitCode !== null) throw new Error('dnsmasq did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const m: Target = { name: 'dnsmasq', port: mPort, tput: [], lat: [] };
    const all = [...targets, m];

    console.log(`bench/dns: ${N} services (synthetic index; kubesvc dns: ${started.join(', ')}), dnsperf ${SECONDS}s × ${ROUNDS} rounds each, alternating; ${CHURN_MS > 0 ? `index changing every ${CHURN_MS} ms` : 'index unchanging'}; ${process.version}, ${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    console.log(`reproduce: ${reproduce}`);
    // Warm all (caches, JIT) before measuring.
    for (const t of all) await throughput(t.port, queries, 2);
    for (let r = 0; r < ROUNDS; r++) {
      for (const t of all) t.tput.push(await throughput(t.port, queries, SECONDS));
      console.log(`  round ${r + 1}: ${all.map((t) => `${t.name} ${f(t.tput[r].qps)} qps (lost ${t.tput[r].lost})`).join(', ')}`);
    }
    for (let r = 0; r < ROUNDS; r++) for (const t of all) t.lat.push(await latency(t.port, queries, FIXED_QPS, 5, dir));

    const lat = (t: Target, k: 'p50' | 'p99' | 'p999'): string => f(median(t.lat.map((x) => x[k])), 3);
    console.log('');
    console.log(`| server | QPS (median, saturated) | vs dnsmasq (median of per-round ratios) | avg latency at saturation | p50 / p99 / p99.9 at ${FIXED_QPS} qps |`);
    console.log('|---|---|---|---|---|');
    // The machine's load moves between rounds: a round's ratio compares runs seconds apart.
    const ratio = (t: Target): number => median(t.tput.map((x, r) => x.qps / m.tput[r].qps));
    for (const t of all) {
      console.log(`| ${t.name} | ${f(median(t.tput.map((x) => x.qps)))} | ${ratio(t).toFixed(2)}× | ${f(median(t.tput.map((x) => x.avgMs)), 3)} ms | ${lat(t, 'p50')} / ${lat(t, 'p99')} / ${lat(t, 'p999')} ms |`);
    }
    console.log('');
    for (const t of targets) console.log(`${t.name}: QPS ratio vs dnsmasq ${ratio(t).toFixed(2)}× (target ≥ 1.0×); p99 at ${FIXED_QPS} qps ${lat(t, 'p99')} ms (target < 2 ms; dnsmasq ${lat(m, 'p99')} ms)`);
  } finally {
    await stopChild(dnsmasq);
    for (const s of servers) await stopChild(s);
    rmSync(dir, { recursive: true, force: true });
  }
}

const reproduce = `npx tsx bench/dns.ts --services ${N} --seconds ${SECONDS} --rounds ${ROUNDS} --qps ${FIXED_QPS} --workers ${values.workers}${CHURN_MS > 0 ? ` --churn-ms ${CHURN_MS}` : ''}`;

(values.serve !== undefined ? serve(Number(values.serve)) : main()).catch((e) => { console.error(e); process.exitCode = 1; });
