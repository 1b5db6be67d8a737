// Pure cores of the Endpoints controller (subsets, repacking, write decisions)
// and of EndpointSlice mirroring. Pods 10.244.1.0/24; external addresses 192.0.2.0/24.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deepClone, type KubeObject } from '../../src/api/object.js';
import { repackSubsets } from '../../src/controllers/endpoints/subsets.js';
import { reconcileEndpoints } from '../../src/controllers/endpoints/reconciler.js';
import { reconcileMirror } from '../../src/controllers/mirroring/reconciler.js';

const svc = (spec: Record<string, any> = {}, labels?: Record<string, string>): KubeObject => ({
  metadata: { name: 'web', namespace: 'ns', uid: 'svc-uid', creationTimestamp: '2024-05-01T10:00:00Z', ...(labels ? { labels } : {}) },
  spec: { clusterIP: '10.96.0.20', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }], ...spec },
});
const pod = (name: string, ip: string, ready = true, extra: Record<string, any> = {}): KubeObject => ({
  metadata: { name, namespace: 'ns', uid: `uid-${name}`, labels: { app: 'web' }, ...(extra.deleting ? { deletionTimestamp: '2024-05-01T10:00:09Z' } : {}) },
  spec: { nodeName: 'node-1', containers: [{ name: 'c', ports: extra.ports ?? [] }] },
  status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});
const ref = (name: string) => ({ kind: 'Pod', namespace: 'ns', name, uid: `uid-${name}` });

describe('repackSubsets', () => {
  const a = { ip: '10.0.0.1' }, b = { ip: '10.0.0.2' };
  const p80 = { name: 'a', port: 80, protocol: 'TCP' }, p443 = { name: 'b', port: 443, protocol: 'TCP' };
  const cases = [
    { name: 'same ports merge, addresses sorted', in: [{ addresses: [b], ports: [p80] }, { addresses: [a], ports: [p80] }], want: [{ addresses: [a, b], ports: [p80] }] },
    { name: 'addresses serving the same ports merge their ports', in: [{ addresses: [a], ports: [p443] }, { addresses: [a], ports: [p80] }], want: [{ addresses: [a], ports: [p80, p443] }] },
    { name: 'not ready trumps ready', in: [{ addresses: [a], ports: [p80] }, { notReadyAddresses: [a], ports: [p80] }], want: [{ notReadyAddresses: [a], ports: [p80] }] },
    { name: 'different port sets stay apart', in: [{ addresses: [a], ports: [p80] }, { addresses: [b], ports: [p443] }], want: [{ addresses: [a], ports: [p80] }, { addresses: [b], ports: [p443] }] },
    { name: 'no ports kept', in: [{ addresses: [a] }], want: [{ addresses: [a] }] },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(repackSubsets(c.in), c.want));
});

