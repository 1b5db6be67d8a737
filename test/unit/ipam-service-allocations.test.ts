// Address plan: service CIDR 10.96.0.0/12 (10.96.0.1 default/kubernetes, 10.96.0.10
// kube-system/kube-dns), NodePorts 30000-32767; small ranges 10.0.0.0/29 and 30000-30002.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/object.js';
import { deepClone } from '../../src/api/object.js';
import { defaultService, prepareServiceForCreate, prepareServiceForUpdate } from '../../src/api/defaults/service.js';
import { ServiceAllocators, allocationsOf } from '../../src/controllers/ipam/allocators.js';
import { isPlanFailure, planServiceAllocation, planServiceRelease } from '../../src/controllers/ipam/service-allocations.js';
import type { AllocationPlan, PlanFailure } from '../../src/controllers/ipam/service-allocations.js';
import { seeded } from './ipam-rng.js';

const newAl = (cidr = '10.96.0.0/12', ports = { base: 30000, size: 2768 }) =>
  new ServiceAllocators({ serviceCIDR: cidr, nodePortRange: ports, rng: seeded(42) });

const svc = (name: string, spec: Record<string, unknown>, namespace = 'default'): KubeObject => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec },
});

/** The API server's create path, minus validation and storage. */
function create(al: ServiceAllocators, s: KubeObject): KubeObject | PlanFailure {
  const obj = deepClone(s);
  defaultService(obj);
  prepareServiceForCreate(obj);
  const plan = planServiceAllocation(undefined, obj, al);
  if (isPlanFailure(plan)) return plan;
  assert.deepEqual(al.apply(plan.allocate), { ok: true });
  return obj;
}

function update(al: ServiceAllocators, old: KubeObject, next: KubeObject): { obj: KubeObject; plan: AllocationPlan } | PlanFailure {
  const obj = deepClone(next);
  defaultService(obj);
  prepareServiceForUpdate(obj, old);
  const plan = planServiceAllocation(old, obj, al);
  if (isPlanFailure(plan)) return plan;
  assert.deepEqual(al.apply(plan.allocate), { ok: true });
  al.release(plan.release); // the write succeeded
  return { obj, plan };
}

const ok = (r: KubeObject | PlanFailure): KubeObject => {
  assert.ok(!('errors' in r) && !('internal' in r), JSON.stringify(r));
  return r as KubeObject;
};
const ipUsed = (al: ServiceAllocators, ip: string) => allocatedIPs(al).includes(ip);
const allocatedIPs = (al: ServiceAllocators) => [...al.ips].map((i) => al.ipAt(i));
const portsUsed = (al: ServiceAllocators) => [...al.ports].map((i) => i + al.portRange.base);

test('ClusterIP create: random IP from the upper range, families filled in', () => {
  const al = newAl();
  const s = ok(create(al, svc('web', {})));
  assert.match(s.spec.clusterIP, /^10\.(9[6-9]|10\d|11[01])\./);
  assert.deepEqual(s.spec.clusterIPs, [s.spec.clusterIP]);
  assert.deepEqual(s.spec.ipFamilies, ['IPv4']);
  assert.equal(s.spec.ipFamilyPolicy, 'SingleStack');
  assert.ok(ipUsed(al, s.spec.clusterIP));
  // Dynamic allocation keeps off the first 256 addresses (Kubernetes' range offset).
  assert.ok(al.ips.has(256) || [...al.ips][0] >= 256);
});

