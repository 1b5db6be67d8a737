// bench/agent: `kubesvc up` as users run it (its own process, real namespaces).
// Measures: time from spawning `up` to every Node Ready, to a first real
// `kubectl get` answering, and to up's ready line; create → Ready latency of 50
// pods spread over the nodes (needs the node agent) and the time until each
// one's stand-in answers on its port (polled from inside node-1's netns), RSS, PSS
// and CPU of the pods' processes and of each node's stand-in host; RSS and PSS of the control plane (the up process) and of each
// agent at idle; deleting the 50 pods at once until each is gone; then 20 pods created one
// at a time (each once the previous one is Ready), create → Ready; teardown time. Compared with the
// published numbers of kind (≈12–17 s to create a cluster) and k3s (≈1.4 GB
// server memory). Needs root. Not a pass/fail test.
//
// Pods have no readiness probe, so Ready means the container process started,
// as in Kubernetes; --readiness-probe gives them a tcpSocket probe (period 1 s).
// --sleep-pods runs `sleep` as the pods' command instead of the stand-in: the agent's
// own pipeline without the stand-in host's work (nothing answers then).
// Create→answering is a burst of its own after the Ready one: its prober (nice 19, polling
// every 50 ms, started before the pods are created) and the stand-ins answering it took about
// 2 ms of CPU per pod from a burst that is CPU-bound. --bursts N repeats the Ready burst on the
// same cluster (later ones run warm code: the first is the one a user's first apply sees).
//
// --cpu adds where the CPU went from the creates until all were Ready (and answering), by process.
// Profiling: BENCH_UP_NODE_FLAGS='--cpu-prof --cpu-prof-dir=DIR' runs `up` (the control plane) under
// those node flags; KUBESVC_SELF_COMMAND='["node","--cpu-prof","--cpu-prof-dir=DIR","bin/kubesvc.js"]' the agents.
// BENCH_UP_STDERR=FILE keeps up's stderr in FILE.<nodes> (with KUBESVC_TRACE_REQUESTS=1: every request).
//
// Run: npm run build && node dist/bench/agent.js [--nodes 1,2] [--pods 50] [--one-by-one 20] [--bursts 1] [--node-cidr 172.30.250.0/24] [--readiness-probe] [--sleep-pods] [--cpu]
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RestClient, loadKubeconfig } from '../src/client/rest.js';
import { kubectlRunner } from '../test/support/kubectl.js';
import { percentile, fmt } from './support/client.js';
import { pssMiB, rssMiB } from './support/processes.js';
import { cpuBetween, cpuSnapshot, procStat, tickMs } from './support/cpu-accounting.js';
import { clusterNames } from '../src/cluster/names.js';
import { cliCommand } from '../src/cluster/self.js';
import { podNetnsName } from '../src/agent/net/names.js';

const { values } = parseArgs({ options: { nodes: { type: 'string', default: '1,2' }, pods: { type: 'string', default: '50' }, 'api-port': { type: 'string', default: '27443' }, 'node-cidr': { type: 'string', default: '172.30.250.0/24' }, 'readiness-probe': { type: 'boolean', default: false }, 'sleep-pods': { type: 'boolean', default: false }, 'one-by-one': { type: 'string', default: '20' }, bursts: { type: 'string', default: '1' }, cpu: { type: 'boolean', default: false } } });
const NODE_NET = values['node-cidr']!.replace(/\.0\/24$/, '');
const NODE_COUNTS = values.nodes!.split(',').map(Number);
const N_PODS = Number(values.pods);
const N_ONE = Number(values['one-by-one']);
const BURSTS = Math.max(1, Number(values.bursts));
const KIND_CREATE_S = [12, 17];
const K3S_SERVER_MIB = 1.4 * 1024;

const here = fileURLToPath(new URL('.', import.meta.url));
const fromTs = import.meta.url.endsWith('.ts');
const prober = join(here, 'support', fromTs ? 'answer-prober.ts' : 'answer-prober.js');
const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Usage { rss: number[]; pss: number[]; cpuMs: number[] }

