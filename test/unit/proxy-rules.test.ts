// The ruleset over FakeNft: (a) an exact dump for a small case, (b) operation
// counts of partial syncs, (c) packet-flow tables through the tracer.
//
// Address plan (as pkg/proxy/nftables/proxier_test.go):
//   cluster CIDR (pods)    10.0.0.0/8; endpoints 10.180.0.0/16
//   service CIDR           172.30.0.0/16 (ClusterIPs 172.30.0.41 ...)
//   this node "node-1"     192.168.0.2 (NodePort IP); other node 192.168.0.3
//   external clients       203.0.113.0/24
//   externalIPs            192.168.99.0/24
//   LoadBalancer IPs       5.6.7.0/24
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeNft } from '../../src/nft/fake.js';
import { ProxyCore } from '../../src/proxy/core.js';
import { Tracer, type TracePacket } from '../../src/proxy/trace.js';
import { affinitySet } from '../../src/proxy/names.js';
import { serviceInfo } from '../../src/proxy/convert.js';
import { slice, svc, type EpOpts, type SvcOpts } from './proxy-fixtures.js';
import type { KubeObject } from '../../src/api/object.js';

const NODE = { name: 'node-1', ips: ['192.168.0.2'] };
const OPTS = { node: NODE, clusterCIDR: '10.0.0.0/8', serviceCIDR: '172.30.0.0/16' };

function setup(): { nft: FakeNft; core: ProxyCore; tracer: () => Tracer } {
  const nft = new FakeNft('kubesvc');
  const core = new ProxyCore(nft, OPTS);
  return { nft, core, tracer: () => new Tracer(nft.state!, NODE.ips) };
}

const P = (sourceIP: string, destIP: string, destPort: number, protocol: TracePacket['protocol'] = 'tcp'): TracePacket => ({ sourceIP, destIP, destPort, protocol });

