// bench/proxy-data: the proxy's data plane. One node netns (bridge cbr0, the
// kubesvc table written by the real ProxyCore → Syncer → ExecNft path for one
// ClusterIP service with one endpoint), a server pod netns (node:http answering
// a short body), a client pod netns running wrk. In the same run, alternating:
// wrk through the ClusterIP vs directly to the pod IP, in keep-alive mode and in
// new-connection mode (`Connection: close`). Reports medians and the ratio
// ClusterIP/direct per mode, the spread of the per-pair ratios, and their
// geometric mean with its 95 % confidence interval (support/paired-ratio.ts): on a
// noisy machine the interval says whether the run resolves a 3 % target at all.
//
// --placement other-node puts the server pod on a second node (its own bridge and
// pod subnet, the two nodes joined by a veth as the node network, host-gw routes,
// the same proxy rules in both): both paths are then routed on the client's node,
// as for any endpoint elsewhere in a cluster, where on one node the direct path is
// bridged and only the DNATed one takes br_netfilter's route lookup per packet.
//
// --dnat-floor adds a third target: the kernel's DNAT with nothing of kubesvc's in
// its way, one `dnat to` rule in a table of its own on the client's node, for an
// address outside the service CIDR (kubesvc's hooks still see that flow, as they
// see the direct one). ClusterIP / floor is then what kubesvc's rules cost over
// the bare kernel NAT, and floor / direct what the kernel's NAT itself costs.
//
// Fairness: every target gets one discarded warm-up run first; round i runs the
// targets in the i-th of their orders (all of them in turn: 2 for two targets, 6
// for three), so with a multiple of that many rounds each goes first equally often.
//
// State reset before every run (so no run inherits another's conntrack or
// TIME_WAIT): `conntrack -F` in the node netns (the bridge calls netfilter, so
// both paths are tracked there), then a settle pause. Per-netns sysctls, set
// only in the namespaces this bench creates, and why:
//   client: ip_local_port_range 1024–65535 and tcp_tw_reuse=1, so new-connection
//           runs never stall on ephemeral ports (wrk closes too, leaving TIME_WAIT here);
//   server: tcp_max_tw_buckets=0. With `Connection: close` the server closes first and
//           keeps TIME_WAIT for 60 s (not tunable); a client reusing that port (it must,
//           at thousands of connections/s) then has its SYN ignored and retransmits
//           after 1 s, on either path, which made runs noisy and order-dependent. Without
//           server TIME_WAIT both paths see clean port reuse; the node's conntrack still
//           tracks every flow through TIME_WAIT (120 s), and that stays in the measurement.
//   node:   what the agent applies to a node: nodeSysctls (ip_forward, send_redirects
//           off and no neighbour probe delay on the bridge) and the proxy's conntrack
//           settings (conntrackSysctls).
//
// Run: npm run build && node dist/bench/proxy-data.js [--pairs 6] [--seconds 5] [--connections 32] [--settle 2] [--placement same-node|other-node] [--modes keep-alive,new-connection] [--pin | --one-cpu] [--dnat-floor] [--diag]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ExecNft } from '../src/nft/exec.js';
import { ProxyCore } from '../src/proxy/core.js';
import { conntrackSysctls } from '../src/proxy/conntrack-sysctl.js';
import { nodeSysctls } from '../src/agent/net/node-sysctls.js';
import { inNs, removeBridgeNode, sh, wireBridgeNode } from '../test/support/bridge-node.js';
import { pairedRatio } from './support/paired-ratio.js';
import type { KubeObject } from '../src/api/object.js';

