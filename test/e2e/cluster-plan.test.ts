// Pure parts of `kubesvc up` (no root): names within IFNAMSIZ and without
// cross-cluster prefix clashes, the address plan, and HostNet + cleanup against
// FakeIpCommand.
// Address plan used below: node network 172.30.0.0/24 (bridge .1, node i = .10+i,
// client .254), pods 10.244.i.0/24, services 10.96.0.0/12 (DNS 10.96.0.10).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterNames, validateClusterName, IFNAMSIZ_MAX } from '../../src/cluster/names.js';
import { makePlan, DEFAULTS, type PlanInput } from '../../src/cluster/plan.js';
import { FakeIpCommand } from '../../src/cluster/fake-ip.js';
import { HostNet } from '../../src/cluster/host-net.js';
import { CommandError } from '../../src/cluster/ip.js';
import { cleanupCluster } from '../../src/cluster/cleanup.js';
import { dnsWorkers, kubeDnsDeployment, kubeDnsService } from '../../src/cluster/dns.js';

const base: PlanInput = { ...DEFAULTS, name: 'kubesvc', nodes: 2 };

describe('cluster names', () => {
  const cases = [
    { name: 'a', bridge: 'ksvc-a0', veth1: 'ksvc-a-1', ns1: 'ksvc-a-node-1' },
    { name: 'kubesvc', bridge: 'ksvc-kubesvc0', veth1: 'ksvc-kubesvc-1', ns1: 'ksvc-kubesvc-node-1' },
    { name: 't12345678', bridge: /^ks[0-9a-f]{7}0$/, veth1: /^ks[0-9a-f]{7}-1$/, ns1: 'ksvc-t12345678-node-1' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const n = clusterNames(c.name);
      const check = (got: string, want: string | RegExp): void => (typeof want === 'string' ? assert.equal(got, want) : assert.match(got, want));
      check(n.bridge, c.bridge);
      check(n.nodeVeth(1), c.veth1);
      check(n.nodeNs(1), c.ns1);
      for (const l of [n.bridge, n.nodeVeth(99), n.clientVeth]) assert.ok(l.length <= IFNAMSIZ_MAX, l);
      assert.ok(n.ownsLink(n.bridge) && n.ownsLink(n.nodeVeth(3)) && n.ownsLink(n.clientVeth));
      assert.ok(n.ownsNetns(n.clientNs) && n.ownsNetns(`${n.netnsPrefix}pod-default-web`));
    });
  }
  it('keeps clusters apart: no prefix of one owns the other', () => {
    const a = clusterNames('a'), ab = clusterNames('ab');
    assert.ok(!a.ownsLink(ab.bridge) && !a.ownsLink(ab.nodeVeth(1)) && !a.ownsNetns(ab.nodeNs(1)));
    assert.ok(!ab.ownsLink(a.bridge) && !ab.ownsNetns(a.nodeNs(1)));
  });
  it('rejects names with a dash or capitals', () => {
    assert.ok(validateClusterName('a-b'));
    assert.ok(validateClusterName('A'));
    assert.equal(validateClusterName('dev2'), undefined);
  });
});

describe('address plan', () => {
  it('derives the default addresses', () => {
    const p = makePlan(base);
    assert.equal(p.bridgeIP, '172.30.0.1');
    assert.equal(p.clientIP, '172.30.0.254');
    assert.equal(p.dnsIP, '10.96.0.10');
    assert.deepEqual(p.nodes.map((n) => [n.name, n.ip, n.podCIDR, n.netns]), [
      ['node-1', '172.30.0.11', '10.244.1.0/24', 'ksvc-kubesvc-node-1'],
      ['node-2', '172.30.0.12', '10.244.2.0/24', 'ksvc-kubesvc-node-2'],
    ]);
  });
  const bad: { name: string; over: Partial<PlanInput>; err: RegExp }[] = [
    { name: 'overlapping node and cluster CIDRs', over: { clusterCIDR: '172.30.0.0/16' }, err: /overlaps/ },
    { name: 'LB pool outside the node network', over: { lbPool: '10.0.0.1-10.0.0.5' }, err: /inside --node-cidr/ },
    { name: 'LB pool over node addresses', over: { lbPool: '172.30.0.5-172.30.0.20' }, err: /must not include/ },
    { name: 'too many nodes', over: { nodes: 100 }, err: /--nodes/ },
    { name: 'a cluster CIDR without room for /24s', over: { clusterCIDR: '10.244.0.0/24' }, err: /too small/ },
    { name: 'bad CIDR', over: { nodeCIDR: 'x' }, err: /not an IPv4 CIDR/ },
  ];
  for (const b of bad) it(`rejects ${b.name}`, () => assert.throws(() => makePlan({ ...base, ...b.over }), b.err));
});