test('exact ruleset for one ClusterIP service with one endpoint', async () => {
  const { nft, core } = setup();
  core.onService(undefined, svc('ns1', 'svc1', { clusterIP: '172.30.0.41', ports: [{ name: 'p80', port: 80 }] }));
  core.onSlice(slice('ns1', 'svc1', 'svc1-abc', [{ name: 'p80', port: 80 }], [{ ip: '10.180.0.1' }]), false);
  await core.sync();
  const svcLines = nft.dump().split('\n').filter((l) => /ns1|svc1|cluster-ips \{ 172|pick-|hairpin \{|service-endpoints-tcp \{/.test(l));
  // No chain of its own: the ClusterIP maps to the shared pick-1 chain, which DNATs through @service-endpoints.
  assert.deepEqual(svcLines, [
    'add chain ip kubesvc pick-1',
    'add set ip kubesvc hairpin { type ipv4_addr . ipv4_addr ; comment "endpoint . endpoint pairs: masqueraded" ; }',
    ...['sctp', 'tcp', 'udp'].map((p) => `add map ip kubesvc service-endpoints-${p} { typeof ip daddr . ${p} dport . numgen random mod 1 : ip daddr . ${p} dport ; comment "entry . index: endpoint, for the pick-N chains" ; }`),
    'add rule ip kubesvc pick-1 ip saddr != 10.0.0.0/8 jump mark-for-masquerade comment "masquerade traffic from outside the cluster"',
    ...['tcp', 'udp', 'sctp'].map((p) => `add rule ip kubesvc pick-1 meta l4proto ${p} dnat ip to ip daddr . ${p} dport . numgen random mod 1 map @service-endpoints-${p}`),
    'add element ip kubesvc cluster-ips { 172.30.0.41 comment "ns1/svc1" }',
    'add element ip kubesvc hairpin { 10.180.0.1 . 10.180.0.1 }',
    'add element ip kubesvc service-endpoints-tcp { 172.30.0.41 . 80 . 0 : 10.180.0.1 . 80 }',
    'add element ip kubesvc service-ips { 172.30.0.41 . tcp . 80 comment "ns1/svc1:p80" : goto pick-1 }',
  ]);
  // The static part: 16 chains (28 rules), 11 sets/maps, the node IP; plus pick-1 (4 rules).
  const c = nft.counts();
  assert.deepEqual(c, { chains: 17, rules: 32, elements: 5 });
  const dump = nft.dump();
  assert.ok(dump.includes('add rule ip kubesvc nat-postrouting ct status dnat ip saddr . ip daddr @hairpin jump mark-for-masquerade comment "hairpin: a pod reaching itself through a service"\n'));
  // Cheap tests first: established packets leave after one rule, the prefix compare precedes the set lookup.
  assert.ok(dump.includes('add rule ip kubesvc filter-forward ct state != new return\nadd rule ip kubesvc filter-forward jump service-endpoints-check\nadd rule ip kubesvc filter-forward jump cluster-ips-check\n'));
  assert.ok(dump.includes('add rule ip kubesvc cluster-ips-check ip daddr 172.30.0.0/16 goto reject-chain comment "reject traffic to unallocated ClusterIPs and invalid ports of ClusterIPs"\nadd rule ip kubesvc cluster-ips-check ip daddr @cluster-ips goto reject-chain'));
  assert.ok(nft.dump().includes('add element ip kubesvc nodeport-ips { 192.168.0.2 }\n'));
});

test('partial syncs write only what changed; no change → zero operations', async () => {
  const { nft, core } = setup();
  for (let i = 1; i <= 3; i++) {
    core.onService(undefined, svc('ns', `s${i}`, { clusterIP: `172.30.0.${i}` }));
    core.onSlice(slice('ns', `s${i}`, `s${i}-a`, [{ port: 8080 }], [{ ip: `10.180.0.${i}` }, { ip: `10.180.1.${i}` }]), false);
  }
  const first = await core.sync();
  assert.equal(first.full, true);
  assert.equal((await core.sync()).operations, 0);
  assert.equal(nft.lastTransaction!.numOperations(), 0);

  // A no-op informer update (same content, new resourceVersion) is dropped by the tracker.
  const same = svc('ns', 's1', { clusterIP: '172.30.0.1' });
  assert.equal(core.onService(svc('ns', 's1', { clusterIP: '172.30.0.1' }), { ...same, metadata: { ...same.metadata, resourceVersion: '2' } }), false);
  assert.equal((await core.sync()).operations, 0);

  // One endpoint added to s2: the new shared chain pick-3 (1 + 4 rules), the VIP's verdict replaced (2),
  // one endpoint element and one hairpin pair; pick-2 stays (s1 and s3 use it).
  core.onSlice(slice('ns', 's2', 's2-a', [{ port: 8080 }], [{ ip: '10.180.0.2' }, { ip: '10.180.1.2' }, { ip: '10.180.2.2' }]), false);
  const r = await core.sync();
  assert.equal(r.full, false);
  assert.equal(r.operations, 9);
  assert.equal(r.changedServices, 1);
  // Replacing an endpoint (same count): only its element and hairpin pair change, no chain is touched.
  core.onSlice(slice('ns', 's2', 's2-a', [{ port: 8080 }], [{ ip: '10.180.0.2' }, { ip: '10.180.1.2' }, { ip: '10.180.3.2' }]), false);
  assert.equal((await core.sync()).operations, 4);
  assert.deepEqual(nft.lastTransaction!.ops.map((o) => `${o.verb} ${o.obj.kind}`), ['delete element', 'delete element', 'add element', 'add element']);
  core.onSlice(slice('ns', 's2', 's2-a', [{ port: 8080 }], [{ ip: '10.180.0.2' }, { ip: '10.180.1.2' }, { ip: '10.180.2.2' }]), false);
  await core.sync();

  // Scale s3 to zero: its chains go, its VIP moves to the reject map.
  core.onSlice(slice('ns', 's3', 's3-a', [{ port: 8080 }], []), false);
  await core.sync();
  assert.ok(!nft.dump().includes('ns/s3:80" : 10.'));
  assert.ok(nft.dump().includes('add element ip kubesvc no-endpoint-services { 172.30.0.3 . tcp . 80 comment "ns/s3:80" : goto reject-chain }'));

  // Delete s1 entirely.
  core.onService(svc('ns', 's1', { clusterIP: '172.30.0.1' }), undefined);
  await core.sync();
  assert.ok(!nft.dump().includes('ns/s1'));
  assert.ok(!nft.dump().includes('172.30.0.1 '));

  // Whatever sequence of partial syncs, the result equals a fresh full sync.
  const fresh = setup();
  fresh.core.onService(undefined, svc('ns', 's2', { clusterIP: '172.30.0.2' }));
  fresh.core.onService(undefined, svc('ns', 's3', { clusterIP: '172.30.0.3' }));
  fresh.core.onSlice(slice('ns', 's2', 's2-a', [{ port: 8080 }], [{ ip: '10.180.0.2' }, { ip: '10.180.1.2' }, { ip: '10.180.2.2' }]), false);
  await fresh.core.sync();
  assert.equal(nft.dump(), fresh.nft.dump());
});

test('elements two services share (one externalIP:port, one pod) stay while either wants them; the first keeps its value', async () => {
  const world = (names: string[]): { services: KubeObject[]; slices: KubeObject[] } => ({
    services: names.map((n, i) => svc('ns', n, { clusterIP: `172.30.0.${i + 1}`, externalIPs: ['192.168.99.1'] })),
    slices: names.map((n) => slice('ns', n, `${n}-a`, [{ port: 8080 }], [{ ip: '10.180.0.7' }, ...(n === 'b' ? [{ ip: '10.180.0.8' }] : [])])),
  });
  const fullDump = async (names: string[]): Promise<string> => {
    const fresh = setup();
    const w = world(names);
    for (const s of w.services) fresh.core.onService(undefined, s);
    for (const s of w.slices) fresh.core.onSlice(s, false);
    await fresh.core.sync();
    return fresh.nft.dump();
  };
  const { nft, core, tracer } = setup();
  await core.sync();
  const [a, b] = world(['a', 'b']).services, [sa, sb] = world(['a', 'b']).slices;
  core.onService(undefined, a);
  core.onSlice(sa, false);
  await core.sync();
  core.onService(undefined, b);
  core.onSlice(sb, false);
  await core.sync();
  // a came first: the shared externalIP:port still dispatches to a's single endpoint.
  assert.deepEqual(tracer().trace(P('203.0.113.1', '192.168.99.1', 80)).endpoints, ['10.180.0.7:8080']);
  assert.equal(nft.dump(), await fullDump(['a', 'b']));
  // a leaves: the shared entry now belongs to b (two endpoints), and the shared hairpin pair stays.
  core.onService(a, undefined);
  await core.sync();
  assert.equal(nft.dump().split('\n').filter((l) => l.includes('10.180.0.7 . 10.180.0.7')).length, 1);
  assert.deepEqual(tracer().trace(P('203.0.113.1', '192.168.99.1', 80)).endpoints, ['10.180.0.7:8080', '10.180.0.8:8080']);
  const onlyB = setup();
  onlyB.core.onService(undefined, b);
  onlyB.core.onSlice(sb, false);
  await onlyB.core.sync();
  assert.equal(nft.dump(), onlyB.nft.dump());
  core.onService(b, undefined);
  await core.sync();
  assert.ok(!nft.dump().includes('10.180.0.7'));
});

test('a failed sync forces a full one; a restart converges from what is in the kernel', async () => {
  const { nft, core } = setup();
  core.onService(undefined, svc('ns', 'a', { clusterIP: '172.30.0.1' }));
  core.onSlice(slice('ns', 'a', 'a-1', [{ port: 80 }], [{ ip: '10.180.0.1' }]), false);
  await core.sync();
  core.onSlice(slice('ns', 'a', 'a-1', [{ port: 80 }], [{ ip: '10.180.0.9' }]), false);
  nft.failNext = new Error('kernel said no');
  await assert.rejects(core.sync());
  const r = await core.sync();
  assert.equal(r.full, true);
  assert.ok(nft.dump().includes(': 10.180.0.9 . 80 }'));
  assert.ok(!nft.dump().includes('10.180.0.1'));

  // A new proxy (restart) with a different world: stale chains and elements are removed.
  const core2 = new ProxyCore(nft, OPTS);
  core2.onService(undefined, svc('ns', 'b', { clusterIP: '172.30.0.2' }));
  core2.onSlice(slice('ns', 'b', 'b-1', [{ port: 80 }], [{ ip: '10.180.0.2' }]), false);
  await core2.sync();
  const fresh = setup();
  fresh.core.onService(undefined, svc('ns', 'b', { clusterIP: '172.30.0.2' }));
  fresh.core.onSlice(slice('ns', 'b', 'b-1', [{ port: 80 }], [{ ip: '10.180.0.2' }]), false);
  await fresh.core.sync();
  assert.equal(nft.dump(), fresh.nft.dump());
});

interface FlowCase { name: string; pkt: TracePacket; want: { verdict: string; endpoints?: string[]; masq?: boolean } }

async function flows(services: KubeObject[], slices: KubeObject[], cases: FlowCase[], seed?: (nft: FakeNft) => Promise<void>): Promise<void> {
  const { nft, core, tracer } = setup();
  for (const s of services) core.onService(undefined, s);
  for (const s of slices) core.onSlice(s, false);
  await core.sync();
  if (seed) await seed(nft);
  const t = tracer();
  for (const c of cases) {
    const got = t.trace(c.pkt);
    assert.deepEqual({ verdict: got.verdict, endpoints: got.endpoints, masq: got.masq }, { endpoints: [], masq: false, ...c.want }, c.name);
  }
}

const ep = (ip: string, node?: string, extra: Partial<EpOpts> = {}): EpOpts => ({ ip, ...(node ? { node } : {}), ...extra });
const s1 = (o: SvcOpts = {}) => svc('ns1', 'svc1', { clusterIP: '172.30.0.41', ...o });
const sl1 = (eps: EpOpts[], port = 8080, name = '', protocol = 'TCP') => slice('ns1', 'svc1', 'svc1-a', [{ name, port, protocol }], eps);
const TWO = ['10.180.0.1:8080', '10.180.0.2:8080'];

test('flows: ClusterIP', () => flows([s1()], [sl1([ep('10.180.0.1', 'node-1'), ep('10.180.0.2', 'node-2')])], [
  { name: 'pod → ClusterIP: random endpoint, source kept', pkt: P('10.0.0.5', '172.30.0.41', 80), want: { verdict: 'ACCEPT', endpoints: TWO } },
  { name: 'node → ClusterIP: masqueraded', pkt: P('192.168.0.2', '172.30.0.41', 80), want: { verdict: 'ACCEPT', endpoints: TWO, masq: true } },
  { name: 'other node → ClusterIP: masqueraded', pkt: P('192.168.0.3', '172.30.0.41', 80), want: { verdict: 'ACCEPT', endpoints: TWO, masq: true } },
  { name: 'ClusterIP, wrong port: rejected', pkt: P('10.0.0.5', '172.30.0.41', 81), want: { verdict: 'REJECT' } },
  { name: 'ClusterIP, wrong protocol: rejected', pkt: P('10.0.0.5', '172.30.0.41', 80, 'udp'), want: { verdict: 'REJECT' } },
  { name: 'unallocated service IP: rejected', pkt: P('10.0.0.5', '172.30.0.99', 80), want: { verdict: 'REJECT' } },
  { name: 'node → unallocated service IP: rejected', pkt: P('192.168.0.2', '172.30.0.99', 80), want: { verdict: 'REJECT' } },
  { name: 'unrelated traffic passes untouched', pkt: P('10.0.0.5', '8.8.8.8', 53, 'udp'), want: { verdict: 'ACCEPT' } },
]));

test('flows: hairpin (a pod reaching itself through its service) is masqueraded', () => flows([s1()], [sl1([ep('10.180.0.1')])], [
  { name: 'endpoint → own service', pkt: P('10.180.0.1', '172.30.0.41', 80), want: { verdict: 'ACCEPT', endpoints: ['10.180.0.1:8080'], masq: true } },
  { name: 'other pod → service', pkt: P('10.180.0.7', '172.30.0.41', 80), want: { verdict: 'ACCEPT', endpoints: ['10.180.0.1:8080'] } },
]));

test('flows: hairpin pairs only for this node\'s endpoints (and node-less ones); remote endpoints add none', async () => {
  const { nft, core } = setup();
  core.onService(undefined, s1());
  core.onSlice(sl1([ep('10.180.0.1', 'node-1'), ep('10.180.0.2', 'node-2'), ep('10.180.0.3')]), false);
  await core.sync();
  const pairs = nft.dump().split('\n').filter((l) => l.startsWith('add element ip kubesvc hairpin'));
  assert.deepEqual(pairs.map((l) => /\{ (.*) \}/.exec(l)![1]).sort(), ['10.180.0.1 . 10.180.0.1', '10.180.0.3 . 10.180.0.3']);
  await flows([s1()], [sl1([ep('10.180.0.1', 'node-1'), ep('10.180.0.2', 'node-2')])], [
    { name: 'local endpoint → own service: may hairpin, masqueraded', pkt: P('10.180.0.1', '172.30.0.41', 80), want: { verdict: 'ACCEPT', endpoints: ['10.180.0.1:8080', '10.180.0.2:8080'], masq: true } },
    { name: 'other local pod → service: never masqueraded', pkt: P('10.180.0.7', '172.30.0.41', 80), want: { verdict: 'ACCEPT', endpoints: ['10.180.0.1:8080', '10.180.0.2:8080'] } },
  ]);
  const t = (await (async () => { const x = setup(); x.core.onService(undefined, s1()); x.core.onSlice(sl1([ep('10.180.0.1', 'node-1'), ep('10.180.0.2', 'node-2')]), false); await x.core.sync(); return x.tracer(); })());
  const r = t.trace(P('10.180.0.1', '172.30.0.41', 80));
  assert.deepEqual(r.branches.map((b) => [b.endpoint, b.masq]).sort(), [['10.180.0.1:8080', true], ['10.180.0.2:8080', false]]);
});

test('a full sync writes one element line per set run, not one per service', async () => {
  const { nft, core } = setup();
  for (let i = 1; i <= 50; i++) {
    core.onService(undefined, svc('ns', `s${i}`, { clusterIP: `172.30.1.${i}` }));
    core.onSlice(slice('ns', `s${i}`, `s${i}-a`, [{ port: 8080 }], [{ ip: `10.180.0.${i}`, node: 'node-1' }, { ip: `10.180.1.${i}`, node: 'node-2' }]), false);
  }
  await core.sync();
  const lines = nft.lastTransaction!.toString().split('\n').filter((l) => l.startsWith('add element'));
  const sets = lines.map((l) => l.split(' ')[4]);
  assert.equal(new Set(sets).size, sets.length, `one line per set: ${sets.join(', ')}`);
  assert.equal((await core.sync()).operations, 0);
});

test('flows: no endpoints → reject; terminating endpoints only as a fallback', async () => {
  await flows([s1(), svc('ns2', 'u', { clusterIP: '172.30.0.42', ports: [{ port: 53, protocol: 'UDP' }] })], [sl1([])], [
    { name: 'tcp, no endpoints', pkt: P('10.0.0.5', '172.30.0.41', 80), want: { verdict: 'REJECT' } },
    { name: 'udp, no slices at all', pkt: P('10.0.0.5', '172.30.0.42', 53, 'udp'), want: { verdict: 'REJECT' } },
  ]);
  await flows([s1()], [sl1([ep('10.180.0.1', undefined, { ready: false, serving: true, terminating: true }), ep('10.180.0.2', undefined, { ready: false, serving: false, terminating: true })])], [
    { name: 'only serving-terminating left: used', pkt: P('10.0.0.5', '172.30.0.41', 80), want: { verdict: 'ACCEPT', endpoints: ['10.180.0.1:8080'] } },
  ]);
  await flows([s1()], [sl1([ep('10.180.0.1', undefined, { ready: false, serving: true, terminating: true }), ep('10.180.0.2')])], [
    { name: 'ready present: terminating ignored', pkt: P('10.0.0.5', '172.30.0.41', 80), want: { verdict: 'ACCEPT', endpoints: ['10.180.0.2:8080'] } },
  ]);
});

test('flows: NodePort (TCP, UDP, SCTP), externalIPs, LoadBalancer, Cluster policy', () => flows([
  s1({ type: 'LoadBalancer', ports: [{ name: 'http', port: 80, nodePort: 30080 }], externalIPs: ['192.168.99.11'], lbIPs: ['5.6.7.8'] }),
  svc('ns2', 'dns', { clusterIP: '172.30.0.53', type: 'NodePort', ports: [{ name: 'dns', port: 53, protocol: 'UDP', nodePort: 30053 }] }),
  svc('ns3', 'sctp', { clusterIP: '172.30.0.54', type: 'NodePort', ports: [{ port: 9999, protocol: 'SCTP', nodePort: 30999 }] }),
], [
  slice('ns1', 'svc1', 'svc1-a', [{ name: 'http', port: 8080 }], [ep('10.180.0.1', 'node-1'), ep('10.180.0.2', 'node-2')]),
  slice('ns2', 'dns', 'dns-a', [{ name: 'dns', port: 5353, protocol: 'UDP' }], [ep('10.180.0.3')]),
  slice('ns3', 'sctp', 'sctp-a', [{ port: 9999, protocol: 'SCTP' }], [ep('10.180.0.4')]),
], [
  { name: 'external → NodePort', pkt: P('203.0.113.1', '192.168.0.2', 30080), want: { verdict: 'ACCEPT', endpoints: TWO, masq: true } },
  { name: 'node itself → own NodePort', pkt: P('192.168.0.2', '192.168.0.2', 30080), want: { verdict: 'ACCEPT', endpoints: TWO, masq: true } },
  { name: 'pod → NodePort', pkt: P('10.0.0.5', '192.168.0.2', 30080), want: { verdict: 'ACCEPT', endpoints: TWO, masq: true } },
  { name: 'external → NodePort on another address: untouched', pkt: P('203.0.113.1', '192.168.0.77', 30080), want: { verdict: 'ACCEPT' } },
  { name: 'external → externalIP', pkt: P('203.0.113.1', '192.168.99.11', 80), want: { verdict: 'ACCEPT', endpoints: TWO, masq: true } },
  { name: 'external → LoadBalancer IP', pkt: P('203.0.113.1', '5.6.7.8', 80), want: { verdict: 'ACCEPT', endpoints: TWO, masq: true } },
  { name: 'pod → LoadBalancer IP', pkt: P('10.0.0.5', '5.6.7.8', 80), want: { verdict: 'ACCEPT', endpoints: TWO, masq: true } },
  { name: 'UDP NodePort, named target port resolved', pkt: P('203.0.113.1', '192.168.0.2', 30053, 'udp'), want: { verdict: 'ACCEPT', endpoints: ['10.180.0.3:5353'], masq: true } },
  { name: 'UDP ClusterIP', pkt: P('10.0.0.5', '172.30.0.53', 53, 'udp'), want: { verdict: 'ACCEPT', endpoints: ['10.180.0.3:5353'] } },
  { name: 'SCTP NodePort', pkt: P('203.0.113.1', '192.168.0.2', 30999, 'sctp'), want: { verdict: 'ACCEPT', endpoints: ['10.180.0.4:9999'], masq: true } },
  { name: 'unknown NodePort: untouched', pkt: P('203.0.113.1', '192.168.0.2', 31000), want: { verdict: 'ACCEPT' } },
]));

test('flows: multi-port services resolve ports per endpoint', () => flows([
  s1({ ports: [{ name: 'http', port: 80 }, { name: 'metrics', port: 9090 }] }),
], [
  slice('ns1', 'svc1', 'svc1-a', [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9100 }], [ep('10.180.0.1')]),
  slice('ns1', 'svc1', 'svc1-b', [{ name: 'http', port: 8081 }, { name: 'metrics', port: 9101 }], [ep('10.180.0.2')]),
], [
  { name: 'http', pkt: P('10.0.0.5', '172.30.0.41', 80), want: { verdict: 'ACCEPT', endpoints: ['10.180.0.1:8080', '10.180.0.2:8081'] } },
  { name: 'metrics', pkt: P('10.0.0.5', '172.30.0.41', 9090), want: { verdict: 'ACCEPT', endpoints: ['10.180.0.1:9100', '10.180.0.2:9101'] } },
]));

test('flows: externalTrafficPolicy Local', async () => {
  const lb = s1({ type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30080 }], lbIPs: ['5.6.7.8'], etp: 'Local', hcnp: 30500 });
  await flows([lb], [sl1([ep('10.180.0.1', 'node-1'), ep('10.180.0.2', 'node-2')])], [
    { name: 'external → NodePort: local endpoint only, source preserved', pkt: P('203.0.113.1', '192.168.0.2', 30080), want: { verdict: 'ACCEPT', endpoints: ['10.180.0.1:8080'] } },
    { name: 'external → LB IP: local only, source preserved', pkt: P('203.0.113.1', '5.6.7.8', 80), want: { verdict: 'ACCEPT', endpoints: ['10.180.0.1:8080'] } },
    { name: 'pod → LB IP: short-circuit to all endpoints', pkt: P('10.0.0.5', '5.6.7.8', 80), want: { verdict: 'ACCEPT', endpoints: TWO } },
    { name: 'node → own NodePort: all endpoints, masqueraded', pkt: P('192.168.0.2', '192.168.0.2', 30080), want: { verdict: 'ACCEPT', endpoints: TWO, masq: true } },
    { name: 'ClusterIP still uses every endpoint', pkt: P('10.0.0.5', '172.30.0.41', 80), want: { verdict: 'ACCEPT', endpoints: TWO } },
  ]);
  await flows([lb], [sl1([ep('10.180.0.2', 'node-2')])], [
    { name: 'no local endpoint: external traffic dropped', pkt: P('203.0.113.1', '5.6.7.8', 80), want: { verdict: 'DROP' } },
    { name: 'no local endpoint: NodePort dropped', pkt: P('203.0.113.1', '192.168.0.2', 30080), want: { verdict: 'DROP' } },
    { name: 'no local endpoint: pods still short-circuit', pkt: P('10.0.0.5', '5.6.7.8', 80), want: { verdict: 'ACCEPT', endpoints: ['10.180.0.2:8080'] } },
  ]);
  await flows([lb], [sl1([])], [
    { name: 'no endpoints anywhere: rejected', pkt: P('203.0.113.1', '5.6.7.8', 80), want: { verdict: 'REJECT' } },
  ]);
});

