// A real `kubesvc up` for end-to-end test files (root): one cluster per file, started
// as a child process (bin/kubesvc.js, which loads dist/) with a random name and its
// own address ranges and API port so parallel files never collide; helpers to run
// kubectl, the external client (`kubesvc client`) and host commands; and stop(),
// which sends SIGINT and then checks that nothing of the cluster is left on the
// host (netns, links, routes, /etc/netns, nft tables, state files, processes).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KUBECTL, kubectlRunner, type KubectlResult } from './kubectl.js';
import { clusterNames, type ClusterNames } from '../../src/cluster/names.js';
import { indexFile, isZombie, procCmdline, procStartTime } from '../../src/cluster/state.js';
import { findProgram } from '../../src/cluster/ip.js';
import { claimTestNet } from './net-claim.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const fromTs = import.meta.url.endsWith('.ts');
/** The repository root, from test/support (tsx) or dist/test/support (compiled). */
export const REPO = join(here, '..', '..', ...(fromTs ? [] : ['..']));
const BIN = join(REPO, 'bin', 'kubesvc.js');

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
/** A describe()-level skip reason when this machine cannot run a real cluster. */
export const clusterSkip: string | false = !isRoot ? 'needs root'
  : !findProgram('ip') || !findProgram('nft') ? 'needs iproute2 and nftables'
  : !existsSync(join(REPO, 'dist', 'src', 'cli', 'main.js')) ? 'needs a build (npx tsc -p tsconfig.json)'
  : false;

export const rand = (n: number): number => Math.floor(Math.random() * n);
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface RunResult extends KubectlResult {
  /** Wall time in ms. */
  ms: number;
}

/** Runs a program to completion (SIGKILL after timeoutMs); never rejects. */
export function run(argv: string[], opts: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', (e) => { clearTimeout(timer); resolve({ code: 127, stdout, stderr: stderr + e.message, ms: Date.now() - t0 }); });
    child.on('close', (code, sig) => { clearTimeout(timer); resolve({ code: code ?? (sig ? 128 + 9 : -1), stdout, stderr, ms: Date.now() - t0 }); });
    child.stdin.on('error', () => { /* not read */ });
    child.stdin.end(opts.input ?? '');
  });
}

/** Polls fn every intervalMs until it returns a value other than undefined/false; throws with the last note on timeout. */
export async function waitUntil<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v as T;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await sleep(intervalMs);
  }
}

export interface ClusterOptions {
  nodes?: number;
  /** Name prefix (a letter), the rest is 5 random digits. */
  prefix?: string;
  /** How many LB addresses, from .200 of the node CIDR. */
  lbPoolSize?: number;
  /** How long `up` may take. */
  upTimeoutMs?: number;
}

type Kubectl = ReturnType<typeof kubectlRunner>;