describe('HostNet with FakeIpCommand', () => {
  it('builds a node netns on the bridge without a default route, and cleanup removes it all', async () => {
    const ip = new FakeIpCommand();
    const net = new HostNet(ip);
    const p = makePlan(base);
    await net.createBridge(p.names.bridge, '172.30.0.1/24');
    assert.equal(ip.links.find((l) => l.ifname === p.names.bridge)?.address, '02:00:ac:1e:00:01', 'the bridge address is pinned');
    for (const n of p.nodes) await net.addBridgedNetns(n.netns, n.veth, p.names.bridge, `${n.ip}/24`);
    await net.addNetns(`${p.names.netnsPrefix}pod-x`);
    await net.addNetns('someone-else');
    ip.pids.set(`${p.names.netnsPrefix}pod-x`, [999_999_999]);
    const routes = await net.routes(p.nodes[0].netns);
    assert.deepEqual(routes.map((r) => r.dst), ['172.30.0.0/24']);
    assert.deepEqual((await net.listLinks()).filter((l) => l.master === p.names.bridge).map((l) => l.ifname).sort(), [p.nodes[0].veth, p.nodes[1].veth]);
    await assert.rejects(net.createBridge(p.names.bridge, '172.30.0.1/24'), /File exists/);

    const etc = mkdtempSync(join(tmpdir(), 'kubesvc-etc-netns-'));
    mkdirSync(join(etc, `${p.names.netnsPrefix}pod-x`));
    mkdirSync(join(etc, 'someone-else'));
    const signals: [number, string][] = [];
    const dataDir = mkdtempSync(join(tmpdir(), 'kubesvc-data-'));
    try {
      const r = await cleanupCluster('kubesvc', { ip, dataDir, etcNetnsDir: etc, graceMs: 10, signal: (pid, sig) => signals.push([pid, sig]) });
      assert.deepEqual(r.netns, [`${p.names.netnsPrefix}pod-x`, p.nodes[0].netns, p.nodes[1].netns], 'pods first');
      assert.deepEqual(r.links, [p.names.bridge]);
      assert.deepEqual(r.etcDirs, [`${p.names.netnsPrefix}pod-x`]);
      assert.deepEqual([...ip.netns], ['someone-else']);
      assert.deepEqual(ip.links.filter((l) => l.netns === null).map((l) => l.ifname), ['lo', 'eth0']);
      assert.ok(existsSync(join(etc, 'someone-else')));
      // Idempotent.
      const again = await cleanupCluster('kubesvc', { ip, dataDir, etcNetnsDir: etc, graceMs: 10 });
      assert.deepEqual([again.netns, again.links, again.etcDirs], [[], [], []]);
    } finally {
      rmSync(etc, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
  it('a host veth that vanishes between listing and deleting (its node namespace took it) is not an error', async () => {
    // The kernel removes a deleted namespace's veth peers asynchronously: the host end can still be
    // listed, then `ip link del` answers "No such device".
    class RacingIp extends FakeIpCommand {
      override async run(argv: string[]): Promise<string> {
        if (argv[0] === 'link' && argv[1] === 'del' && argv[2] !== p.names.bridge) {
          this.calls.push(argv);
          throw new CommandError('ip', argv, 'RTNETLINK answers: No such device\n', 2);
        }
        return super.run(argv);
      }
    }
    const ip = new RacingIp();
    const net = new HostNet(ip);
    const p = makePlan(base);
    await net.createBridge(p.names.bridge, '172.30.0.1/24');
    await ip.run(['link', 'add', p.nodes[0].veth, 'type', 'dummy']); // listed, but gone when deleted
    const dataDir = mkdtempSync(join(tmpdir(), 'kubesvc-data-'));
    try {
      const r = await cleanupCluster('kubesvc', { ip, dataDir, etcNetnsDir: dataDir, graceMs: 10 });
      assert.ok(ip.calls.some((a) => a.join(' ') === `link del ${p.nodes[0].veth}`), 'the veth delete was tried');
      assert.ok(r.links.includes(p.names.bridge), 'and the bridge removed after it');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('cluster DNS manifests', () => {
  const m = { clusterIP: '10.96.0.10', self: ['/usr/bin/node', '/repo/bin/kubesvc.js'], kubeconfig: '/d/dns-kubeconfig' };
  it('Service kube-dns as Kubernetes ships it', () => {
    const s = kubeDnsService(m) as any;
    assert.equal(s.spec.clusterIP, '10.96.0.10');
    assert.deepEqual(s.spec.selector, { 'k8s-app': 'kube-dns' });
    assert.deepEqual(s.spec.ports.map((p: any) => `${p.name} ${p.port}/${p.protocol}`), ['dns 53/UDP', 'dns-tcp 53/TCP', 'metrics 9153/TCP']);
    assert.equal(s.metadata.labels['kubernetes.io/name'], 'KubeDNS');
  });
  it('Deployment kube-dns runs kubesvc dns in the pod netns', () => {
    const d = kubeDnsDeployment({ ...m, workers: 2 }) as any;
    assert.equal(d.spec.replicas, 2);
    const c = d.spec.template.spec.containers[0];
    assert.equal(c.name, 'dns');
    assert.deepEqual(c.command, ['/usr/bin/node', '/repo/bin/kubesvc.js', 'dns', '--kubeconfig', '/d/dns-kubeconfig', '--listen', '0.0.0.0:53', '--metrics', '0.0.0.0:9153', '--workers', '2', '--pods', 'insecure']);
    assert.deepEqual(c.readinessProbe.tcpSocket, { port: 53 });
    // Burstable, as CoreDNS's manifest: it stays ahead of BestEffort pods for CPU.
    assert.deepEqual(c.resources, { requests: { cpu: '100m', memory: '70Mi' }, limits: { memory: '170Mi' } });
  });
  it('two answering workers per DNS pod where there are 2 CPUs or more, one on a single CPU', () => {
    assert.deepEqual([1, 2, 4, 64].map(dnsWorkers), [1, 2, 2, 2]);
    const cmd = (kubeDnsDeployment(m) as any).spec.template.spec.containers[0].command as string[];
    assert.equal(cmd[cmd.indexOf('--workers') + 1], '1');
  });
});