test('requested clusterIP honoured when free; 422 when taken, outside, or reserved', () => {
  const al = newAl();
  ok(create(al, svc('a', { clusterIP: '10.96.0.5' })));
  assert.ok(ipUsed(al, '10.96.0.5'));
  assert.deepEqual(create(al, svc('b', { clusterIP: '10.96.0.5' })), {
    errors: [{ type: 'FieldValueInvalid', field: 'spec.clusterIPs', value: ['10.96.0.5'], detail: 'failed to allocate IP 10.96.0.5: provided IP is already allocated' }],
  });
  assert.deepEqual(create(al, svc('c', { clusterIP: '10.200.0.1' })), {
    errors: [{ type: 'FieldValueInvalid', field: 'spec.clusterIPs', value: ['10.200.0.1'], detail: 'failed to allocate IP 10.200.0.1: the provided IP (10.200.0.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12' }],
  });
  assert.deepEqual(create(al, svc('d', { clusterIP: '10.96.0.10' })), {
    errors: [{ type: 'FieldValueInvalid', field: 'spec.clusterIPs', value: ['10.96.0.10'], detail: 'failed to allocate IP 10.96.0.10: provided IP is reserved for kube-system/kube-dns' }],
  });
  const dns = ok(create(al, svc('kube-dns', { clusterIP: '10.96.0.10' }, 'kube-system')));
  assert.equal(dns.spec.clusterIP, '10.96.0.10');
  const k = ok(create(al, svc('kubernetes', { clusterIP: '10.96.0.1', selector: undefined })));
  assert.equal(k.spec.clusterIP, '10.96.0.1');
  assert.equal(allocatedIPs(al).length, 3);
});

