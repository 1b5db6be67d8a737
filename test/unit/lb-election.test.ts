// Layer-2 announcer election: deterministic, Ready nodes only, Local-policy
// eligibility, failover, and the per-node address sets built from it.
// Address plan: nodes n1..n4, LB IPs 172.30.0.200+, externalIPs 192.0.2.0/24.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { announcerFor, readyEndpointsByNode, type NodeLike } from '../../src/agent-announce/election.js';
import { addressesFor, electAll } from '../../src/agent-announce/desired.js';
import { sha256Hex } from '../../src/agent-announce/sha256.js';

const node = (name: string, ready = 'True', extra: Partial<NodeLike['metadata']> = {}, conds: { type: string; status: string }[] = []): NodeLike => ({
  metadata: { name, ...extra }, status: { conditions: [{ type: 'Ready', status: ready }, ...conds] },
});
const nodes = ['n1', 'n2', 'n3', 'n4'].map((n) => node(n));
const eps = (byNode: Record<string, number>): Map<string, number> => new Map(Object.entries(byNode));
const cluster = { spec: { externalTrafficPolicy: 'Cluster' } };
const local = { spec: { externalTrafficPolicy: 'Local' } };

/** The reference rule, computed independently with node:crypto. */
const expected = (ip: string, names: string[]): string =>
  [...names].sort((a, b) => createHash('sha256').update(`${a}#${ip}`).digest('hex').localeCompare(createHash('sha256').update(`${b}#${ip}`).digest('hex')))[0];

describe('sha256', () => {
  for (const s of ['', 'abc', 'n1#172.30.0.200', 'x'.repeat(55), 'x'.repeat(64), 'ü'.repeat(40)]) {
    it(JSON.stringify(s.slice(0, 12)), () => assert.equal(sha256Hex(s), createHash('sha256').update(s).digest('hex')));
  }
});

describe('announcerFor', () => {
  const ips = Array.from({ length: 20 }, (_, i) => `172.30.0.${200 + i}`);

  it('matches MetalLB ordering: lowest sha256(node#ip) among eligible nodes', () => {
    for (const ip of ips) assert.equal(announcerFor(ip, cluster, nodes, eps({ n1: 1 })), expected(ip, ['n1', 'n2', 'n3', 'n4']), ip);
  });

  it('is independent of the order nodes are listed in', () => {
    for (const ip of ips) assert.equal(announcerFor(ip, cluster, [...nodes].reverse(), eps({ n2: 1 })), announcerFor(ip, cluster, nodes, eps({ n2: 1 })));
  });

  it('spreads addresses over nodes', () => {
    const winners = new Set(ips.map((ip) => announcerFor(ip, cluster, nodes, eps({ n1: 1 }))));
    assert.ok(winners.size >= 3, `only ${[...winners]}`);
  });

  const cases: { name: string; svc: object; nodes: NodeLike[]; eps: Map<string, number>; want: string[] | undefined }[] = [
    { name: 'no ready endpoint anywhere: nobody', svc: cluster, nodes, eps: eps({}), want: undefined },
    { name: 'zero counts are no endpoints', svc: cluster, nodes, eps: eps({ n1: 0 }), want: undefined },
    { name: 'Cluster: any node, endpoint without a node counts', svc: cluster, nodes, eps: eps({ '': 1 }), want: ['n1', 'n2', 'n3', 'n4'] },
    { name: 'Local: only nodes with a local endpoint', svc: local, nodes, eps: eps({ n3: 2, n4: 1 }), want: ['n3', 'n4'] },
    { name: 'Local: endpoints only off-node: nobody', svc: local, nodes, eps: eps({ '': 3 }), want: undefined },
    { name: 'Local: endpoint node not Ready: nobody', svc: local, nodes: [node('n1'), node('n2', 'False')], eps: eps({ n2: 1 }), want: undefined },
    { name: 'NotReady and Unknown nodes are out', svc: cluster, nodes: [node('n1', 'False'), node('n2', 'Unknown'), node('n3')], eps: eps({ n1: 1 }), want: ['n3'] },
    { name: 'node without conditions is out', svc: cluster, nodes: [{ metadata: { name: 'n1' } }, node('n2')], eps: eps({ n1: 1 }), want: ['n2'] },
    { name: 'NetworkUnavailable is out', svc: cluster, nodes: [node('n1', 'True', {}, [{ type: 'NetworkUnavailable', status: 'True' }]), node('n2')], eps: eps({ n1: 1 }), want: ['n2'] },
    { name: 'exclude-from-external-load-balancers is out', svc: cluster, nodes: [node('n1', 'True', { labels: { 'node.kubernetes.io/exclude-from-external-load-balancers': '' } }), node('n2')], eps: eps({ n1: 1 }), want: ['n2'] },
    { name: 'deleting node is out', svc: cluster, nodes: [node('n1', 'True', { deletionTimestamp: '2024-01-01T00:00:00Z' }), node('n2')], eps: eps({ n1: 1 }), want: ['n2'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      for (const ip of ips.slice(0, 5)) assert.equal(announcerFor(ip, c.svc, c.nodes, c.eps), c.want && expected(ip, c.want), ip);
    });
  }

  it('fails over when the announcer goes NotReady, and only its addresses move', () => {
    const before = new Map(ips.map((ip) => [ip, announcerFor(ip, cluster, nodes, eps({ n1: 1 }))!]));
    const victim = before.get(ips[0])!;
    const after = nodes.map((n) => (n.metadata.name === victim ? node(victim, 'False') : n));
    for (const ip of ips) {
      const now = announcerFor(ip, cluster, after, eps({ n1: 1 }));
      if (before.get(ip) === victim) assert.equal(now, expected(ip, ['n1', 'n2', 'n3', 'n4'].filter((n) => n !== victim)), ip);
      else assert.equal(now, before.get(ip), `${ip} should not move`);
    }
  });
});