const { values } = parseArgs({ options: {
  pairs: { type: 'string', default: '6' }, seconds: { type: 'string', default: '5' }, connections: { type: 'string', default: '32' },
  settle: { type: 'string', default: '2' }, server: { type: 'string', default: 'node' }, diag: { type: 'boolean', default: false }, pin: { type: 'boolean', default: false },
  'one-cpu': { type: 'boolean', default: false }, 'dnat-floor': { type: 'boolean', default: false },
  placement: { type: 'string', default: 'same-node' }, modes: { type: 'string', default: 'keep-alive,new-connection' },
} });
if (!['same-node', 'other-node'].includes(values.placement!)) throw new Error('--placement must be same-node or other-node');
const MODES = { 'keep-alive': false, 'new-connection': true } as const;
const modes = values.modes!.split(',').map((m) => {
  if (!(m in MODES)) throw new Error(`--modes takes keep-alive and/or new-connection, not ${m}`);
  return m as keyof typeof MODES;
});
const OTHER = values.placement === 'other-node';
const PAIRS = Number(values.pairs), SECONDS = Number(values.seconds), CONNS = Number(values.connections), SETTLE = Number(values.settle);
const id = randomBytes(3).toString('hex');
const X = (parseInt(id.slice(0, 2), 16) % 200) + 20;
const NET = `10.78.${X}`, NET2 = OTHER ? `10.79.${X}` : NET, LINK = `10.77.${X}`;
const NS = { node: `ksvc-b${id}-node`, srv: `ksvc-b${id}-srv`, cli: `ksvc-b${id}-cli`, ...(OTHER ? { node2: `ksvc-b${id}-node2` } : {}) };
const IP = { node: `${NET}.1`, node2: `${NET2}.1`, srv: `${NET2}.10`, cli: `${NET}.20` };
const NODES = [NS.node, ...(NS.node2 ? [NS.node2] : [])];
const CIP = '10.96.78.10';
const FLOOR_IP = '10.200.78.10'; // outside 10.96.0.0/12, so kubesvc's rules treat it as any non-service address
const FLOOR_TABLE = `ksvc-b${id}-floor`;
const PORT = 8080;
const procs: ChildProcess[] = [];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

function setup(): void {
  if (!NS.node2) {
    wireBridgeNode(Object.values(NS), { ns: NS.node, ip: IP.node }, (['srv', 'cli'] as const).map((p) => ({ key: p, ns: NS[p], ip: IP[p] })));
  } else {
    wireBridgeNode([NS.node, NS.cli], { ns: NS.node, ip: IP.node }, [{ key: 'cli', ns: NS.cli, ip: IP.cli }]);
    wireBridgeNode([NS.node2, NS.srv], { ns: NS.node2, ip: IP.node2 }, [{ key: 'srv', ns: NS.srv, ip: IP.srv }]);
    // The node network: one link between the two nodes, and each node's pod subnet routed via the other.
    sh('ip', '-n', NS.node, 'link', 'add', 'eth1', 'type', 'veth', 'peer', 'name', 'eth1', 'netns', NS.node2);
    for (const [ns, me, peer, podNet] of [[NS.node, 1, 2, NET2], [NS.node2, 2, 1, NET]] as const) {
      sh('ip', '-n', ns, 'addr', 'add', `${LINK}.${me}/24`, 'dev', 'eth1');
      sh('ip', '-n', ns, 'link', 'set', 'eth1', 'up');
      sh('ip', '-n', ns, 'route', 'add', `${podNet}.0/24`, 'via', `${LINK}.${peer}`);
    }
  }
  for (const n of NODES) for (const [k, v] of Object.entries({ ...nodeSysctls('cbr0'), ...conntrackSysctls() })) inNs(n, 'sysctl', '-qw', `${k}=${v}`);
  inNs(NS.cli, 'sysctl', '-qw', 'net.ipv4.ip_local_port_range=1024 65535');
  inNs(NS.cli, 'sysctl', '-qw', 'net.ipv4.tcp_tw_reuse=1');
  inNs(NS.srv, 'sysctl', '-qw', 'net.ipv4.tcp_max_tw_buckets=0');
}

/**
 * With --pin, wrk and the server each own a CPU (the kernel's per-packet work runs in the sender's context, on its CPU):
 * a run then reads the busier CPU's share of the work, and when each side wakes the other across CPUs.
 * With --one-cpu both share CPU 1, so a run reads all the work of a request (client, server and every
 * hook between), with no cross-CPU wake-ups whose timing varies from run to run (0.2–0.6 wake-up IPIs per
 * request on CPU 0 in pinned runs); on this VM that narrowed the 95 % interval of 60 pairs by about a third.
 */
const pin = (cpu: number): string[] => (values['one-cpu'] ? ['taskset', '-c', '1'] : values.pin ? ['taskset', '-c', String(cpu)] : []);

function cleanup(): void {
  removeBridgeNode(Object.values(NS), procs); // the floor table goes with the node namespace
}