/** RSS, PSS and CPU so far of each process (exited ones left out). */
function usage(pids: number[]): Usage {
  const u: Usage = { rss: [], pss: [], cpuMs: [] };
  for (const pid of pids) {
    try {
      const { f } = procStat(pid);
      const rss = rssMiB(pid), pss = pssMiB(pid);
      u.cpuMs.push((Number(f[11]) + Number(f[12])) * tickMs);
      u.rss.push(rss);
      u.pss.push(pss);
    } catch { /* exited */ }
  }
  return u;
}

/** The stand-in hosts: children of the agents running the host (bundle/host.js, or standin/host.js|ts). */
function standinHostPids(agentPids: number[]): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${d}/status`, 'utf8'))?.[1]);
      if (agentPids.includes(ppid) && /(bundle|standin)\/host\.[jt]s/.test(readFileSync(`/proc/${d}/cmdline`, 'utf8'))) out.push(Number(d));
    } catch { /* exited */ }
  }
  return out;
}

interface CpuRows { wallMs: number; busyMs: number; rows: { label: string; ms: number }[] }
/** One burst: N_PODS pods created at once, then deleted at once. */
interface BurstResult {
  podP50?: number; podP95?: number; podAckP50?: number; podAckP95?: number; createAllMs?: number; podAllMs?: number;
  answerP50?: number; answerP95?: number; answerAllMs?: number; podProcs?: Usage; hosts?: Usage; cpu?: CpuRows; goneP50?: number; goneAllMs?: number;
}
interface Result extends BurstResult {
  nodes: number; readyMs?: number; firstGetMs?: number; upLineMs?: number; cpRss?: number; cpPss?: number; agentRss: number[]; agentPss: number[];
  /** Later Ready bursts on the same cluster (--bursts), and the answering round. */
  repeats: BurstResult[]; answer?: BurstResult;
  oneP50?: number; oneP95?: number; downMs?: number; note: string[];
}

/** When each pod of the default namespace was first seen Ready, and gone; one watch for every round. */
class PodWatch {
  readonly readyAt = new Map<string, number>();
  readonly goneAt = new Map<string, number>();
  /** The pod's node and IP once it has one (the answer prober needs them). */
  onIP: ((name: string, nodeName: string, uid: string, ip: string) => void) | undefined;
  private readonly seenIP = new Set<string>();
  private readonly watch: { close(): void };
  constructor(readonly client: RestClient) {
    this.watch = client.watch('/api/v1/namespaces/default/pods?watch=true', (e) => {
      const p = e.object;
      const pn = p?.metadata?.name as string;
      if (e.type === 'DELETED') return void this.goneAt.set(pn, now());
      if (!this.readyAt.has(pn) && p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')) this.readyAt.set(pn, now());
      if (!this.seenIP.has(pn) && p.status?.podIP) {
        this.seenIP.add(pn);
        this.onIP?.(pn, p.spec.nodeName, p.metadata.uid, p.status.podIP);
      }
    }, () => {});
  }
  close(): void {
    this.watch.close();
  }
}

const podSpec = (pn: string, i: number, nodes: number): Record<string, unknown> => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: pn, labels: { app: 'bench' } },
  // Bound round-robin to nodes: measures the agents, not a scheduler.
  spec: { nodeName: `node-${(i % nodes) + 1}`, containers: [{ name: 'app', image: 'bench/app', ...(values['sleep-pods'] ? { command: ['sleep', 'infinity'] } : {}), ports: [{ containerPort: 8080 }],
    ...(values['readiness-probe'] ? { readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 } } : {}) }] },
});

/**
 * Creates N_PODS pods at once (named prefix-i), waits until all are Ready (with `answers`, until
 * each one's stand-in answered instead), then deletes them at once and waits until all are gone.
 */
async function burst(w: PodWatch, names: ReturnType<typeof clusterNames>, nodes: number, prefix: string, answers: boolean, cluster: { root: number; roles(): Map<number, string> }): Promise<{ r: BurstResult; notes: string[] }> {
  const r: BurstResult = {}, notes: string[] = [];
  const created = new Map<string, number>(), acked = new Map<string, number>(), answeredAt = new Map<string, number>(), podNs = new Map<string, string>(), deleteSent = new Map<string, number>();
  // From inside node-1's netns (pods on other nodes are reached through its host-gw routes).
  const probe = answers ? spawn('nice', ['-n', '19', 'ip', 'netns', 'exec', names.nodeNs(1), process.execPath, prober, '8080'], { stdio: ['pipe', 'pipe', 'inherit'] }) : undefined;
  const proberReady = new Promise<void>((resolve) => {
    if (!probe) return resolve();
    createInterface({ input: probe.stdout! }).on('line', (l) => {
      if (l === 'ready') return resolve();
      const [n, t] = l.split(' ');
      answeredAt.set(n, Number(t));
    });
  });
  w.onIP = (pn, nodeName, uid, ip) => {
    if (!created.has(pn)) return;
    podNs.set(pn, podNetnsName(names.nodeNs(Number(String(nodeName).replace('node-', ''))), uid));
    probe?.stdin!.write(`${pn} ${ip}\n`);
  };
  await proberReady;
  const cpu0 = values.cpu ? cpuSnapshot() : undefined;
  const tp = now();
  await Promise.all([...Array(N_PODS).keys()].map(async (i) => {
    const pn = `${prefix}-${i}`;
    created.set(pn, now());
    await w.client.create('/api/v1/namespaces/default/pods', podSpec(pn, i, nodes));
    acked.set(pn, now());
  }));
  const done = (): boolean => (answers ? answeredAt.size : [...created.keys()].filter((n) => w.readyAt.has(n)).length) >= N_PODS;
  const pd = Date.now() + 60_000;
  while (!done() && Date.now() < pd) await sleep(20);
  probe?.kill();
  if (cpu0) {
    const cpu1 = cpuSnapshot();
    r.cpu = { wallMs: cpu1.at - cpu0.at, busyMs: cpu1.busyMs - cpu0.busyMs, rows: cpuBetween(cpu0, cpu1, cluster.root, cluster.roles()) };
  }
  const readyAt = new Map([...created.keys()].filter((n) => w.readyAt.has(n)).map((n) => [n, w.readyAt.get(n)!]));
  const since = (m: Map<string, number>): number[] => [...m].map(([n, t]) => t - created.get(n)!);
  if (!answers) {
    r.podP50 = percentile(since(readyAt), 50);
    r.podP95 = percentile(since(readyAt), 95);
    const sinceAck = [...readyAt].filter(([n]) => acked.has(n)).map(([n, t]) => t - acked.get(n)!);
    r.podAckP50 = percentile(sinceAck, 50);
    r.podAckP95 = percentile(sinceAck, 95);
    r.createAllMs = Math.max(...acked.values()) - tp;
    if (readyAt.size === N_PODS) r.podAllMs = Math.max(...readyAt.values()) - tp;
    else notes.push(`${prefix}: ${readyAt.size}/${N_PODS} pods Ready within 60 s`);
  } else {
    r.answerP50 = percentile(since(answeredAt), 50);
    r.answerP95 = percentile(since(answeredAt), 95);
    if (answeredAt.size === N_PODS) r.answerAllMs = Math.max(...answeredAt.values()) - tp;
    else notes.push(`${prefix}: ${answeredAt.size}/${N_PODS} stand-ins answered within 60 s`);
  }
  // The pods' own processes (one per pod netns), and the stand-in host of each node that serves them.
  r.podProcs = usage([...podNs.values()].flatMap((ns) => execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).split(/\s+/).filter(Boolean).map(Number)));
  r.hosts = usage([...cluster.roles()].filter(([, role]) => role === 'stand-in host').map(([pid]) => pid));
  // Delete them all at once (default grace period): SIGTERM, the container exits, the
  // network is torn down, the agent's final DELETE; measured until the watch sees each one go.
  const td0 = now();
  await Promise.all([...created.keys()].map(async (pn) => {
    deleteSent.set(pn, now());
    await w.client.delete(`/api/v1/namespaces/default/pods/${pn}`, {});
  }));
  const dd = Date.now() + 60_000;
  const gone = (): string[] => [...created.keys()].filter((n) => w.goneAt.has(n));
  while (gone().length < N_PODS && Date.now() < dd) await sleep(20);
  r.goneP50 = percentile(gone().map((n) => w.goneAt.get(n)! - deleteSent.get(n)!), 50);
  if (gone().length === N_PODS) r.goneAllMs = Math.max(...gone().map((n) => w.goneAt.get(n)!)) - td0;
  else notes.push(`${prefix}: ${gone().length}/${N_PODS} pods gone within 60 s of their delete`);
  w.onIP = undefined;
  return { r, notes };
}

/** Pods one at a time, each created once the previous one is Ready: the latency a single `kubectl run` sees, as Kubernetes' pod startup SLI measures it at a steady rate. */
async function oneByOne(w: PodWatch, nodes: number): Promise<{ r: { oneP50?: number; oneP95?: number }; notes: string[] }> {
  const notes: string[] = [], created = new Map<string, number>();
  for (let i = 0; i < N_ONE; i++) {
    const pn = `one-${i}`;
    created.set(pn, now());
    await w.client.create('/api/v1/namespaces/default/pods', podSpec(pn, i, nodes));
    const od = Date.now() + 10_000;
    while (!w.readyAt.has(pn) && Date.now() < od) await sleep(2);
    if (!w.readyAt.has(pn)) { notes.push(`${pn} not Ready within 10 s`); break; }
  }
  const lat = [...created.keys()].filter((n) => w.readyAt.has(n)).map((n) => w.readyAt.get(n)! - created.get(n)!);
  await Promise.all([...created.keys()].map((pn) => w.client.delete(`/api/v1/namespaces/default/pods/${pn}`, {}).catch(() => undefined)));
  const og = Date.now() + 30_000;
  while ([...created.keys()].some((n) => !w.goneAt.has(n)) && Date.now() < og) await sleep(20);
  return { r: { oneP50: percentile(lat, 50), oneP95: percentile(lat, 95) }, notes };
}

async function runOnce(nodes: number): Promise<Result> {
  const res: Result = { nodes, agentRss: [], agentPss: [], repeats: [], note: [] };
  const name = `bench${process.pid % 100000}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'kubesvc-bench-agent-'));
  const kc = join(dataDir, 'kubeconfig');
  const t0 = performance.now();
  // `up` as a user runs it (the bundled bin), or from the sources under tsx.
  const [upNode, ...upArgv] = cliCommand();
  const up: ChildProcess = spawn(upNode, [...(process.env.BENCH_UP_NODE_FLAGS ?? '').split(' ').filter(Boolean), ...upArgv, 'up', '--name', name, '--nodes', String(nodes), '--data-dir', dataDir, '--api-port', values['api-port']!, '--node-cidr', values['node-cidr']!, '--lb-pool', `${NODE_NET}.200-${NODE_NET}.250`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  up.stdout!.on('data', (d) => {
    out += d;
    if (res.upLineMs === undefined && /is up in/.test(out)) res.upLineMs = performance.now() - t0;
  });
  up.stderr!.on('data', (d) => (err += d));
  if (process.env.BENCH_UP_STDERR) up.stderr!.pipe(createWriteStream(`${process.env.BENCH_UP_STDERR}.${nodes}`));
  const exited = new Promise<void>((r) => up.on('exit', () => r()));
  try {
    // A first `kubectl get` answering, with the real kubectl, retried as fast as it exits.
    const firstGet = (async () => {
      while (!existsSync(kc) && up.exitCode === null) await sleep(5);
      const kubectl = kubectlRunner(kc);
      while (up.exitCode === null) {
        const r = await kubectl(['get', 'nodes'], { timeoutMs: 5000 });
        if (r.code === 0) return performance.now() - t0;
      }
      return undefined;
    })();
    // Every node Ready, polled through the API.
    while (!existsSync(kc) && up.exitCode === null) await sleep(5);
    if (up.exitCode !== null) throw new Error(`up exited: ${err}`);
    const client = new RestClient(loadKubeconfig(kc), 'bench-agent');
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && up.exitCode === null) {
      try {
        const l = await client.get<{ items: any[] }>('/api/v1/nodes');
        const ready = l.items.filter((n) => n.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'));
        if (ready.length === nodes) { res.readyMs = performance.now() - t0; break; }
      } catch { /* not serving yet */ }
      await sleep(10);
    }
    res.firstGetMs = await firstGet;
    while (res.upLineMs === undefined && up.exitCode === null) await sleep(20);
    if (res.readyMs === undefined) res.note.push('nodes never became Ready (is the agent in this build?)');

    // Idle RSS: the up process holds the control plane; agents from the state file.
    await sleep(2000);
    res.cpRss = rssMiB(up.pid!);
    res.cpPss = pssMiB(up.pid!);
    const state = JSON.parse(readFileSync(join(dataDir, 'cluster-state.json'), 'utf8')) as { agents: { pid: number }[] };
    res.agentRss = state.agents.map((a) => { try { return rssMiB(a.pid); } catch { return NaN; } });
    res.agentPss = state.agents.map((a) => { try { return pssMiB(a.pid); } catch { return NaN; } });

    if (res.readyMs !== undefined && N_PODS > 0) {
      const names = clusterNames(name);
      const agentPids = state.agents.map((a) => a.pid);
      const cluster = {
        root: up.pid!,
        roles: (): Map<number, string> => new Map<number, string>([[up.pid!, 'control plane'], ...agentPids.map((p) => [p, 'agent'] as [number, string]), ...standinHostPids(agentPids).map((p) => [p, 'stand-in host'] as [number, string])]),
      };
      const pods = new PodWatch(client);
      try {
        // Ready is measured with nothing else polling; answering in a round of its own, since
        // its prober's connection attempts take CPU from the cluster while the pods start.
        const first = await burst(pods, names, nodes, 'bench', false, cluster);
        Object.assign(res, first.r);
        res.note.push(...first.notes);
        for (let b = 1; b < BURSTS; b++) {
          const again = await burst(pods, names, nodes, `bench${b}`, false, cluster);
          res.repeats.push(again.r);
          res.note.push(...again.notes);
        }
        if (!values['sleep-pods']) {
          const answered = await burst(pods, names, nodes, 'answer', true, cluster);
          res.answer = answered.r;
          res.note.push(...answered.notes);
        }
        const one = await oneByOne(pods, nodes);
        Object.assign(res, one.r);
        res.note.push(...one.notes);
      } finally {
        pods.close();
      }
    }
    client.close();
  } finally {
    const td = performance.now();
    up.kill('SIGINT');
    await Promise.race([exited, sleep(30_000)]);
    res.downMs = performance.now() - td;
    if (up.exitCode === null) { up.kill('SIGKILL'); res.note.push('up did not stop within 30 s'); }
    rmSync(dataDir, { recursive: true, force: true });
  }
  return res;
}

const opt = (v: number | undefined, f: (x: number) => string = fmt): string => (v === undefined || Number.isNaN(v) ? 'n/a' : f(v));
const mib = (v: number): string => `${v.toFixed(1)} MiB`;

if (typeof process.getuid === 'function' && process.getuid() !== 0) {
  console.error('bench/agent needs root (network namespaces)');
  process.exit(1);
}
for (const n of NODE_COUNTS) {
  const r = await runOnce(n);
  console.log(`\n== kubesvc up --nodes ${n}`);
  console.log(`  every node Ready        ${opt(r.readyMs)}   (target < 3 s for 1 node; kind creates a cluster in ${KIND_CREATE_S.join('–')} s: ${opt(r.readyMs, (x) => `${(KIND_CREATE_S[0] * 1000 / x).toFixed(1)}–${(KIND_CREATE_S[1] * 1000 / x).toFixed(1)}× faster`)})`);
  console.log(`  first kubectl get       ${opt(r.firstGetMs)}`);
  console.log(`  up's ready line         ${opt(r.upLineMs)}   (includes waiting for cluster DNS pods)`);
  console.log(`  ${N_PODS} pods create→Ready   p50 ${opt(r.podP50)}  p95 ${opt(r.podP95)}  all ${opt(r.podAllMs)}   (target p50 < 300 ms${values['readiness-probe'] ? '; tcpSocket readiness probe' : '; no readiness probe: Ready = process started'})`);
  if (N_ONE > 0) console.log(`  one at a time (${N_ONE})    create→Ready p50 ${opt(r.oneP50)}  p95 ${opt(r.oneP95)}   (each created once the previous one is Ready)`);
  console.log(`  from create acknowledged p50 ${opt(r.podAckP50)}  p95 ${opt(r.podAckP95)}   (the API server answered all ${N_PODS} creates within ${opt(r.createAllMs)})`);
  for (const [i, b] of r.repeats.entries()) console.log(`  burst ${i + 2} (same cluster)  create→Ready p50 ${opt(b.podP50)}  p95 ${opt(b.podP95)}  all ${opt(b.podAllMs)}`);
  const a = r.answer;
  if (a) console.log(`  create→answering :8080  p50 ${opt(a.answerP50)}  p95 ${opt(a.answerP95)}  all ${opt(a.answerAllMs)}   (a round of its own: GET /hostname from node-1's netns, polled every 50 ms)`);
  console.log(`  ${N_PODS} pods delete→gone    p50 ${opt(r.goneP50)}  all ${opt(r.goneAllMs)}   (default grace period; until the watch sees DELETED)`);
  const sum = (xs: number[] = []): number => xs.reduce((x, y) => x + y, 0);
  const each = (u: Usage): string => `RSS ${mib(sum(u.rss) / u.rss.length)} each, PSS ${mib(sum(u.pss) / u.pss.length)} each (${mib(sum(u.pss))} in all), CPU ${fmt(sum(u.cpuMs) / u.cpuMs.length)} each so far`;
  if (r.podProcs?.rss.length) console.log(`  pod processes           ${r.podProcs.rss.length} (${values['sleep-pods'] ? 'sleep' : 'stand-in holders'}), ${each(r.podProcs)}`);
  if (r.hosts?.rss.length) console.log(`  stand-in hosts          ${r.hosts.rss.length} (one per node, serving every stand-in pod), ${each(r.hosts)}`);
  const cpuRows = (what: string, c: CpuRows | undefined): void => {
    if (!c) return;
    console.log(`  CPU from the creates until all were ${what}: ${fmt(c.busyMs)} busy on the machine in ${fmt(c.wallMs)}; per ${N_PODS} pods, by process:`);
    for (const row of c.rows.filter((x) => x.ms >= 10)) console.log(`    ${fmt(row.ms).padStart(10)}  ${fmt(row.ms / N_PODS).padStart(8)}/pod  ${row.label}`);
  };
  cpuRows('Ready', r.cpu);
  for (const [i, b] of r.repeats.entries()) cpuRows(`Ready (burst ${i + 2})`, b.cpu);
  cpuRows('answering (with the prober)', a?.cpu);
  console.log(`  idle PSS control plane  ${opt(r.cpPss, mib)}, agents ${r.agentPss.map(mib).join(', ')}   (RSS counts the node binary's shared pages in full in every process; PSS splits them)`);
  console.log(`  idle RSS control plane  ${opt(r.cpRss, mib)}   (k3s server ≈ ${K3S_SERVER_MIB.toFixed(0)} MiB: ${opt(r.cpRss, (x) => `${(K3S_SERVER_MIB / x).toFixed(1)}× less`)})`);
  console.log(`  idle RSS agents         ${r.agentRss.length ? r.agentRss.map(mib).join(', ') : 'n/a'}`);
  console.log(`  teardown (SIGINT→exit)  ${opt(r.downMs)}`);
  for (const note of r.note) console.log(`  note: ${note}`);
}
