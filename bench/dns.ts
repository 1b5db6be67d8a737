// bench/dns: dnsperf against kubesvc dns holding 10,000 Services, and against
// dnsmasq serving the same 10,000 names from a hosts file, in the same run.
// The record index is fed from a synthetic list of Services (no API server: the
// informer path is covered by the integration tests); the kubesvc DNS server
// runs in this process with metrics on, dnsmasq and dnsperf are child processes,
// everything on 127.0.0.1. Runs alternate between the two servers and the
// medians are reported: throughput at saturation (dnsperf -q 100), then latency
// percentiles at a fixed offered load (dnsperf -Q, per-query latencies via -v).
//
// Run: npm run build && node dist/bench/dns.js [--services N] [--seconds S] [--rounds R] [--qps Q]
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { chmodSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import dnsPacket from 'dns-packet';
import { defaultConfig } from '../src/dns/answer.js';
import { RecordIndex } from '../src/dns/kubernetes/index.js';
import { DnsMetrics } from '../src/dns/metrics.js';
import { DnsServer } from '../src/dns/server.js';

const { values } = parseArgs({ options: { services: { type: 'string', default: '10000' }, seconds: { type: 'string', default: '10' }, rounds: { type: 'string', default: '3' }, qps: { type: 'string', default: '10000' } } });
const N = Number(values.services), SECONDS = Number(values.seconds), ROUNDS = Number(values.rounds), FIXED_QPS = Number(values.qps);

interface Svc { ns: string; name: string; ip: string }

function synthetic(n: number): Svc[] {
  // 100 namespaces; ClusterIPs walk 10.96.0.0/12 from 10.96.1.0.
  return Array.from({ length: n }, (_, i) => ({ ns: `ns-${i % 100}`, name: `svc-${i}`, ip: `10.${96 + ((i + 256) >> 16)}.${((i + 256) >> 8) & 255}.${(i + 256) & 255}` }));
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

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kubesvc-bench-dns-'));
  chmodSync(dir, 0o755);
  let dnsmasq: ChildProcess | undefined;
  let server: DnsServer | undefined;
  try {
    const svcs = synthetic(N);
    const fqdn = (s: Svc): string => `${s.name}.${s.ns}.svc.cluster.local`;
    const queries = join(dir, 'queries.txt');
    // Shuffled, so neither server sees the names in the order it loaded them.
    const order = svcs.map((s, i) => ({ s, k: (i * 2654435761) % 4294967296 })).sort((a, b) => a.k - b.k).map((x) => x.s);
    writeFileSync(queries, order.map((s) => `${fqdn(s)} A\n`).join(''));
    const hosts = join(dir, 'hosts');
    writeFileSync(hosts, svcs.map((s) => `${s.ip} ${fqdn(s)}\n`).join(''));

    const index = new RecordIndex();
    const t0 = performance.now();
    for (const s of svcs) index.upsertService({ namespace: s.ns, name: s.name, type: 'ClusterIP', headless: false, clusterIPs: [s.ip], externalName: '', ports: [{ name: 'http', port: 80, protocol: 'tcp' }], publishNotReadyAddresses: false });
    const indexMs = performance.now() - t0;
    server = new DnsServer({ host: '127.0.0.1', port: await freePort(), index, config: defaultConfig(), metrics: new DnsMetrics(), log: () => {} });
    const kPort = (await server.start()).port;

    const mPort = await freePort();
    dnsmasq = spawn('dnsmasq', ['--keep-in-foreground', '--conf-file=/dev/null', '--no-resolv', '--no-hosts', `--addn-hosts=${hosts}`, '--bind-interfaces',
      '--listen-address=127.0.0.1', `--port=${mPort}`, '--pid-file=', '--user=root', '--local-ttl=5', '--cache-size=10000'], { stdio: 'ignore' });
    const probe = fqdn(svcs[N - 1]);
    for (let i = 0; !(await answers(mPort, probe)); i++) {
      if (i > 50 || dnsmasq.exitCode !== null) throw new Error('dnsmasq did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!(await answers(kPort, probe))) throw new Error('kubesvc dns does not answer');

    console.log(`bench/dns: ${N} services (synthetic index, built in ${f(indexMs)} ms), dnsperf ${SECONDS}s × ${ROUNDS} rounds each, alternating; ${process.version}`);
    // Warm both (caches, JIT) before measuring.
    await throughput(kPort, queries, 2);
    await throughput(mPort, queries, 2);
    const k: Throughput[] = [], m: Throughput[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      k.push(await throughput(kPort, queries, SECONDS));
      m.push(await throughput(mPort, queries, SECONDS));
      console.log(`  round ${r + 1}: kubesvc ${f(k[r].qps)} qps (lost ${k[r].lost}), dnsmasq ${f(m[r].qps)} qps (lost ${m[r].lost})`);
    }
    const kl = [], ml = [];
    for (let r = 0; r < ROUNDS; r++) {
      kl.push(await latency(kPort, queries, FIXED_QPS, 5, dir));
      ml.push(await latency(mPort, queries, FIXED_QPS, 5, dir));
    }
    const kq = median(k.map((x) => x.qps)), mq = median(m.map((x) => x.qps));
    console.log('');
    console.log('| server | QPS (median, saturated) | avg latency at saturation | p50 / p99 / p99.9 at ' + FIXED_QPS + ' qps |');
    console.log('|---|---|---|---|');
    console.log(`| kubesvc dns | ${f(kq)} | ${f(median(k.map((x) => x.avgMs)), 3)} ms | ${f(median(kl.map((x) => x.p50)), 3)} / ${f(median(kl.map((x) => x.p99)), 3)} / ${f(median(kl.map((x) => x.p999)), 3)} ms |`);
    console.log(`| dnsmasq | ${f(mq)} | ${f(median(m.map((x) => x.avgMs)), 3)} ms | ${f(median(ml.map((x) => x.p50)), 3)} / ${f(median(ml.map((x) => x.p99)), 3)} / ${f(median(ml.map((x) => x.p999)), 3)} ms |`);
    console.log('');
    console.log(`QPS ratio kubesvc/dnsmasq: ${(kq / mq).toFixed(2)}× (target ≥ 1.0×); kubesvc p99 at ${FIXED_QPS} qps: ${f(median(kl.map((x) => x.p99)), 3)} ms (target < 2 ms)`);
  } finally {
    if (dnsmasq && dnsmasq.exitCode === null) {
      const exited = new Promise((r) => dnsmasq!.once('exit', r));
      dnsmasq.kill('SIGTERM');
      await exited;
    }
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