export interface TestCluster {
  name: string;
  names: ClusterNames;
  dataDir: string;
  /** "172.30.X": the node network is NET.0/24, the bridge NET.1, nodes NET.11.., the client NET.254. */
  net: string;
  nodeCIDR: string;
  clusterCIDR: string;
  serviceCIDR: string;
  lbPool: string[];
  apiPort: number;
  nodeIPs: string[];
  bridgeIP: string;
  clientIP: string;
  kubeconfig: string;
  kubectl: Kubectl;
  child: ChildProcess;
  output(): { stdout: string; stderr: string };
  /** kubectl, failing (throwing) on a non-zero exit. */
  k(args: string[], opts?: { input?: string; timeoutMs?: number }): Promise<string>;
  /** kubectl apply -f - of objects (JSON). */
  apply(...objs: unknown[]): Promise<string>;
  /** `kubectl exec POD -- argv`, not throwing. */
  exec(pod: string, argv: string[], opts?: { timeoutMs?: number; namespace?: string }): Promise<RunResult>;
  /** `kubectl exec POD -- sh -c script`, not throwing. */
  sh(pod: string, script: string, opts?: { timeoutMs?: number; namespace?: string }): Promise<RunResult>;
  /** `kubectl exec POD -- sh -c script` with its stdout streamed to onLine, line by line. */
  shStream(pod: string, script: string, onLine: (line: string) => void, opts?: { timeoutMs?: number }): Promise<RunResult>;
  /** `kubectl exec POD -- argv` with its stdout streamed to onLine, line by line. */
  execStream(pod: string, argv: string[], onLine: (line: string) => void, opts?: { timeoutMs?: number }): Promise<RunResult>;
  /** The agent process of a node ("node-1"), from the cluster's state file. */
  agentPid(node: string): number;
  /** up's log (every agent's output, prefixed with its node name). */
  upLog(): string;
  /** The tails of up's log and stderr: what up said on its way out, for an assertion's message. */
  exitReport(): string;
  /** `kubesvc client --name N --data-dir D -- argv`: the external client namespace. */
  client(argv: string[], opts?: { timeoutMs?: number }): Promise<RunResult>;
  /** A command on the host (only ever aimed at node/LB addresses on the cluster bridge). */
  host(argv: string[], opts?: { timeoutMs?: number }): Promise<RunResult>;
  /** The node netns's name of node i (1-based). */
  nodeNs(i: number): string;
  /** SIGINT, wait for exit; resolves with the exit code. Idempotent. */
  interrupt(timeoutMs?: number): Promise<number | null>;
  /** Snapshot of the cluster's namespaces and the processes in them, taken while it runs (for leftovers()). */
  snapshot(): Promise<{ netns: number; processes: number }>;
  /** Everything of this cluster still on the host. */
  leftovers(): Promise<string[]>;
  /** For after(): SIGINT, then SIGKILL of the child's process group and `down --name`; removes the data dir. Never throws. */
  destroy(): Promise<string[]>;
}

interface ProcId { pid: number; start: string; cmd: string }

/** A process's start time, or undefined once it has exited (a zombie waiting for its reaper included). */
const procStart = (pid: number): string | undefined => (isZombie(pid) ? undefined : procStartTime(pid));
const procCmd = (pid: number): string => procCmdline(pid) ?? '';
const allPids = (): number[] => readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);

/** Starts a cluster; retries with fresh random ranges when another cluster holds the ones picked. */
export async function startTestCluster(o: ClusterOptions = {}): Promise<TestCluster> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(o);
    } catch (e) {
      if (attempt >= 3 || !/pick another|--api-port|already running/.test((e as Error).message)) throw e;
    }
  }
}

