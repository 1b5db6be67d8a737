// Deployment rolling-update arithmetic: fenceposts (surge rounds up,
// unavailable down), new RS growth, old RS scale-down, proportional scaling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/object.js';
import { maxSurge, maxUnavailable, resolveFenceposts, scaledValue } from '../../src/controllers/deployment/fenceposts.js';
import { newRSNewReplicas, reconcileNewReplicaSet, reconcileOldReplicaSets, activeOrLatest } from '../../src/controllers/deployment/rolling.js';
import { isScalingEvent, proportionalScale } from '../../src/controllers/deployment/scale.js';

const dep = (replicas: number, surge: number | string, unavail: number | string, status: Record<string, unknown> = {}): KubeObject => ({
  metadata: { name: 'd', namespace: 'ns', generation: 1 },
  spec: { replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavail } } },
  status,
});
let seq = 0;
const rs = (name: string, replicas: number, available = replicas, ann: Record<string, string> = {}): KubeObject => ({
  metadata: { name, uid: name, creationTimestamp: new Date(Date.UTC(2024, 0, 1, 0, 0, seq++)).toISOString(), annotations: ann },
  spec: { replicas },
  status: { replicas, availableReplicas: available },
});

const fenceCases: { surge: number | string; unavail: number | string; desired: number; want: [number, number] }[] = [
  { surge: '25%', unavail: '25%', desired: 10, want: [3, 2] },
  { surge: '25%', unavail: '25%', desired: 1, want: [1, 0] },
  { surge: '25%', unavail: '25%', desired: 4, want: [1, 1] },
  { surge: 0, unavail: 0, desired: 5, want: [0, 1] },
  { surge: '0%', unavail: '0%', desired: 3, want: [0, 1] },
  { surge: 2, unavail: '50%', desired: 5, want: [2, 2] },
  { surge: '100%', unavail: 0, desired: 3, want: [3, 0] },
];
for (const c of fenceCases) {
  test(`resolveFenceposts(${c.surge}, ${c.unavail}, ${c.desired})`, () => assert.deepEqual(resolveFenceposts(c.surge, c.unavail, c.desired), c.want));
}

test('scaledValue: ints, int strings, percentages, bad input', () => {
  assert.equal(scaledValue(3, 10, true), 3);
  assert.equal(scaledValue('3', 10, true), 3);
  assert.equal(scaledValue('33%', 10, true), 4);
  assert.equal(scaledValue('33%', 10, false), 3);
  assert.throws(() => scaledValue('x%', 10, true));
});

test('maxUnavailable is capped at replicas and 0 for Recreate or zero replicas', () => {
  assert.equal(maxUnavailable(dep(2, 0, 5)), 2);
  assert.equal(maxUnavailable(dep(0, 1, 1)), 0);
  assert.equal(maxUnavailable({ ...dep(3, 1, 1), spec: { replicas: 3, strategy: { type: 'Recreate' } } }), 0);
  assert.equal(maxSurge({ ...dep(3, 1, 1), spec: { replicas: 3, strategy: { type: 'Recreate' } } }), 0);
});

const newCases: { name: string; d: KubeObject; old: number; cur: number; want: number }[] = [
  { name: 'surge room', d: dep(10, 3, 2), old: 10, cur: 0, want: 3 },
  { name: 'no room left', d: dep(10, 3, 2), old: 10, cur: 3, want: 3 },
  { name: 'capped at desired', d: dep(10, 3, 2), old: 2, cur: 8, want: 10 },
  { name: 'percent surge', d: dep(4, '25%', '25%'), old: 4, cur: 0, want: 1 },
];
for (const c of newCases) {
  test(`newRSNewReplicas: ${c.name}`, () => {
    const n = rs('new', c.cur);
    assert.equal(newRSNewReplicas(c.d, [rs('old', c.old), n], n), c.want);
  });
}

test('reconcileNewReplicaSet scales a too-big new RS down to desired', () => {
  const n = rs('new', 12);
  assert.equal(reconcileNewReplicaSet(dep(10, 3, 2), [n], n), 10);
  const m = rs('new2', 10);
  assert.equal(reconcileNewReplicaSet(dep(10, 3, 2), [m], m), undefined);
});

