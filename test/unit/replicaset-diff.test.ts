// replicaSetDiff and the deletion ranking; slow-start batches; claims; status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deepClone, type KubeObject } from '../../src/api/object.js';
import { fromLabelSelectorObject } from '../../src/api/selectors/labels.js';
import { rankPodsForDeletion, replicaSetDiff, slowStartBatches } from '../../src/controllers/replicaset/diff.js';
import { claimObjects } from '../../src/controllers/replicaset/claim.js';
import { replicaSetStatus } from '../../src/controllers/replicaset/status.js';
import { podFromTemplate } from '../../src/controllers/replicaset/template.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');
const iso = (s: number) => new Date(T0 + s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

interface P { name: string; node?: string; phase?: string; ready?: boolean; readyAt?: number; created?: number; restarts?: number; deleting?: boolean; labels?: Record<string, string>; owner?: string }
const pod = (p: P): KubeObject => ({
  metadata: {
    name: p.name, namespace: 'ns', uid: `uid-${p.name}`, creationTimestamp: iso(p.created ?? 0), labels: p.labels ?? { app: 'a' },
    ...(p.deleting ? { deletionTimestamp: iso(100) } : {}),
    ...(p.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: p.owner, uid: p.owner, controller: true }] } : {}),
  },
  spec: p.node ? { nodeName: p.node } : {},
  status: {
    phase: p.phase ?? 'Running',
    conditions: p.ready === false ? [{ type: 'Ready', status: 'False' }] : [{ type: 'Ready', status: 'True', lastTransitionTime: iso(p.readyAt ?? 0) }],
    containerStatuses: [{ restartCount: p.restarts ?? 0 }],
  },
});
const rs = (replicas: number, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'apps/v1', kind: 'ReplicaSet',
  metadata: { name: 'web', namespace: 'ns', uid: 'rs-uid', generation: 3 },
  spec: { replicas, selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a', tier: 'fe' } }, spec: { containers: [{ name: 'c' }] } }, ...extra },
});

const rankCases: { name: string; pods: P[]; want: string[] }[] = [
  { name: 'unscheduled first', pods: [{ name: 'on', node: 'n1' }, { name: 'off' }], want: ['off', 'on'] },
  { name: 'Pending < Unknown < Running', pods: [{ name: 'r', node: 'n', phase: 'Running' }, { name: 'u', node: 'n', phase: 'Unknown' }, { name: 'p', node: 'n', phase: 'Pending' }], want: ['p', 'u', 'r'] },
  { name: 'not ready first', pods: [{ name: 'ready', node: 'n' }, { name: 'unready', node: 'n', ready: false }], want: ['unready', 'ready'] },
  { name: 'doubled-up node first', pods: [{ name: 'alone', node: 'n1' }, { name: 'x', node: 'n2', readyAt: 1 }, { name: 'y', node: 'n2' }], want: ['x', 'y', 'alone'] },
  { name: 'ready more recently first', pods: [{ name: 'old', node: 'n1', readyAt: 1 }, { name: 'new', node: 'n2', readyAt: 50 }], want: ['new', 'old'] },
  { name: 'more restarts first', pods: [{ name: 'calm', node: 'n1' }, { name: 'crashy', node: 'n2', restarts: 4 }], want: ['crashy', 'calm'] },
  { name: 'newer first', pods: [{ name: 'older', node: 'n1', created: 1 }, { name: 'newer', node: 'n2', created: 9 }], want: ['newer', 'older'] },
];
for (const c of rankCases) {
  test(`rankPodsForDeletion: ${c.name}`, () => {
    assert.deepEqual(rankPodsForDeletion(c.pods.map(pod)).map((p) => p.metadata.name), c.want);
  });
}