async function startOnce(o: ClusterOptions): Promise<TestCluster> {
  const nodes = o.nodes ?? 2;
  const name = `${o.prefix ?? 'e'}${String(10000 + rand(90000))}`;
  const names = clusterNames(name);
  const third = claimTestNet();
  const net = `172.30.${third}`;
  const poolSize = o.lbPoolSize ?? 51;
  const lbPool = Array.from({ length: poolSize }, (_, i) => `${net}.${200 + i}`);
  const clusterCIDR = `10.${160 + rand(40)}.0.0/16`;
  const serviceCIDR = `10.${100 + rand(50)}.0.0/16`;
  const apiPort = 20000 + rand(10000);
  const dataDir = mkdtempSync(join(tmpdir(), `kubesvc-${name}-`));
  const args = [
    BIN, 'up', '--nodes', String(nodes), '--name', name, '--data-dir', dataDir,
    '--node-cidr', `${net}.0/24`, '--lb-pool', `${lbPool[0]}-${lbPool[lbPool.length - 1]}`,
    '--cluster-cidr', clusterCIDR, '--service-cidr', serviceCIDR, '--api-port', String(apiPort),
  ];
  const child = spawn(process.execPath, args, { cwd: REPO, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const gone = (): boolean => child.exitCode !== null || child.signalCode !== null;

  let kubectl: Kubectl | undefined;
  const snap = { netnsInodes: new Map<string, number>(), procs: [] as ProcId[] };

  const kubeconfig = join(dataDir, 'kubeconfig');
  const c: TestCluster = {
    name, names, dataDir, net, nodeCIDR: `${net}.0/24`, clusterCIDR, serviceCIDR, lbPool, apiPort,
    nodeIPs: Array.from({ length: nodes }, (_, i) => `${net}.${11 + i}`), bridgeIP: `${net}.1`, clientIP: `${net}.254`,
    kubeconfig,
    get kubectl() { return kubectl ??= kubectlRunner(kubeconfig); },
    child,
    output: () => ({ stdout, stderr }),
    async k(a, opts) {
      const r = await c.kubectl(a, opts);
      if (r.code !== 0) throw new Error(`kubectl ${a.join(' ')} exited ${r.code}: ${r.stderr.trim()} ${r.stdout.trim()}`);
      return r.stdout;
    },
    apply: (...objs) => c.k(['apply', '-f', '-'], { input: objs.map((x) => JSON.stringify(x)).join('\n') }),
    async exec(pod, argv, opts = {}) {
      const t0 = Date.now();
      const r = await c.kubectl(['exec', ...(opts.namespace ? ['-n', opts.namespace] : []), pod, '--', ...argv], { timeoutMs: opts.timeoutMs ?? 30_000 });
      return { ...r, ms: Date.now() - t0 };
    },
    sh: (pod, script, opts) => c.exec(pod, ['sh', '-c', script], opts),
    shStream: (pod, script, onLine, opts) => c.execStream(pod, ['sh', '-c', script], onLine, opts),
    execStream(pod, argv, onLine, opts = {}) {
      const t0 = Date.now();
      return new Promise((resolve) => {
        const ch = spawn(KUBECTL, [`--kubeconfig=${kubeconfig}`, 'exec', pod, '--', ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '', err = '', buf = '';
        ch.stdout.on('data', (d: Buffer) => {
          out += d;
          buf += d;
          let i: number;
          while ((i = buf.indexOf('\n')) >= 0) { onLine(buf.slice(0, i)); buf = buf.slice(i + 1); }
        });
        ch.stderr.on('data', (d) => (err += d));
        const timer = setTimeout(() => ch.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
        ch.on('error', (e) => { clearTimeout(timer); resolve({ code: 127, stdout: out, stderr: err + e.message, ms: Date.now() - t0 }); });
        ch.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? -1, stdout: out, stderr: err, ms: Date.now() - t0 }); });
      });
    },
    agentPid(node) {
      const state = JSON.parse(readFileSync(join(dataDir, 'cluster-state.json'), 'utf8')) as { agents: { pid: number; cmdline: string }[] };
      const a = state.agents.find((x) => x.cmdline.includes(`--node-name ${node} `));
      if (!a) throw new Error(`no agent process recorded for ${node}: ${JSON.stringify(state.agents)}`);
      return a.pid;
    },
    upLog: () => { try { return readFileSync(join(dataDir, 'up.log'), 'utf8'); } catch { return ''; } },
    exitReport: () => `up.log:\n${c.upLog().slice(-4000)}\nstderr:\n${stderr.slice(-2000)}`,
    client: (argv, opts = {}) => run([process.execPath, BIN, 'client', '--name', name, '--data-dir', dataDir, '--', ...argv], { timeoutMs: opts.timeoutMs ?? 30_000 }),
    host: (argv, opts = {}) => run(argv, { timeoutMs: opts.timeoutMs ?? 30_000 }),
    nodeNs: (i) => names.nodeNs(i),
    async interrupt(timeoutMs = 60_000) {
      if (!gone()) process.kill(child.pid!, 'SIGINT');
      let timer: NodeJS.Timeout | undefined;
      const t = await Promise.race([exited, new Promise<'timeout'>((r) => { timer = setTimeout(() => r('timeout'), timeoutMs); })]);
      clearTimeout(timer);
      if (t === 'timeout') throw new Error(`up did not exit ${timeoutMs} ms after SIGINT:\n${stderr.slice(-2000)}`);
      return t;
    },
    async snapshot() {
      const ns = (await run(['ip', '-j', 'netns', 'list'])).stdout;
      const list = (JSON.parse(ns.trim() || '[]') as { name: string }[]).map((x) => x.name).filter((n) => names.ownsNetns(n));
      for (const n of list) {
        try { snap.netnsInodes.set(n, statSync(`/run/netns/${n}`).ino); } catch { /* raced */ }
        const pids = (await run(['ip', 'netns', 'pids', n])).stdout.split(/\s+/).filter(Boolean).map(Number);
        for (const pid of pids) {
          const start = procStart(pid);
          if (start) snap.procs.push({ pid, start, cmd: procCmd(pid) });
        }
      }
      return { netns: snap.netnsInodes.size, processes: snap.procs.length };
    },
    async leftovers() {
      const out: string[] = [];
      const netns = (JSON.parse((await run(['ip', '-j', 'netns', 'list'])).stdout.trim() || '[]') as { name: string }[]).map((x) => x.name);
      for (const n of netns) if (names.ownsNetns(n)) out.push(`netns ${n}`);
      const links = JSON.parse((await run(['ip', '-j', 'link', 'show'])).stdout.trim() || '[]') as { ifname: string }[];
      for (const l of links) if (names.ownsLink(l.ifname)) out.push(`link ${l.ifname}`);
      const routes = JSON.parse((await run(['ip', '-j', 'route', 'show'])).stdout.trim() || '[]') as { dst: string; dev?: string; gateway?: string }[];
      for (const r of routes) {
        if ((r.dev && names.ownsLink(r.dev)) || r.dst.startsWith(`${net}.`) || r.gateway?.startsWith(`${net}.`)) {
          out.push(`route ${r.dst}${r.gateway ? ` via ${r.gateway}` : ''}${r.dev ? ` dev ${r.dev}` : ''}`);
        }
      }
      const addrs = JSON.parse((await run(['ip', '-j', '-4', 'addr', 'show'])).stdout.trim() || '[]') as { ifname: string; addr_info?: { local: string }[] }[];
      for (const a of addrs) for (const ai of a.addr_info ?? []) if (ai.local.startsWith(`${net}.`)) out.push(`address ${ai.local} on ${a.ifname}`);
      try { for (const d of readdirSync('/etc/netns')) if (names.ownsNetns(d)) out.push(`/etc/netns/${d}`); } catch { /* none */ }
      const nft = await run(['nft', '-j', 'list', 'tables']);
      if (nft.code === 0) {
        const tables = (JSON.parse(nft.stdout || '{}') as { nftables?: { table?: { family: string; name: string } }[] }).nftables ?? [];
        for (const t of tables.map((x) => x.table).filter((x): x is { family: string; name: string } => !!x)) {
          if (t.name.includes(names.linkBase) || t.name.includes(name)) out.push(`nft table ${t.family} ${t.name}`);
        }
      }
      if (existsSync(indexFile(name))) out.push(indexFile(name));
      if (existsSync(join(dataDir, 'cluster-state.json'))) out.push('state file');
      const inodes = new Set(snap.netnsInodes.values());
      for (const pid of allPids()) {
        if (pid === process.pid) continue;
        const cmd = procCmd(pid);
        if (cmd.includes(dataDir) || cmd.includes(names.netnsPrefix)) { out.push(`process ${pid}: ${cmd.slice(0, 160)}`); continue; }
        try {
          const m = /net:\[(\d+)\]/.exec(readlinkSync(`/proc/${pid}/ns/net`));
          if (m && inodes.has(Number(m[1]))) out.push(`process ${pid} in a cluster netns: ${cmd.slice(0, 160)}`);
        } catch { /* gone or kernel thread */ }
      }
      for (const p of snap.procs) {
        if (procStart(p.pid) === p.start && !out.some((l) => l.startsWith(`process ${p.pid}`))) out.push(`process ${p.pid} (seen in the cluster): ${p.cmd.slice(0, 160)}`);
      }
      return out;
    },
    async destroy() {
      const notes: string[] = [];
      if (!gone()) {
        try { await c.interrupt(45_000); } catch (e) { notes.push((e as Error).message); }
      }
      if (!gone()) {
        // Our own child's process group (detached: true made it the leader).
        try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([exited, new Promise<void>((r) => { timer = setTimeout(r, 5000); })]);
        clearTimeout(timer);
      }
      const down = await run([process.execPath, BIN, 'down', '--name', name, '--data-dir', dataDir], { timeoutMs: 60_000 });
      if (down.code !== 0) notes.push(`down exited ${down.code}: ${down.stderr}`);
      rmSync(dataDir, { recursive: true, force: true });
      return notes;
    },
  };

  const deadline = Date.now() + (o.upTimeoutMs ?? 120_000);
  while (!/is up in/.test(stdout)) {
    if (gone()) {
      await c.destroy();
      throw new Error(`up exited (${child.exitCode ?? child.signalCode}):\n${stdout}\n${stderr}`);
    }
    if (Date.now() > deadline) {
      await c.destroy();
      throw new Error(`up not ready after ${o.upTimeoutMs ?? 120_000} ms:\n${stdout}\n${stderr}`);
    }
    await sleep(100);
  }
  return c;
}

// ---- Small object builders (JSON for kubectl apply). ----

export const deployment = (name: string, replicas: number, podSpec: Record<string, unknown>, labels: Record<string, string> = { app: name }): unknown => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, labels },
  spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec } },
});