test('invalid clusterIP fields are reported before allocation', () => {
  const al = newAl();
  const r = create(al, svc('x', { clusterIP: 'not-an-ip' }));
  assert.deepEqual(r, { errors: [{ type: 'FieldValueInvalid', field: 'spec.clusterIPs[0]', value: 'not-an-ip', detail: 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)' }] });
  assert.deepEqual(create(al, svc('y', { clusterIP: '2001:db8::1' })), {
    errors: [{ type: 'FieldValueInvalid', field: 'spec.clusterIPs[0]', value: ['2001:db8::1'], detail: 'IPv6 is not configured on this cluster' }],
  });
  assert.deepEqual(create(al, svc('z', { ipFamilyPolicy: 'RequireDualStack' })), {
    errors: [{ type: 'FieldValueInvalid', field: 'spec.ipFamilyPolicy', value: 'RequireDualStack', detail: 'this cluster is not configured for dual-stack services' }],
  });
  assert.equal(al.ips.used, 0);
});

test('exhausting a small range: 500-class error, never the reserved address', () => {
  const al = new ServiceAllocators({ serviceCIDR: '10.0.0.0/28', nodePortRange: { base: 30000, size: 3 }, rng: seeded(1) });
  // 14 usable; .1 and .10 are reserved → 12 for ordinary services.
  const got = new Set<string>();
  for (let i = 0; i < 12; i++) got.add(ok(create(al, svc(`s${i}`, {}))).spec.clusterIP);
  assert.equal(got.size, 12);
  assert.ok(!got.has('10.0.0.1') && !got.has('10.0.0.10'));
  assert.deepEqual(create(al, svc('full', {})), { internal: 'failed to allocate a serviceIP: range is full' });
});

test('exhausting the nodePort range: 500-class error, IP not taken', () => {
  const al = new ServiceAllocators({ serviceCIDR: '10.0.0.0/24', nodePortRange: { base: 30000, size: 3 }, rng: seeded(1) });
  const got = new Set<number>();
  for (let i = 0; i < 3; i++) got.add(ok(create(al, svc(`np${i}`, { type: 'NodePort' }))).spec.ports[0].nodePort);
  assert.deepEqual([...got].sort(), [30000, 30001, 30002]);
  assert.deepEqual(create(al, svc('full', { type: 'NodePort' })), { internal: 'failed to allocate a nodePort: range is full' });
  assert.equal(al.ips.used, 3);
});

test('NodePort create: random and requested ports, range and duplicate errors', () => {
  const al = newAl();
  const a = ok(create(al, svc('a', { type: 'NodePort', ports: [{ port: 80, nodePort: 30007 }, { name: 'b', port: 443 }] })));
  assert.equal(a.spec.ports[0].nodePort, 30007);
  const p2 = a.spec.ports[1].nodePort;
  assert.ok(p2 >= 30086 && p2 <= 32767, `dynamic port ${p2} above the static band`);
  assert.deepEqual(portsUsed(al).sort(), [30007, p2].sort());
  assert.deepEqual(create(al, svc('b', { type: 'NodePort', ports: [{ port: 80, nodePort: 30007 }] })), {
    errors: [{ type: 'FieldValueInvalid', field: 'spec.ports[0].nodePort', value: 30007, detail: 'provided port is already allocated' }],
  });
  assert.deepEqual(create(al, svc('c', { type: 'NodePort', ports: [{ port: 80, nodePort: 40000 }] })), {
    errors: [{ type: 'FieldValueInvalid', field: 'spec.ports[0].nodePort', value: 40000, detail: 'provided port is not in the valid range. The range of valid ports is 30000-32767' }],
  });
  assert.equal(allocatedIPs(al).length, 1, 'failed plans took nothing');
});

test('NodePort create: TCP and UDP on the same port share one nodePort', () => {
  const al = newAl();
  const s = ok(create(al, svc('dns', { type: 'NodePort', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }] })));
  assert.equal(s.spec.ports[0].nodePort, s.spec.ports[1].nodePort);
  assert.equal(al.ports.used, 1);
});

test('LoadBalancer: nodePorts unless allocateLoadBalancerNodePorts=false; healthCheckNodePort for Local', () => {
  const al = newAl();
  const lb = ok(create(al, svc('lb', { type: 'LoadBalancer' })));
  assert.ok(lb.spec.ports[0].nodePort > 0);
  assert.equal(lb.spec.healthCheckNodePort, undefined);
  const bare = ok(create(al, svc('bare', { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false })));
  assert.equal(bare.spec.ports[0].nodePort, undefined);
  const req = ok(create(al, svc('req', { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false, ports: [{ port: 80, nodePort: 31000 }] })));
  assert.equal(req.spec.ports[0].nodePort, 31000, 'requested ports still honoured');
  const local = ok(create(al, svc('local', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' })));
  assert.ok(local.spec.healthCheckNodePort >= 30000);
  assert.notEqual(local.spec.healthCheckNodePort, local.spec.ports[0].nodePort);
  assert.deepEqual(create(al, svc('hc', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 31000 })), {
    internal: 'failed to allocate requested HealthCheck NodePort 31000: provided port is already allocated',
  });
});

test('ExternalName and headless: no allocations', () => {
  const al = newAl();
  const en = ok(create(al, { metadata: { name: 'db', namespace: 'default' }, spec: { type: 'ExternalName', externalName: 'db.example.com' } }));
  assert.equal(en.spec.clusterIP, undefined);
  assert.equal(en.spec.ipFamilies, undefined);
  const hl = ok(create(al, svc('hl', { clusterIP: 'None' })));
  assert.deepEqual(hl.spec.clusterIPs, ['None']);
  assert.deepEqual(hl.spec.ipFamilies, ['IPv4']);
  assert.equal(hl.spec.ipFamilyPolicy, 'SingleStack');
  const hs = ok(create(al, svc('hs', { clusterIP: 'None', selector: undefined })));
  assert.equal(hs.spec.ipFamilyPolicy, 'RequireDualStack', "Kubernetes' headless-selectorless default");
  assert.deepEqual(hs.spec.ipFamilies, ['IPv4', 'IPv6']);
  assert.equal(al.ips.used + al.ports.used, 0);
});

test('type changes allocate and release', async (t) => {
  const cases: { name: string; from: Record<string, unknown>; to: Record<string, unknown>; check: (al: ServiceAllocators, before: KubeObject, after: KubeObject) => void }[] = [
    {
      name: 'ClusterIP → NodePort keeps the IP, allocates nodePorts',
      from: {}, to: { type: 'NodePort' },
      check: (al, b, a) => { assert.equal(a.spec.clusterIP, b.spec.clusterIP); assert.ok(a.spec.ports[0].nodePort); assert.equal(al.ports.used, 1); },
    },
    {
      name: 'NodePort → ClusterIP releases nodePorts',
      from: { type: 'NodePort' }, to: { type: 'ClusterIP' },
      check: (al, b, a) => { assert.equal(a.spec.ports[0].nodePort, undefined); assert.equal(al.ports.used, 0); assert.equal(a.spec.clusterIP, b.spec.clusterIP); assert.equal(a.spec.externalTrafficPolicy, undefined); },
    },
    {
      name: 'NodePort → LoadBalancer keeps nodePorts (re-sent manifest without them)',
      from: { type: 'NodePort' }, to: { type: 'LoadBalancer' },
      check: (al, b, a) => { assert.equal(a.spec.ports[0].nodePort, b.spec.ports[0].nodePort); assert.equal(al.ports.used, 1); },
    },
    {
      name: 'LoadBalancer → NodePort keeps nodePorts, drops allocateLoadBalancerNodePorts',
      from: { type: 'LoadBalancer' }, to: { type: 'NodePort' },
      check: (al, b, a) => { assert.equal(a.spec.ports[0].nodePort, b.spec.ports[0].nodePort); assert.equal(a.spec.allocateLoadBalancerNodePorts, undefined); assert.equal(al.ports.used, 1); },
    },
    {
      name: 'LoadBalancer Local → Cluster releases the healthCheckNodePort',
      from: { type: 'LoadBalancer', externalTrafficPolicy: 'Local' }, to: { type: 'LoadBalancer', externalTrafficPolicy: 'Cluster' },
      check: (al, b, a) => { assert.equal(a.spec.healthCheckNodePort, undefined); assert.ok(b.spec.healthCheckNodePort); assert.equal(al.ports.used, 1); },
    },
    {
      name: 'LoadBalancer Cluster → Local allocates a healthCheckNodePort',
      from: { type: 'LoadBalancer' }, to: { type: 'LoadBalancer', externalTrafficPolicy: 'Local' },
      check: (al, _b, a) => { assert.ok(a.spec.healthCheckNodePort); assert.equal(al.ports.used, 2); },
    },
    {
      name: 'ClusterIP → ExternalName releases the IP and families',
      from: {}, to: { type: 'ExternalName', externalName: 'x.example.com' },
      check: (al, _b, a) => { assert.equal(a.spec.clusterIP, undefined); assert.equal(a.spec.clusterIPs, undefined); assert.equal(a.spec.ipFamilies, undefined); assert.equal(a.spec.ipFamilyPolicy, undefined); assert.equal(al.ips.used, 0); },
    },
    {
      name: 'LoadBalancer → ExternalName releases IP, nodePorts and healthCheckNodePort',
      from: { type: 'LoadBalancer', externalTrafficPolicy: 'Local' }, to: { type: 'ExternalName', externalName: 'x.example.com' },
      check: (al, _b, a) => { assert.equal(al.ips.used + al.ports.used, 0); assert.equal(a.spec.ports[0].nodePort, undefined); assert.equal(a.spec.healthCheckNodePort, undefined); },
    },
    {
      name: 'ExternalName → ClusterIP allocates an IP',
      from: { type: 'ExternalName', externalName: 'x.example.com' }, to: {},
      check: (al, _b, a) => { assert.ok(a.spec.clusterIP); assert.deepEqual(a.spec.ipFamilies, ['IPv4']); assert.equal(al.ips.used, 1); },
    },
    {
      name: 'ExternalName → NodePort allocates IP and nodePort',
      from: { type: 'ExternalName', externalName: 'x.example.com' }, to: { type: 'NodePort' },
      check: (al) => { assert.equal(al.ips.used, 1); assert.equal(al.ports.used, 1); },
    },
    {
      name: 'NodePort nodePort changed: new one taken, old one released after the write',
      from: { type: 'NodePort', ports: [{ port: 80, nodePort: 30001 }] }, to: { type: 'NodePort', ports: [{ port: 80, nodePort: 30002 }] },
      check: (al) => assert.deepEqual(portsUsed(al), [30002]),
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const al = newAl();
      const before = ok(create(al, svc('s', c.from)));
      const r = update(al, before, svc('s', c.to));
      assert.ok(!isPlanFailure(r as never), JSON.stringify(r));
      c.check(al, before, (r as { obj: KubeObject }).obj);
    });
  }
});

test('update that fails to write rolls back: new values freed, old ones kept', () => {
  const al = newAl();
  const before = ok(create(al, svc('s', { type: 'NodePort', ports: [{ port: 80, nodePort: 30001 }] })));
  const obj = svc('s', { type: 'NodePort', ports: [{ port: 80, nodePort: 30002 }] });
  defaultService(obj);
  prepareServiceForUpdate(obj, before);
  const plan = planServiceAllocation(before, obj, al) as AllocationPlan;
  assert.deepEqual(plan, { allocate: [{ kind: 'nodePort', port: 30002 }], release: [{ kind: 'nodePort', port: 30001 }] });
  al.apply(plan.allocate);
  al.release(plan.allocate); // storage write failed
  assert.deepEqual(portsUsed(al), [30001]);
});

test('apply is all-or-nothing on a clash', () => {
  const al = newAl();
  al.apply([{ kind: 'nodePort', port: 30005 }]);
  const r = al.apply([{ kind: 'clusterIP', ip: '10.96.5.5' }, { kind: 'nodePort', port: 30005 }]);
  assert.deepEqual(r, { ok: false, clash: { kind: 'nodePort', port: 30005 } });
  assert.equal(al.ips.used, 0);
});

test('delete releases everything a Service holds', () => {
  const al = newAl();
  const s = ok(create(al, svc('s', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' })));
  assert.equal(planServiceRelease(s).length, 3);
  al.release(planServiceRelease(s));
  assert.equal(al.ips.used + al.ports.used, 0);
});

test('200 creates get distinct IPs and nodePorts', () => {
  const al = newAl();
  const ips = new Set<string>(), ports = new Set<number>();
  for (let i = 0; i < 200; i++) {
    const s = ok(create(al, svc(`s${i}`, { type: 'NodePort' })));
    ips.add(s.spec.clusterIP);
    ports.add(s.spec.ports[0].nodePort);
  }
  assert.equal(ips.size, 200);
  assert.equal(ports.size, 200);
});

test('rebuildFromServices restores state and reports conflicts', () => {
  const al = newAl();
  const stored: KubeObject[] = [];
  for (let i = 0; i < 20; i++) stored.push(ok(create(al, svc(`s${i}`, { type: i % 2 ? 'NodePort' : 'ClusterIP' }))));
  stored.push(ok(create(al, svc('dns', { type: 'NodePort', ports: [{ name: 'a', port: 53, protocol: 'UDP' }, { name: 'b', port: 53, protocol: 'TCP' }] }))));
  const fresh = newAl();
  assert.deepEqual(fresh.rebuildFromServices(stored), []);
  assert.deepEqual([...fresh.ips], [...al.ips]);
  assert.deepEqual([...fresh.ports], [...al.ports]);
  const dup = deepClone(stored[0]);
  dup.metadata.name = 'copy';
  const outside = svc('out', { clusterIP: '192.168.0.1', clusterIPs: ['192.168.0.1'] });
  const problems = fresh.rebuildFromServices([...stored, dup, outside]);
  assert.deepEqual(problems, [
    `Cluster IP ${stored[0].spec.clusterIP} of default/copy was assigned to multiple services; please recreate service`,
    'Cluster IP 192.168.0.1 of default/out is not within the service CIDR 10.96.0.0/12; please recreate service',
  ]);
  assert.deepEqual(allocationsOf(stored[1]).map((a) => a.kind), ['clusterIP', 'nodePort']);
});

test('snapshot / restore round-trip; mismatched ranges refused', () => {
  const al = newAl();
  for (let i = 0; i < 5; i++) ok(create(al, svc(`s${i}`, { type: 'NodePort' })));
  const copy = newAl();
  copy.restore(al.snapshot());
  assert.deepEqual([...copy.ips], [...al.ips]);
  assert.deepEqual([...copy.ports], [...al.ports]);
  assert.throws(() => newAl('10.0.0.0/24').restore(al.snapshot()), /network does not match/);
});
