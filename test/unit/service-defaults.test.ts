import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/object.js';
import { defaultIPFamilies, defaultService, prepareServiceForCreate, prepareServiceForUpdate } from '../../src/api/defaults/service.js';

const run = (spec: Record<string, unknown>, status?: unknown): KubeObject => {
  const s: KubeObject = { metadata: { name: 's', namespace: 'default' }, spec, ...(status ? { status } : {}) };
  defaultService(s);
  return s;
};

const cases: { name: string; in: Record<string, unknown>; want: Record<string, unknown> }[] = [
  {
    name: 'ClusterIP: type, protocol, targetPort, affinity, internal policy',
    in: { ports: [{ port: 80 }] },
    want: { type: 'ClusterIP', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster', ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] },
  },
  {
    name: 'named and explicit targetPorts kept; 0 and "" replaced',
    in: { ports: [{ name: 'a', port: 80, targetPort: 'http' }, { name: 'b', port: 81, targetPort: 8081, protocol: 'UDP' }, { name: 'c', port: 82, targetPort: 0 }, { name: 'd', port: 83, targetPort: '' }] },
    want: {
      type: 'ClusterIP', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster',
      ports: [
        { name: 'a', port: 80, targetPort: 'http', protocol: 'TCP' }, { name: 'b', port: 81, targetPort: 8081, protocol: 'UDP' },
        { name: 'c', port: 82, targetPort: 82, protocol: 'TCP' }, { name: 'd', port: 83, targetPort: 83, protocol: 'TCP' },
      ],
    },
  },
  {
    name: 'a port without port: stays without targetPort (validation names it)',
    in: { ports: [{ targetPort: 8080 }, { name: 'x' }] },
    want: { type: 'ClusterIP', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster', ports: [{ targetPort: 8080, protocol: 'TCP' }, { name: 'x', protocol: 'TCP' }] },
  },
  {
    name: 'ClientIP affinity gets the 10800s timeout',
    in: { sessionAffinity: 'ClientIP' },
    want: { type: 'ClusterIP', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } }, internalTrafficPolicy: 'Cluster' },
  },
  {
    name: 'ClientIP with a timeout keeps it',
    in: { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } },
    want: { type: 'ClusterIP', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } }, internalTrafficPolicy: 'Cluster' },
  },
  {
    name: 'affinity None drops a stray sessionAffinityConfig',
    in: { sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } },
    want: { type: 'ClusterIP', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster' },
  },
  {
    name: 'NodePort: externalTrafficPolicy Cluster',
    in: { type: 'NodePort' },
    want: { type: 'NodePort', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster', externalTrafficPolicy: 'Cluster' },
  },
  {
    name: 'LoadBalancer: externalTrafficPolicy and allocateLoadBalancerNodePorts',
    in: { type: 'LoadBalancer' },
    want: { type: 'LoadBalancer', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster', externalTrafficPolicy: 'Cluster', allocateLoadBalancerNodePorts: true },
  },
  {
    name: 'LoadBalancer keeps explicit Local and allocateLoadBalancerNodePorts=false',
    in: { type: 'LoadBalancer', externalTrafficPolicy: 'Local', allocateLoadBalancerNodePorts: false },
    want: { type: 'LoadBalancer', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster', externalTrafficPolicy: 'Local', allocateLoadBalancerNodePorts: false },
  },
  {
    name: 'ClusterIP with externalIPs is externally accessible',
    in: { externalIPs: ['192.0.2.1'] },
    want: { type: 'ClusterIP', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster', externalIPs: ['192.0.2.1'], externalTrafficPolicy: 'Cluster' },
  },
  {
    name: 'ExternalName: no internalTrafficPolicy, no externalTrafficPolicy',
    in: { type: 'ExternalName', externalName: 'db.example.com' },
    want: { type: 'ExternalName', externalName: 'db.example.com', sessionAffinity: 'None' },
  },
];

for (const c of cases) test(`defaultService: ${c.name}`, () => assert.deepEqual(run(structuredClone(c.in)).spec, c.want));

test('defaultService: LoadBalancer status ingress IP gets ipMode VIP', () => {
  const s = run({ type: 'LoadBalancer' }, { loadBalancer: { ingress: [{ ip: '172.30.0.200' }, { hostname: 'lb.example.com' }] } });
  assert.deepEqual(s.status.loadBalancer.ingress, [{ ip: '172.30.0.200', ipMode: 'VIP' }, { hostname: 'lb.example.com' }]);
});

test('defaultService is idempotent', () => {
  const s = run({ type: 'LoadBalancer', sessionAffinity: 'ClientIP', ports: [{ port: 80 }] });
  const again = structuredClone(s);
  defaultService(again);
  assert.deepEqual(again, s);
});

test('prepareServiceForCreate: clusterIP None → clusterIPs [None]; status reset', () => {
  const s: KubeObject = { metadata: { name: 'h' }, spec: { clusterIP: 'None' }, status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } } };
  prepareServiceForCreate(s);
  assert.deepEqual(s.spec.clusterIPs, ['None']);
  assert.deepEqual(s.status, { loadBalancer: {} });
});

test('defaultIPFamilies: SingleStack IPv4; headless with selector too; headless without selector dual; ExternalName none', () => {
  const mk = (spec: Record<string, unknown>): KubeObject => ({ metadata: { name: 'x' }, spec });
  const a = mk({ type: 'ClusterIP', selector: { app: 'a' } });
  assert.deepEqual(defaultIPFamilies(a), []);
  assert.deepEqual([a.spec.ipFamilyPolicy, a.spec.ipFamilies], ['SingleStack', ['IPv4']]);
  const h = mk({ type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], selector: { app: 'a' } });
  defaultIPFamilies(h);
  assert.deepEqual([h.spec.ipFamilyPolicy, h.spec.ipFamilies], ['SingleStack', ['IPv4']]);
  const hs = mk({ type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'] });
  defaultIPFamilies(hs);
  assert.deepEqual([hs.spec.ipFamilyPolicy, hs.spec.ipFamilies], ['RequireDualStack', ['IPv4', 'IPv6']]);
  const en = mk({ type: 'ExternalName', externalName: 'x.example.com' });
  defaultIPFamilies(en);
  assert.deepEqual(en.spec, { type: 'ExternalName', externalName: 'x.example.com' });
  const pd = mk({ type: 'ClusterIP', ipFamilyPolicy: 'PreferDualStack' });
  defaultIPFamilies(pd);
  assert.deepEqual(pd.spec.ipFamilies, ['IPv4'], 'PreferDualStack on a single-stack cluster');
  const v6 = mk({ type: 'ClusterIP', ipFamilies: ['IPv6'] });
  assert.deepEqual(defaultIPFamilies(v6), [{ type: 'FieldValueInvalid', field: 'spec.ipFamilies[0]', value: 'IPv6', detail: 'not configured on this cluster' }]);
  const two = mk({ type: 'ClusterIP', ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4', 'IPv6'] });
  assert.deepEqual(defaultIPFamilies(two), [{ type: 'FieldValueInvalid', field: 'spec.ipFamilyPolicy', value: 'SingleStack', detail: "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified" }]);
});

test('prepareServiceForUpdate: a re-applied manifest keeps allocated values', () => {
  const old: KubeObject = {
    metadata: { name: 's' },
    spec: { type: 'LoadBalancer', clusterIP: '10.96.1.5', clusterIPs: ['10.96.1.5'], externalTrafficPolicy: 'Local', healthCheckNodePort: 31999, ports: [{ name: 'http', port: 80, nodePort: 30080 }] },
    status: { loadBalancer: { ingress: [{ ip: '172.30.0.200', ipMode: 'VIP' }] } },
  };
  const next: KubeObject = { metadata: { name: 's' }, spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ name: 'http', port: 8080 }] } };
  prepareServiceForUpdate(next, old);
  assert.equal(next.spec.clusterIP, '10.96.1.5');
  assert.deepEqual(next.spec.clusterIPs, ['10.96.1.5']);
  assert.equal(next.spec.ports[0].nodePort, 30080, 'matched by port name');
  assert.equal(next.spec.healthCheckNodePort, 31999);
  assert.deepEqual(next.status, old.status);
});

test('prepareServiceForUpdate: type change wipes what the new type does not use, unless the user changed it', () => {
  const old: KubeObject = { metadata: { name: 's' }, spec: { type: 'NodePort', clusterIP: '10.96.1.5', clusterIPs: ['10.96.1.5'], externalTrafficPolicy: 'Cluster', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', ports: [{ port: 80, nodePort: 30080 }] } };
  const toEN: KubeObject = { metadata: { name: 's' }, spec: { ...structuredClone(old.spec), type: 'ExternalName', externalName: 'x.example.com' } };
  prepareServiceForUpdate(toEN, old);
  assert.deepEqual(toEN.spec, { type: 'ExternalName', externalName: 'x.example.com', ports: [{ port: 80 }] });
  const changed: KubeObject = { metadata: { name: 's' }, spec: { ...structuredClone(old.spec), type: 'ClusterIP', ports: [{ port: 80, nodePort: 30081 }] } };
  prepareServiceForUpdate(changed, old);
  assert.equal(changed.spec.ports[0].nodePort, 30081, 'left for validation to reject');
});