/** The stand-in image: no command, answers `pod=<name> client=<ip>:<port>` on each containerPort. */
export const standinSpec = (port = 8080, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  terminationGracePeriodSeconds: 2,
  containers: [{ name: 'app', image: 'my-app', ports: [{ containerPort: port, name: 'http' }], ...extra }],
});

export const service = (name: string, spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): unknown => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name, ...metadata }, spec,
});

/** A client pod: commands come from the host filesystem, so sh/curl/dig/getent exist. */
export const clientPod = (name: string, command: string[] = ['sleep', '3600'], extra: Record<string, unknown> = {}): unknown => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { role: 'client' } },
  spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'busybox', command }], ...extra },
});

export interface PodInfo { name: string; ip: string; node: string; ready: boolean; deleting: boolean; restarts: number; phase: string; raw: any }

/** An after() hook's teardown: destroys the cluster if one started, and reports what cleanup could not do. */
export async function destroyCluster(c: TestCluster | undefined): Promise<void> {
  if (!c) return;
  const notes = await c.destroy();
  if (notes.length) console.error(`cleanup of ${c.name}: ${notes.join('; ')}`);
}

export async function pods(c: TestCluster, selector: string, namespace = 'default'): Promise<PodInfo[]> {
  const out = JSON.parse(await c.k(['get', 'pods', '-n', namespace, '-l', selector, '-o', 'json'])) as { items: any[] };
  return out.items.map((p) => ({
    name: p.metadata.name, ip: p.status?.podIP ?? '', node: p.spec?.nodeName ?? '', phase: p.status?.phase ?? '',
    ready: !!p.status?.conditions?.some((x: any) => x.type === 'Ready' && x.status === 'True'),
    deleting: !!p.metadata.deletionTimestamp,
    restarts: p.status?.containerStatuses?.[0]?.restartCount ?? 0,
    raw: p,
  }));
}

/** Waits until `n` pods of the selector are Ready and none is terminating. */
export const readyPods = (c: TestCluster, selector: string, n: number, timeoutMs = 60_000, namespace = 'default'): Promise<PodInfo[]> =>
  waitUntil(`${n} Ready pods for ${selector}`, async () => {
    const ps = await pods(c, selector, namespace);
    const live = ps.filter((p) => !p.deleting);
    return live.length === n && live.every((p) => p.ready && p.ip) ? live.sort((a, b) => a.name.localeCompare(b.name)) : undefined;
  }, timeoutMs, 150);

/** `pod=<name> client=<ip>:<port>` → {pod, clientIP}. */
export function parseReply(s: string): { pod: string; clientIP: string } | undefined {
  const m = /pod=(\S+) client=([0-9.]+):\d+/.exec(s);
  return m ? { pod: m[1], clientIP: m[2] } : undefined;
}

/** Every reply line of a batch of requests. */
export const replies = (s: string): { pod: string; clientIP: string }[] =>
  s.split('\n').map(parseReply).filter((x): x is { pod: string; clientIP: string } => !!x);