const sizes = (changes: { rs: KubeObject; replicas: number }[]) => Object.fromEntries(changes.map((c) => [c.rs.metadata.name, c.replicas]));

test('reconcileOldReplicaSets: healthy old pods go only as far as minAvailable allows', () => {
  const d = dep(10, 3, 2);
  assert.deepEqual(sizes(reconcileOldReplicaSets(d, [rs('old', 10, 10)], rs('new', 3, 0))), { old: 8 });
});

test('reconcileOldReplicaSets: unhealthy old pods are removed first', () => {
  const d = dep(10, 3, 2);
  assert.deepEqual(sizes(reconcileOldReplicaSets(d, [rs('old', 10, 7)], rs('new', 0, 0))), { old: 8 });
});

test('reconcileOldReplicaSets: nothing when availability has no slack', () => {
  assert.deepEqual(reconcileOldReplicaSets(dep(10, 3, 0), [rs('old', 10, 10)], rs('new', 3, 0)), []);
  assert.deepEqual(reconcileOldReplicaSets(dep(10, 3, 0), [rs('old', 0, 0)], rs('new', 10, 10)), []);
});

test('reconcileOldReplicaSets: oldest RS scaled down first', () => {
  const d = dep(10, 0, 4);
  const a = rs('a', 3, 3), b = rs('b', 3, 3);
  assert.deepEqual(sizes(reconcileOldReplicaSets(d, [b, a], rs('new', 4, 4))), { a: 0, b: 2 });
});

test('a rolling update stepped to completion never drops below minAvailable or above max total', () => {
  // Simulates the controller and instantly-ready pods: every replica becomes available at once.
  const d = dep(5, 1, 1);
  let old = rs('old', 5, 5), neu = rs('new', 0, 0);
  for (let step = 0; step < 50 && !(neu.spec.replicas === 5 && old.spec.replicas === 0); step++) {
    const up = reconcileNewReplicaSet(d, [old, neu], neu);
    if (up !== undefined) neu = rs('new', up, neu.status.availableReplicas);
    else for (const c of reconcileOldReplicaSets(d, [old], neu)) old = rs('old', c.replicas, Math.min(c.replicas, old.status.availableReplicas));
    assert.ok(old.spec.replicas + neu.spec.replicas <= 6, `surged at step ${step}`);
    assert.ok(old.status.availableReplicas + neu.status.availableReplicas >= 4, `unavailable at step ${step}`);
    neu = rs('new', neu.spec.replicas, neu.spec.replicas); // pods become ready
  }
  assert.equal(neu.spec.replicas, 5);
  assert.equal(old.spec.replicas, 0);
});

test('proportionalScale spreads a resize over active RSs by size', () => {
  const d = dep(20, 3, 2, { replicas: 13 });
  const old = rs('old', 8, 8, { 'deployment.kubernetes.io/max-replicas': '13', 'deployment.kubernetes.io/desired-replicas': '10' });
  const neu = rs('new', 5, 0, { 'deployment.kubernetes.io/max-replicas': '13', 'deployment.kubernetes.io/desired-replicas': '10' });
  assert.equal(isScalingEvent(d, [old, neu]), true);
  assert.deepEqual(sizes(proportionalScale(d, neu, [old])), { old: 14, new: 9 });
});

test('proportionalScale: scaling down takes from the largest, leftovers to the first', () => {
  const d = dep(5, 1, 0, { replicas: 11 });
  const old = rs('old', 6, 6, { 'deployment.kubernetes.io/max-replicas': '11' });
  const neu = rs('new', 5, 5, { 'deployment.kubernetes.io/max-replicas': '11' });
  const out = sizes(proportionalScale(d, neu, [old]));
  assert.equal(out.old + out.new, 6);
  assert.deepEqual(out, { old: 3, new: 3 });
});

test('proportionalScale with a single active RS just resizes it', () => {
  const d = dep(7, 1, 1);
  const neu = rs('new', 3, 3);
  assert.deepEqual(sizes(proportionalScale(d, neu, [rs('old', 0, 0)])), { new: 7 });
  assert.equal(activeOrLatest(undefined, [rs('x', 0), rs('y', 0)])?.metadata.name, 'y');
});