async function startServer(): Promise<void> {
  const code = `const s=require('http').createServer((q,r)=>{r.setHeader('Content-Type','text/plain');r.end('hello from pod\\n')});s.keepAliveTimeout=60000;s.listen(${PORT},'${IP.srv}',()=>console.log('up'))`;
  const child = spawn('ip', ['netns', 'exec', NS.srv, ...pin(1), process.execPath, '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  procs.push(child);
  await new Promise<void>((resolve, reject) => { child.stdout!.once('data', () => resolve()); child.once('exit', () => reject(new Error('server exited'))); });
}

/** The proxy's rules in every node, as each node's agent would write them. */
async function program(): Promise<void> {
  for (const [i, ns] of NODES.entries()) {
    const nft = new ExecNft({ table: 'kubesvc', netns: ns });
    const core = new ProxyCore(nft, { node: { name: `node-${i + 1}`, ips: [i ? IP.node2 : IP.node] }, clusterCIDR: OTHER ? '10.78.0.0/15' : `${NET}.0/24`, serviceCIDR: '10.96.0.0/12' });
    core.onService(undefined, { metadata: { namespace: 'bench', name: 'web' }, spec: { type: 'ClusterIP', clusterIP: CIP, ports: [{ name: 'http', port: 80, protocol: 'TCP' }] } } as KubeObject);
    core.onSlice({
      metadata: { namespace: 'bench', name: 'web-1', labels: { 'kubernetes.io/service-name': 'web' } }, addressType: 'IPv4',
      ports: [{ name: 'http', port: PORT, protocol: 'TCP' }], endpoints: [{ addresses: [IP.srv], conditions: { ready: true }, nodeName: OTHER ? 'node-2' : 'node-1' }],
    } as KubeObject, false);
    await core.sync();
    await nft.close();
  }
  if (values['dnat-floor']) {
    // A postrouting nat chain too, so the table would un-NAT replies on its own (kubesvc's registers that hook anyway).
    const rules = `table ip ${FLOOR_TABLE} {
  chain pre { type nat hook prerouting priority dstnat; ip daddr ${FLOOR_IP} tcp dport 80 dnat to ${IP.srv}:${PORT}; }
  chain post { type nat hook postrouting priority srcnat; }
}`;
    const r = spawnSync('ip', ['netns', 'exec', NS.node, 'nft', '-f', '-'], { input: rules, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`nft: ${r.stderr}`);
  }
}

/** Every order of xs (round i of the bench runs its targets in orders[i % orders.length]). */
function orders<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => orders([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

interface Run { rps: number; errors: number }
type Target = 'clusterIP' | 'direct' | 'floor';

/** Median ratio, the per-round ratios' median and range, and their geometric mean with its 95 % interval. */
function ratioLine(a: Run[], b: Run[]): string {
  const ratios = a.map((r, i) => r.rps / b[i].rps).sort((x, y) => x - y);
  const pr = pairedRatio(a.map((r) => r.rps), b.map((r) => r.rps));
  return `ratio ${(median(a.map((r) => r.rps)) / median(b.map((r) => r.rps))).toFixed(3)}; per-pair ratios median ${median(ratios).toFixed(3)} (${ratios[0].toFixed(3)}–${ratios.at(-1)!.toFixed(3)})` +
    `, geometric mean ${pr.geoMean.toFixed(3)} (95 % CI ${pr.low.toFixed(3)}–${pr.high.toFixed(3)})`;
}

function wrk(url: string, close: boolean): Run {
  const args = ['netns', 'exec', NS.cli, ...pin(0), 'wrk', '-t1', `-c${CONNS}`, `-d${SECONDS}s`, ...(close ? ['-H', 'Connection: close'] : []), url];
  const r = spawnSync('ip', args, { encoding: 'utf8', timeout: (SECONDS + 30) * 1000 });
  const m = /Requests\/sec:\s+([\d.]+)/.exec(r.stdout ?? '');
  if (!m) throw new Error(`wrk failed: ${r.stdout}${r.stderr}`);
  const err = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(r.stdout);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(r.stdout);
  const errors = (err ? err.slice(1).reduce((a, x) => a + Number(x), 0) : 0) + (non2xx ? Number(non2xx[1]) : 0);
  return { rps: Number(m[1]), errors };
}

/** --diag: what a run left behind (conntrack entries, TIME_WAIT sockets) and the TCP counters that explain a slow run. */
function diag(label: string): void {
  if (!values.diag) return;
  const count = (ns: string, ...argv: string[]): string => spawnSync('ip', ['netns', 'exec', ns, ...argv], { encoding: 'utf8' }).stdout.trim();
  const ct = count(NS.node, 'conntrack', '-C');
  const tw = (ns: string): number => count(ns, 'ss', '-tanH', 'state', 'time-wait').split('\n').filter(Boolean).length;
  const nstat = (ns: string): string => count(ns, 'nstat', '-az', 'TcpExtListenOverflows', 'TcpExtListenDrops', 'TcpExtTCPTimeWaitOverflow', 'TcpRetransSegs', 'TcpExtTCPSynRetrans', 'TcpExtTW', 'TcpExtTWRecycled')
    .split('\n').filter((l) => /^Tcp/.test(l)).map((l) => l.split(/\s+/).slice(0, 2).join('=')).join(' ');
  console.log(`  [${label}] conntrack ${ct}; TIME_WAIT srv ${tw(NS.srv)} cli ${tw(NS.cli)}; srv ${nstat(NS.srv)}; cli ${nstat(NS.cli)}`);
}

async function reset(): Promise<void> {
  for (const n of NODES) spawnSync('ip', ['netns', 'exec', n, 'conntrack', '-F'], { stdio: 'ignore' });
  await sleep(SETTLE * 1000);
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0 || spawnSync('nft', ['--version']).status !== 0 || spawnSync('wrk', ['-v']).error) throw new Error('needs root, nft and wrk');
  if (values.server !== 'node') throw new Error('only --server node is built in');
  const onSignal = (): void => { cleanup(); process.exit(130); };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    setup();
    await startServer();
    await program();
    const targets: Partial<Record<Target, string>> = { clusterIP: `http://${CIP}/`, direct: `http://${IP.srv}:${PORT}/`, ...(values['dnat-floor'] ? { floor: `http://${FLOOR_IP}/` } : {}) };
    const names = Object.keys(targets) as Target[];
    for (const t of names) {
      const probe = inNs(NS.cli, 'curl', '-s', '--max-time', '3', targets[t]!);
      if (!probe.includes('hello')) throw new Error(`${t} probe failed: ${probe}`);
    }
    const rounds = orders(names);
    const cpus = values['one-cpu'] ? 'wrk and server on CPU 1' : values.pin ? 'wrk on CPU 0, server on CPU 1' : 'unpinned';
    console.log(`data plane (${values.placement}, ${cpus}): wrk -t1 -c${CONNS}, ${PAIRS} alternating rounds of ${names.join(', ')} × ${SECONDS}s per mode, conntrack flushed + ${SETTLE}s settle before each run`);
    for (const mode of modes) {
      const close = MODES[mode];
      const res: Record<Target, Run[]> = { clusterIP: [], direct: [], floor: [] };
      for (const t of names) { await reset(); wrk(targets[t]!, close); } // warm-up, discarded
      for (let i = 0; i < PAIRS; i++) {
        for (const t of rounds[i % rounds.length]) {
          await reset();
          res[t].push(wrk(targets[t]!, close));
          diag(`${mode} ${t} ${res[t].at(-1)!.rps.toFixed(0)} req/s`);
        }
      }
      const fmt = (rs: Run[]): string => rs.map((r) => r.rps.toFixed(0)).join(' ');
      const errs = (rs: Run[]): number => rs.reduce((a, r) => a + r.errors, 0);
      const rates = names.map((t) => `${t} median ${median(res[t].map((r) => r.rps)).toFixed(0)} req/s [${fmt(res[t])}] errors ${errs(res[t])}`);
      console.log(`${mode}: ${rates.join('; ')}`);
      const comparisons: [Target, Target][] = [['clusterIP', 'direct'], ...(targets.floor ? [['clusterIP', 'floor'], ['floor', 'direct']] as [Target, Target][] : [])];
      for (const [a, b] of comparisons) console.log(`  ${mode} ${a}/${b}: ${ratioLine(res[a], res[b])}`);
    }
  } finally {
    cleanup();
  }
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