describe('readyEndpointsByNode', () => {
  it('counts ready (or unset) endpoints per node', () => {
    const got = readyEndpointsByNode([
      { endpoints: [{ nodeName: 'n1', conditions: { ready: true } }, { nodeName: 'n1', conditions: {} }, { nodeName: 'n2', conditions: { ready: false } }] },
      { endpoints: [{ conditions: { ready: null } }] },
      { endpoints: null },
    ]);
    assert.deepEqual([...got].sort(), [['', 1], ['n1', 2]]);
  });
});

describe('addressesFor', () => {
  const svc = (name: string, spec: any, ingress: string[] = []): any => ({
    metadata: { name, namespace: 'default' }, spec: { ports: [{ port: 80 }], ...spec }, status: { loadBalancer: { ingress: ingress.map((ip) => ({ ip, ipMode: 'VIP' })) } },
  });
  const slice = (svcName: string, nodeName: string, ready = true): any => ({
    metadata: { name: `${svcName}-x`, namespace: 'default', labels: { 'kubernetes.io/service-name': svcName } }, endpoints: [{ nodeName, conditions: { ready } }],
  });
  const services = [
    svc('lb', { type: 'LoadBalancer', externalTrafficPolicy: 'Cluster' }, ['172.30.0.200']),
    svc('lb-local', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' }, ['172.30.0.201']),
    svc('other-class', { type: 'LoadBalancer', loadBalancerClass: 'example.com/x', externalTrafficPolicy: 'Cluster' }, ['172.30.0.202']),
    svc('ext', { type: 'ClusterIP', externalIPs: ['192.0.2.10'] }),
    svc('extname', { type: 'ExternalName', externalName: 'example.com', externalIPs: ['192.0.2.11'] }),
  ];
  const slices = [slice('lb', 'n1'), slice('lb-local', 'n2'), slice('other-class', 'n1'), slice('ext', 'n3')];
  const two = [node('n1'), node('n2')];

  it('covers LB ingress of our class and externalIPs, nothing else', () => {
    const all = electAll(services, slices, two);
    assert.deepEqual([...all.keys()].sort(), ['172.30.0.200', '172.30.0.201', '192.0.2.10']);
    assert.equal(all.get('172.30.0.201'), 'n2', 'Local follows its endpoint');
    const union = [...addressesFor('n1', services, slices, two), ...addressesFor('n2', services, slices, two)].sort();
    assert.deepEqual(union, [...all.keys()].sort(), 'each address on exactly one node');
  });

  it('a shared IP is held by one node even when its services would elect differently', () => {
    const shared = [
      svc('a', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' }, ['172.30.0.205']),
      svc('b', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' }, ['172.30.0.205']),
    ];
    const got = electAll(shared, [slice('a', 'n1'), slice('b', 'n2')], two);
    assert.equal(got.get('172.30.0.205'), expected('172.30.0.205', ['n1', 'n2']));
  });
});