test('flows: internalTrafficPolicy Local', async () => {
  await flows([s1({ itp: 'Local' })], [sl1([ep('10.180.0.1', 'node-1'), ep('10.180.0.2', 'node-2')])], [
    { name: 'pod → ClusterIP: local endpoint only', pkt: P('10.0.0.5', '172.30.0.41', 80), want: { verdict: 'ACCEPT', endpoints: ['10.180.0.1:8080'] } },
  ]);
  await flows([s1({ itp: 'Local' })], [sl1([ep('10.180.0.1', 'node-1'), ep('10.180.0.3', 'node-1'), ep('10.180.0.4', 'node-1'), ep('10.180.0.2', 'node-2')])], [
    { name: 'three local endpoints: numgen rules reach each', pkt: P('10.0.0.5', '172.30.0.41', 80), want: { verdict: 'ACCEPT', endpoints: ['10.180.0.1:8080', '10.180.0.3:8080', '10.180.0.4:8080'] } },
    { name: 'node → ClusterIP (Local): masqueraded', pkt: P('192.168.0.2', '172.30.0.41', 80), want: { verdict: 'ACCEPT', endpoints: ['10.180.0.1:8080', '10.180.0.3:8080', '10.180.0.4:8080'], masq: true } },
    { name: 'local endpoint → own service: hairpin', pkt: P('10.180.0.3', '172.30.0.41', 80), want: { verdict: 'ACCEPT', endpoints: ['10.180.0.1:8080', '10.180.0.3:8080', '10.180.0.4:8080'], masq: true } },
  ]);
  await flows([s1({ itp: 'Local' })], [sl1([ep('10.180.0.2', 'node-2')])], [
    { name: 'no local endpoint: dropped (endpoints exist elsewhere)', pkt: P('10.0.0.5', '172.30.0.41', 80), want: { verdict: 'DROP' } },
  ]);
});