describe('reconcileEndpoints', () => {
  test('ready and not-ready pods; labels, skip-mirror and trigger time', () => {
    const d = reconcileEndpoints({ service: svc({}, { team: 'x' }), pods: [pod('b', '10.244.1.2', false), pod('a', '10.244.1.1')], triggerTime: new Date('2024-05-01T10:00:05Z') });
    if (d.action !== 'create') assert.fail(`want create, got ${d.action}`);
    assert.deepEqual(d.endpoints.metadata, {
      name: 'web', namespace: 'ns',
      labels: { team: 'x', 'endpointslice.kubernetes.io/skip-mirror': 'true' },
      annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': '2024-05-01T10:00:05Z' },
    });
    assert.deepEqual(d.endpoints.subsets, [{
      addresses: [{ ip: '10.244.1.1', nodeName: 'node-1', targetRef: ref('a') }],
      notReadyAddresses: [{ ip: '10.244.1.2', nodeName: 'node-1', targetRef: ref('b') }],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    }]);
  });

  test('an unchanged Endpoints object is not written; a label change is', () => {
    const d = reconcileEndpoints({ service: svc(), pods: [pod('a', '10.244.1.1')] });
    if (d.action === 'none') assert.fail('want a write');
    const current = { ...deepClone(d.endpoints), metadata: { ...d.endpoints.metadata, resourceVersion: '7' } };
    assert.deepEqual(reconcileEndpoints({ service: svc(), pods: [pod('a', '10.244.1.1')], current, triggerTime: new Date() }), { action: 'none' });
    const again = reconcileEndpoints({ service: svc({}, { v: '2' }), pods: [pod('a', '10.244.1.1')], current });
    assert.equal(again.action, 'update');
  });

  test('terminating pods are dropped unless publishNotReadyAddresses; headless label; selector-less untouched', () => {
    const t = reconcileEndpoints({ service: svc(), pods: [pod('a', '10.244.1.1', true, { deleting: true })] });
    assert.ok(t.action !== 'none' && (t.endpoints.subsets as unknown[]).length === 0);
    const p = reconcileEndpoints({ service: svc({ publishNotReadyAddresses: true }), pods: [pod('a', '10.244.1.1', false, { deleting: true })] });
    assert.ok(p.action !== 'none' && (p.endpoints.subsets as any[])[0].addresses[0].ip === '10.244.1.1');
    const h = reconcileEndpoints({ service: svc({ clusterIP: 'None', ports: [] }), pods: [pod('a', '10.244.1.1')] });
    assert.ok(h.action !== 'none' && h.endpoints.metadata.labels!['service.kubernetes.io/headless'] === '');
    assert.ok(!('ports' in (h as any).endpoints.subsets[0]));
    assert.deepEqual(reconcileEndpoints({ service: svc({ selector: undefined }), pods: [] }), { action: 'none' });
  });
});

describe('reconcileMirror', () => {
  const eps = (labels: Record<string, string> = {}, subsets: any[] = [{ addresses: [{ ip: '192.0.2.10' }], notReadyAddresses: [{ ip: '192.0.2.11' }], ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] }]): KubeObject =>
    ({ metadata: { name: 'ext', namespace: 'ns', uid: 'ep-uid', labels, annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': 'x', note: 'y' } }, subsets });
  const selectorless = svc({ selector: undefined });

  test('user Endpoints of a selector-less Service become one slice owned by the Endpoints', () => {
    const c = reconcileMirror({ endpoints: eps({ team: 'db' }), service: selectorless, existingSlices: [] });
    assert.equal(c.create.length, 1);
    const s = c.create[0];
    assert.deepEqual(s.metadata.labels, { team: 'db', 'kubernetes.io/service-name': 'ext', 'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io' });
    assert.deepEqual(s.metadata.annotations, { note: 'y' });
    assert.equal(s.metadata.ownerReferences![0].kind, 'Endpoints');
    assert.deepEqual(s.endpoints, [{ addresses: ['192.0.2.10'], conditions: { ready: true } }, { addresses: ['192.0.2.11'], conditions: { ready: false } }]);
    // applied and reconciled again: no writes
    const applied = { ...deepClone(s), metadata: { ...s.metadata, name: 'ext-1' } };
    assert.deepEqual(reconcileMirror({ endpoints: eps({ team: 'db' }), service: selectorless, existingSlices: [applied] }), { create: [], update: [], delete: [] });
  });

  const skip: [string, KubeObject | undefined, KubeObject | undefined][] = [
    ['skip-mirror label', eps({ 'endpointslice.kubernetes.io/skip-mirror': 'true' }), selectorless],
    ['Service has a selector', eps(), svc()],
    ['no Service', eps(), undefined],
    ['Endpoints gone', undefined, selectorless],
  ];
  for (const [name, e, s] of skip) {
    test(`not mirrored, existing mirrors deleted: ${name}`, () => {
      const old = reconcileMirror({ endpoints: eps(), service: selectorless, existingSlices: [] }).create[0];
      const c = reconcileMirror({ endpoints: e, service: s, existingSlices: [{ ...old, metadata: { ...old.metadata, name: 'ext-1' } }] });
      assert.deepEqual([c.create.length, c.update.length, c.delete.map((x) => x.metadata.name)], [0, 0, ['ext-1']]);
    });
  }
});