const diffCases: { name: string; replicas: number; pods: P[]; create: number; del: string[]; burst?: number }[] = [
  { name: 'creates the missing', replicas: 3, pods: [{ name: 'a', node: 'n' }], create: 2, del: [] },
  { name: 'nothing to do', replicas: 1, pods: [{ name: 'a', node: 'n' }], create: 0, del: [] },
  { name: 'failed and deleting pods do not count', replicas: 2, pods: [{ name: 'a', node: 'n' }, { name: 'f', node: 'n', phase: 'Failed' }, { name: 'd', node: 'n', deleting: true }], create: 1, del: [] },
  { name: 'deletes the cheapest', replicas: 1, pods: [{ name: 'good', node: 'n1' }, { name: 'pending', phase: 'Pending' }, { name: 'unready', node: 'n2', ready: false }], create: 0, del: ['pending', 'unready'] },
  { name: 'burst caps creates', replicas: 10, pods: [], create: 4, del: [], burst: 4 },
];
for (const c of diffCases) {
  test(`replicaSetDiff: ${c.name}`, () => {
    const pods = c.pods.map(pod);
    const before = deepClone(pods);
    const d = replicaSetDiff(rs(c.replicas), pods, c.burst);
    assert.equal(d.create, c.create);
    assert.deepEqual(d.delete.map((p) => p.metadata.name), c.del);
    assert.deepEqual(pods, before, 'inputs not mutated');
  });
}

test('slowStartBatches doubles from 1', () => {
  assert.deepEqual(slowStartBatches(0), []);
  assert.deepEqual(slowStartBatches(1), [1]);
  assert.deepEqual(slowStartBatches(10), [1, 2, 4, 3]);
  assert.deepEqual(slowStartBatches(16), [1, 2, 4, 8, 1]);
});

test('claimObjects: owned, orphans adopted, non-matching released, others left alone', () => {
  const owner = rs(1);
  const sel = fromLabelSelectorObject(owner.spec.selector);
  const pods = [
    pod({ name: 'mine', owner: 'rs-uid' }),
    pod({ name: 'orphan' }),
    pod({ name: 'strayed', owner: 'rs-uid', labels: { app: 'b' } }),
    pod({ name: 'theirs', owner: 'other' }),
    pod({ name: 'orphan-other', labels: { app: 'b' } }),
  ];
  const c = claimObjects(owner, sel, pods);
  assert.deepEqual(c.claimed.map((p) => p.metadata.name), ['mine', 'orphan']);
  assert.deepEqual(c.adopt.map((p) => p.metadata.name), ['orphan']);
  assert.deepEqual(c.release.map((p) => p.metadata.name), ['strayed']);
  const deleting = { ...owner, metadata: { ...owner.metadata, deletionTimestamp: iso(1) } };
  assert.deepEqual(claimObjects(deleting, sel, pods).adopt, []);
});

test('replicaSetStatus counts labelled, ready and available (minReadySeconds)', () => {
  const now = T0 + 100_000;
  const pods = [
    pod({ name: 'a', labels: { app: 'a', tier: 'fe' }, readyAt: 10 }),
    pod({ name: 'b', readyAt: 95 }),
    pod({ name: 'c', ready: false }),
    pod({ name: 'd', phase: 'Failed' }),
  ];
  const st = replicaSetStatus(rs(3, { minReadySeconds: 10 }), pods, now);
  assert.deepEqual(st, { replicas: 3, fullyLabeledReplicas: 1, readyReplicas: 2, availableReplicas: 1, observedGeneration: 3 });
  const failed = replicaSetStatus(rs(3), pods, now, 'quota exceeded', iso(5));
  assert.deepEqual(failed.conditions, [{ type: 'ReplicaFailure', status: 'True', lastTransitionTime: iso(5), reason: 'FailedCreate', message: 'quota exceeded' }]);
});

test('podFromTemplate: generateName, labels, controller ownerReference', () => {
  const p = podFromTemplate(rs(1));
  assert.equal(p.metadata.generateName, 'web-');
  assert.deepEqual(p.metadata.labels, { app: 'a', tier: 'fe' });
  assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs-uid', controller: true, blockOwnerDeletion: true }]);
  assert.deepEqual(p.spec, { containers: [{ name: 'c' }] });
});
