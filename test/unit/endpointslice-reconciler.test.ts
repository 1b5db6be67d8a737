// Table-driven tests of the pure EndpointSlice reconciler.
// Address plan: pods 10.244.1.0/24 (node-1, zone-a) and 10.244.2.0/24 (node-2,
// zone-b); ClusterIPs 10.96.0.0/12. Namespace "ns", Service "web" (uid svc-uid).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deepClone, type KubeObject } from '../../src/api/object.js';
import { reconcileSlices, type ReconcileSlicesInput } from '../../src/controllers/endpointslice/reconciler.js';
import { TriggerTimeTracker, formatRFC3339Nano } from '../../src/controllers/endpointslice/trigger-time.js';
import type { EndpointSlice } from '../../src/controllers/endpointslice/types.js';

const T0 = '2024-05-01T10:00:00Z';
const T1 = '2024-05-01T10:00:05Z';

function svc(over: Record<string, any> = {}, meta: Record<string, any> = {}): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name: 'web', namespace: 'ns', uid: 'svc-uid', creationTimestamp: T0, ...meta },
    spec: { type: 'ClusterIP', clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'], selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }], ...over },
  };
}

interface PodOpts { ip?: string; ready?: boolean; node?: string; phase?: string; deleting?: boolean; hostname?: string; subdomain?: string; ports?: any[]; labels?: Record<string, string> }
function pod(name: string, o: PodOpts = {}): KubeObject {
  const ready = o.ready ?? true;
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, labels: o.labels ?? { app: 'web' }, creationTimestamp: T0, ...(o.deleting ? { deletionTimestamp: T1 } : {}) },
    spec: { nodeName: o.node ?? 'node-1', ...(o.hostname ? { hostname: o.hostname } : {}), ...(o.subdomain ? { subdomain: o.subdomain } : {}), containers: [{ name: 'c', ports: o.ports ?? [] }] },
    status: {
      phase: o.phase ?? 'Running', ...(o.ip === '' ? {} : { podIP: o.ip ?? '10.244.1.1', podIPs: [{ ip: o.ip ?? '10.244.1.1' }] }),
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: T1 }],
    },
  };
}

const podN = (i: number, o: PodOpts = {}): KubeObject => pod(`p${String(i).padStart(3, '0')}`, { ip: `10.244.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`, ...o });

/** Applies a reconcile result the way the API server would, naming new slices. */
let seq = 0;
function apply(existing: EndpointSlice[], r: ReturnType<typeof reconcileSlices>): EndpointSlice[] {
  const byName = new Map(existing.map((s) => [s.metadata.name!, s]));
  for (const s of r.delete) byName.delete(s.metadata.name!);
  for (const s of r.update) byName.set(s.metadata.name!, deepClone(s));
  for (const s of r.create) {
    const c = deepClone(s);
    c.metadata.name = `${s.metadata.generateName}${++seq}`;
    c.metadata.resourceVersion = String(seq);
    byName.set(c.metadata.name, c);
  }
  return [...byName.values()];
}

const run = (i: Partial<ReconcileSlicesInput> & { service?: KubeObject }) =>
  reconcileSlices({ service: svc(), pods: [], existingSlices: [], ...i });
const eps = (slices: EndpointSlice[]) => slices.flatMap((s) => s.endpoints);
const addrs = (slices: EndpointSlice[]) => eps(slices).map((e) => e.addresses[0]).sort();