test('flows: loadBalancerSourceRanges', () => flows([
  s1({ type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30080 }], lbIPs: ['5.6.7.8'], sourceRanges: ['203.0.113.0/25'] }),
], [sl1([ep('10.180.0.1')])], [
  { name: 'allowed source', pkt: P('203.0.113.1', '5.6.7.8', 80), want: { verdict: 'ACCEPT', endpoints: ['10.180.0.1:8080'], masq: true } },
  { name: 'other source: dropped', pkt: P('203.0.113.200', '5.6.7.8', 80), want: { verdict: 'DROP' } },
  { name: 'ClusterIP is not filtered', pkt: P('10.0.0.5', '172.30.0.41', 80), want: { verdict: 'ACCEPT', endpoints: ['10.180.0.1:8080'] } },
]));

test('flows: sessionAffinity ClientIP sticks to the recorded endpoint', async () => {
  const s = s1({ affinity: 600 });
  const eps = [ep('10.180.0.1'), ep('10.180.0.2')];
  await flows([s], [sl1(eps)], [
    { name: 'a new client may go anywhere', pkt: P('10.0.0.5', '172.30.0.41', 80), want: { verdict: 'ACCEPT', endpoints: TWO } },
  ]);
  // Seed the dynamic set as the kernel would after the first connection (`update @set { ip saddr }`).
  const p = serviceInfo(s).ports[0];
  await flows([s], [sl1(eps)], [
    { name: 'a known client sticks', pkt: P('10.0.0.5', '172.30.0.41', 80), want: { verdict: 'ACCEPT', endpoints: ['10.180.0.2:8080'] } },
    { name: 'another client is free', pkt: P('10.0.0.6', '172.30.0.41', 80), want: { verdict: 'ACCEPT', endpoints: TWO } },
  ], (nft) => nft.run(nft.newTransaction().add({ kind: 'element', set: affinitySet(p, { ip: '10.180.0.2', port: 8080, ready: true, serving: true, terminating: false }), key: '10.0.0.5' })));
  // Each endpoint chain records the client in its own set.
  const { core, tracer } = setup();
  core.onService(undefined, s);
  core.onSlice(sl1(eps), false);
  await core.sync();
  const br = tracer().trace(P('10.0.0.5', '172.30.0.41', 80)).branches;
  assert.deepEqual(br.map((b) => b.affinityUpdates[0]?.split('__')[1]), ['10.180.0.1/8080', '10.180.0.2/8080']);
});

test('headless and ExternalName services get no rules', async () => {
  const { nft, core } = setup();
  core.onService(undefined, svc('ns', 'headless', { clusterIP: 'None' }));
  core.onService(undefined, { ...svc('ns', 'ext', {}), spec: { type: 'ExternalName', externalName: 'example.com' } });
  core.onSlice(slice('ns', 'headless', 'h-1', [{ port: 80 }], [{ ip: '10.180.0.1' }]), false);
  await core.sync();
  assert.ok(!nft.dump().includes('ns/'));
});