describe('reconcileSlices: what a new Service gets', () => {
  const cases: { name: string; input: Partial<ReconcileSlicesInput>; check(r: ReturnType<typeof reconcileSlices>): void }[] = [
    {
      name: 'one ready pod: labels, owner, generateName, addressType, ports, conditions, targetRef, nodeName',
      input: { pods: [pod('a')] },
      check(r) {
        assert.equal(r.create.length, 1);
        const s = r.create[0];
        assert.equal(s.metadata.generateName, 'web-');
        assert.equal(s.metadata.namespace, 'ns');
        assert.deepEqual(s.metadata.labels, { 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
        assert.deepEqual(s.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'svc-uid', controller: true, blockOwnerDeletion: true }]);
        assert.equal(s.addressType, 'IPv4');
        assert.deepEqual(s.ports, [{ name: 'http', protocol: 'TCP', port: 8080 }]);
        assert.deepEqual(s.endpoints, [{
          addresses: ['10.244.1.1'], conditions: { ready: true, serving: true, terminating: false },
          targetRef: { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'uid-a' }, nodeName: 'node-1',
        }]);
      },
    },
    {
      name: 'service labels are copied, reserved ones overridden',
      input: { service: svc({}, { labels: { team: 'x', 'kubernetes.io/service-name': 'evil' } }), pods: [pod('a')] },
      check(r) { assert.deepEqual(r.create[0].metadata.labels, { team: 'x', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' }); },
    },
    {
      name: 'not-ready pod: ready=false serving=false',
      input: { pods: [pod('a', { ready: false })] },
      check(r) { assert.deepEqual(r.create[0].endpoints[0].conditions, { ready: false, serving: false, terminating: false }); },
    },
    {
      name: 'terminating ready pod stays: ready=false, serving=true, terminating=true',
      input: { pods: [pod('a', { deleting: true })] },
      check(r) { assert.deepEqual(r.create[0].endpoints[0].conditions, { ready: false, serving: true, terminating: true }); },
    },
    {
      name: 'terminating not-ready pod: serving=false',
      input: { pods: [pod('a', { deleting: true, ready: false })] },
      check(r) { assert.deepEqual(r.create[0].endpoints[0].conditions, { ready: false, serving: false, terminating: true }); },
    },
    {
      name: 'publishNotReadyAddresses: not-ready and terminating pods are ready',
      input: { service: svc({ publishNotReadyAddresses: true }), pods: [pod('a', { ready: false }), pod('b', { ip: '10.244.1.2', deleting: true })] },
      check(r) {
        assert.deepEqual(eps(r.create).map((e) => e.conditions), [{ ready: true, serving: false, terminating: false }, { ready: true, serving: true, terminating: true }]);
      },
    },
    {
      name: 'pods without IP and terminal pods are skipped; a Service with none gets a placeholder slice',
      input: { pods: [pod('a', { ip: '' }), pod('b', { ip: '10.244.1.2', phase: 'Succeeded' }), pod('c', { ip: '10.244.1.3', phase: 'Failed' })] },
      check(r) {
        assert.equal(r.create.length, 1);
        assert.deepEqual(r.create[0].endpoints, []);
        assert.deepEqual(r.create[0].ports, []);
      },
    },
    {
      name: 'headless Service gets slices and the headless label; hostname when subdomain matches',
      input: {
        service: svc({ clusterIP: 'None', clusterIPs: ['None'] }),
        pods: [pod('a', { hostname: 'a-host', subdomain: 'web' }), pod('b', { ip: '10.244.1.2', hostname: 'b-host', subdomain: 'other' }), pod('c', { ip: '10.244.1.3', subdomain: 'web' })],
      },
      check(r) {
        assert.equal(r.create[0].metadata.labels!['service.kubernetes.io/headless'], '');
        assert.deepEqual(eps(r.create).map((e) => e.hostname), ['a-host', undefined, undefined]);
      },
    },
    {
      name: 'headless without ports: endpoints with no ports',
      input: { service: svc({ clusterIP: 'None', clusterIPs: ['None'], ports: undefined }), pods: [pod('a')] },
      check(r) { assert.deepEqual(r.create[0].ports, []); assert.equal(r.create[0].endpoints.length, 1); },
    },
    {
      name: 'ExternalName Service gets nothing',
      input: { service: svc({ type: 'ExternalName', externalName: 'example.com', clusterIP: undefined }), pods: [pod('a')] },
      check(r) { assert.deepEqual([r.create, r.update, r.delete], [[], [], []]); },
    },
    {
      name: 'selector-less Service gets nothing',
      input: { service: svc({ selector: undefined }), pods: [pod('a')] },
      check(r) { assert.deepEqual([r.create, r.update, r.delete], [[], [], []]); },
    },
    {
      name: 'named targetPort resolved per pod: different container ports go to different slices',
      input: {
        service: svc({ ports: [{ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' }] }),
        pods: [
          pod('a', { ports: [{ name: 'web', containerPort: 8080, protocol: 'TCP' }] }),
          pod('b', { ip: '10.244.1.2', ports: [{ name: 'web', containerPort: 9090, protocol: 'TCP' }] }),
          pod('c', { ip: '10.244.1.3', ports: [{ name: 'web', containerPort: 8080 }] }),
          pod('d', { ip: '10.244.1.4', ports: [{ name: 'web', containerPort: 7070, protocol: 'UDP' }] }),
        ],
      },
      check(r) {
        const byPort = Object.fromEntries(r.create.map((s) => [JSON.stringify(s.ports), addrs([s])]));
        assert.deepEqual(byPort, {
          [JSON.stringify([{ name: 'http', protocol: 'TCP', port: 8080 }])]: ['10.244.1.1', '10.244.1.3'],
          [JSON.stringify([{ name: 'http', protocol: 'TCP', port: 9090 }])]: ['10.244.1.2'],
          // the UDP port does not match the TCP service port: the pod serves no port of it
          [JSON.stringify([])]: ['10.244.1.4'],
        });
      },
    },
    {
      name: 'appProtocol is carried',
      input: { service: svc({ ports: [{ name: 'h2', port: 80, targetPort: 80, protocol: 'TCP', appProtocol: 'kubernetes.io/h2c' }] }), pods: [pod('a')] },
      check(r) { assert.deepEqual(r.create[0].ports, [{ name: 'h2', protocol: 'TCP', port: 80, appProtocol: 'kubernetes.io/h2c' }]); },
    },
    {
      name: 'zone from the node; pods on unknown nodes are held back and reported',
      input: {
        pods: [pod('a'), pod('b', { ip: '10.244.2.1', node: 'node-9' })],
        nodes: new Map([['node-1', { metadata: { name: 'node-1', labels: { 'topology.kubernetes.io/zone': 'zone-a' } } }]]),
      },
      check(r) {
        assert.deepEqual(eps(r.create).map((e) => [e.addresses[0], e.zone]), [['10.244.1.1', 'zone-a']]);
        assert.equal(r.errors.length, 1);
        assert.match(r.errors[0], /node-9/);
      },
    },
    {
      name: '250 endpoints split into 100+100+50',
      input: { pods: Array.from({ length: 250 }, (_, i) => podN(i)) },
      check(r) { assert.deepEqual(r.create.map((s) => s.endpoints.length), [100, 100, 50]); },
    },
    {
      name: 'maxEndpointsPerSlice is configurable',
      input: { pods: Array.from({ length: 5 }, (_, i) => podN(i)), maxEndpointsPerSlice: 2 },
      check(r) { assert.deepEqual(r.create.map((s) => s.endpoints.length), [2, 2, 1]); },
    },
    {
      name: 'trigger time is stamped as RFC3339Nano',
      input: { pods: [pod('a')], triggerTime: new Date(T1) },
      check(r) { assert.equal(r.create[0].metadata.annotations!['endpoints.kubernetes.io/last-change-trigger-time'], T1); },
    },
    {
      name: 'a Service being deleted creates nothing',
      input: { service: svc({}, { deletionTimestamp: T1 }), pods: [pod('a')] },
      check(r) { assert.deepEqual(r.create, []); },
    },
  ];
  for (const c of cases) test(c.name, () => c.check(run(c.input)));
});

describe('reconcileSlices: changes to existing slices', () => {
  const initial = (pods: KubeObject[], o: Partial<ReconcileSlicesInput> = {}) => apply([], run({ pods, ...o }));

  test('an unchanged endpoint set writes nothing (also for the placeholder)', () => {
    const pods = Array.from({ length: 150 }, (_, i) => podN(i));
    const slices = initial(pods);
    const r = run({ pods, existingSlices: slices, triggerTime: new Date(T1) });
    assert.deepEqual([r.create, r.update, r.delete], [[], [], []]);
    const empty = initial([]);
    const r2 = run({ pods: [], existingSlices: empty });
    assert.deepEqual([r2.create, r2.update, r2.delete], [[], [], []]);
  });

  test('a readiness change updates only the slice holding that pod', () => {
    const pods = Array.from({ length: 150 }, (_, i) => podN(i));
    const slices = initial(pods);
    const changed = pods.map((p, i) => (i === 120 ? podN(120, { ready: false }) : p));
    const r = run({ pods: changed, existingSlices: slices });
    assert.deepEqual([r.create.length, r.update.length, r.delete.length], [0, 1, 0]);
    const ep = r.update[0].endpoints.find((e) => e.targetRef?.name === 'p120')!;
    assert.deepEqual(ep.conditions, { ready: false, serving: false, terminating: false });
    assert.equal(r.update[0].metadata.resourceVersion, slices.find((s) => s.metadata.name === r.update[0].metadata.name)!.metadata.resourceVersion);
  });

  test('a removed pod leaves its slice; the last one turns the slice into the placeholder', () => {
    const slices = initial([pod('a'), pod('b', { ip: '10.244.1.2' })]);
    const r = run({ pods: [pod('a')], existingSlices: slices });
    assert.deepEqual([r.create.length, r.update.length, r.delete.length], [0, 1, 0]);
    assert.deepEqual(addrs(r.update), ['10.244.1.1']);
    const r2 = run({ pods: [], existingSlices: slices });
    // the emptied slice is reused as the placeholder: an update, no delete+create
    assert.deepEqual([r2.create.length, r2.update.length, r2.delete.length], [0, 1, 0]);
    assert.deepEqual(r2.update[0].endpoints, []);
    assert.deepEqual(r2.update[0].ports, []);
  });

  test('placeholder becomes the first real slice by update', () => {
    const slices = initial([]);
    const r = run({ pods: [pod('a')], existingSlices: slices });
    assert.deepEqual([r.create.length, r.update.length, r.delete.length], [0, 1, 0]);
    assert.equal(r.update[0].metadata.name, slices[0].metadata.name);
    assert.deepEqual(addrs(r.update), ['10.244.1.1']);
  });

  test('new endpoints fill existing slices before new ones are created', () => {
    const slices = initial(Array.from({ length: 130 }, (_, i) => podN(i)));
    assert.deepEqual(slices.map((s) => s.endpoints.length).sort((a, b) => a - b), [30, 100]);
    const r = run({ pods: Array.from({ length: 150 }, (_, i) => podN(i)), existingSlices: slices });
    assert.deepEqual([r.create.length, r.update.length, r.delete.length], [0, 1, 0]);
    assert.equal(r.update[0].endpoints.length, 50);
  });

  test('additions go to slices already being updated first', () => {
    const slices = initial(Array.from({ length: 130 }, (_, i) => podN(i)));
    const pods = Array.from({ length: 135 }, (_, i) => podN(i)).filter((p) => p.metadata.name !== 'p005');
    const r = run({ pods, existingSlices: slices });
    // the slice that lost p005 is topped up to 100, the rest goes to the unchanged one
    assert.deepEqual([r.create.length, r.update.length, r.delete.length], [0, 2, 0]);
    assert.deepEqual(r.update.map((s) => s.endpoints.length), [100, 34]);
    assert.equal(eps(apply(slices, r)).length, 134);
  });

  test('overflow beyond capacity creates a new slice', () => {
    const slices = initial(Array.from({ length: 100 }, (_, i) => podN(i)));
    const r = run({ pods: Array.from({ length: 101 }, (_, i) => podN(i)), existingSlices: slices });
    assert.deepEqual([r.create.length, r.update.length, r.delete.length], [1, 0, 0]);
    assert.equal(r.create[0].endpoints.length, 1);
  });

  test('a changed Service label updates every slice', () => {
    const slices = initial([pod('a')]);
    const r = run({ service: svc({}, { labels: { tier: 'fe' } }), pods: [pod('a')], existingSlices: slices });
    assert.equal(r.update.length, 1);
    assert.equal(r.update[0].metadata.labels!.tier, 'fe');
  });

  test('a port change replaces the slice contents by update, not delete+create', () => {
    const slices = initial([pod('a')]);
    const r = run({ service: svc({ ports: [{ name: 'http', port: 80, targetPort: 9000, protocol: 'TCP' }] }), pods: [pod('a')], existingSlices: slices });
    assert.deepEqual([r.create.length, r.update.length, r.delete.length], [0, 1, 0]);
    assert.deepEqual(r.update[0].ports, [{ name: 'http', protocol: 'TCP', port: 9000 }]);
  });

  test('slices not owned by this Service (same name, old uid) or of another address type are deleted', () => {
    const stale = initial([pod('a')], { service: svc({}, { uid: 'old-uid' }) });
    const v6: EndpointSlice = { ...deepClone(stale[0]), metadata: { ...stale[0].metadata, name: 'web-v6' }, addressType: 'IPv6' };
    const r = run({ pods: [pod('a')], existingSlices: [...stale, v6] });
    assert.deepEqual(r.delete.map((s) => s.metadata.name).sort(), [stale[0].metadata.name, 'web-v6'].sort());
    assert.equal(r.create.length, 1);
    assert.equal(r.create[0].metadata.ownerReferences![0].uid, 'svc-uid');
  });

  test('inputs are not mutated', () => {
    const pods = Array.from({ length: 120 }, (_, i) => podN(i, { hostname: 'h', subdomain: 'web' }));
    const slices = initial(pods.slice(0, 110));
    const service = svc();
    const before = deepClone({ pods, slices, service });
    const r = run({ service, pods, existingSlices: slices, triggerTime: new Date(T1) });
    for (const s of [...r.update, ...r.create]) s.endpoints.push({ addresses: ['1.1.1.1'], conditions: {} });
    assert.deepEqual({ pods, slices, service }, before);
  });
});

describe('TriggerTimeTracker', () => {
  test('first sync: Service creation; later: the earliest changed pod Ready transition; nothing changed: none', () => {
    const t = new TriggerTimeTracker();
    const s = svc();
    assert.equal(t.compute('ns/web', s, [pod('a')])?.toISOString(), new Date(T0).toISOString());
    assert.equal(t.compute('ns/web', s, [pod('a')]), undefined);
    const later = (name: string, at: string): KubeObject => {
      const p = pod(name);
      p.status.conditions[0].lastTransitionTime = at;
      return p;
    };
    assert.equal(t.compute('ns/web', s, [later('a', '2024-05-01T10:01:00Z'), later('b', '2024-05-01T10:00:30Z')])?.toISOString(), '2024-05-01T10:00:30.000Z');
    t.delete('ns/web');
    assert.equal(t.compute('ns/web', s, [])?.toISOString(), new Date(T0).toISOString());
  });

  test('formatRFC3339Nano trims trailing zeros', () => {
    assert.equal(formatRFC3339Nano(new Date('2024-05-01T10:00:00.000Z')), '2024-05-01T10:00:00Z');
    assert.equal(formatRFC3339Nano(new Date('2024-05-01T10:00:00.120Z')), '2024-05-01T10:00:00.12Z');
  });
});
