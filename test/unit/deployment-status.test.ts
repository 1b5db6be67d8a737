// Deployment status and conditions: Available, Progressing (created, updated,
// complete, timed out), paused bookkeeping left to the shell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/object.js';
import { calculateStatus, rolloutStatus } from '../../src/controllers/deployment/progress.js';
import { setCondition } from '../../src/controllers/deployment/conditions.js';

const NOW = '2024-01-01T00:10:00Z';
const nowMs = Date.parse(NOW);
const dep = (status: Record<string, unknown> = {}, spec: Record<string, unknown> = {}): KubeObject => ({
  metadata: { name: 'web', generation: 2 },
  spec: { replicas: 4, progressDeadlineSeconds: 600, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } }, ...spec },
  status,
});
const rs = (name: string, replicas: number, ready: number, available: number): KubeObject => ({
  metadata: { name, uid: name }, spec: { replicas }, status: { replicas, readyReplicas: ready, availableReplicas: available },
});
const cond = (st: { conditions?: { type: string }[] }, type: string) => st.conditions?.find((c) => c.type === type) as Record<string, string> | undefined;

test('calculateStatus sums the ReplicaSets and sets Available', () => {
  const st = calculateStatus(dep(), [rs('old', 2, 2, 2), rs('new', 3, 2, 1)], rs('new', 3, 2, 1), NOW);
  assert.equal(st.observedGeneration, 2);
  assert.equal(st.replicas, 5);
  assert.equal(st.updatedReplicas, 3);
  assert.equal(st.readyReplicas, 4);
  assert.equal(st.availableReplicas, 3);
  assert.equal(st.unavailableReplicas, 2);
  assert.deepEqual(cond(st, 'Available'), { type: 'Available', status: 'True', lastUpdateTime: NOW, lastTransitionTime: NOW, reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' });
  const low = calculateStatus(dep(), [rs('new', 4, 1, 1)], rs('new', 4, 1, 1), NOW);
  assert.equal(cond(low, 'Available')?.reason, 'MinimumReplicasUnavailable');
  assert.equal(cond(low, 'Available')?.message, 'Deployment does not have minimum availability.');
});

test('rolloutStatus: progress refreshes ReplicaSetUpdated and schedules a deadline check', () => {
  const prev = { conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', message: 'Created new replica set "web-1"', lastUpdateTime: '2024-01-01T00:00:00Z', lastTransitionTime: '2024-01-01T00:00:00Z' }], updatedReplicas: 1 };
  const r = rolloutStatus(dep(prev), [rs('old', 3, 3, 3), rs('web-1', 2, 2, 2)], rs('web-1', 2, 2, 2), NOW, nowMs);
  const p = cond(r.status, 'Progressing')!;
  assert.equal(p.reason, 'ReplicaSetUpdated');
  assert.equal(p.message, 'ReplicaSet "web-1" is progressing.');
  assert.equal(p.lastUpdateTime, NOW);
  assert.equal(p.lastTransitionTime, '2024-01-01T00:00:00Z', 'still True: transition time kept');
  assert.equal(r.recheckAfterMs, 601_000);
});

test('rolloutStatus: completion is NewReplicaSetAvailable', () => {
  const r = rolloutStatus(dep({ updatedReplicas: 3 }), [rs('web-1', 4, 4, 4)], rs('web-1', 4, 4, 4), NOW, nowMs);
  assert.equal(cond(r.status, 'Progressing')?.reason, 'NewReplicaSetAvailable');
  assert.equal(cond(r.status, 'Progressing')?.message, 'ReplicaSet "web-1" has successfully progressed.');
  assert.equal(r.recheckAfterMs, undefined);
});

test('rolloutStatus: no progress past the deadline is ProgressDeadlineExceeded', () => {
  const stuck = { replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3, conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: 'x', lastUpdateTime: '2024-01-01T00:00:00Z', lastTransitionTime: '2024-01-01T00:00:00Z' }] };
  const all = [rs('old', 3, 3, 3), rs('web-1', 1, 0, 0)];
  const early = rolloutStatus(dep(stuck, { progressDeadlineSeconds: 900 }), all, all[1], NOW, nowMs);
  assert.equal(cond(early.status, 'Progressing')?.reason, 'ReplicaSetUpdated');
  const late = rolloutStatus(dep(stuck), all, all[1], NOW, nowMs + 1000);
  assert.equal(cond(late.status, 'Progressing')?.status, 'False');
  assert.equal(cond(late.status, 'Progressing')?.reason, 'ProgressDeadlineExceeded');
  assert.equal(cond(late.status, 'Progressing')?.message, 'ReplicaSet "web-1" has timed out progressing.');
});

test('setCondition: same status and reason is no change', () => {
  const c = [{ type: 'Available', status: 'True' as const, reason: 'MinimumReplicasAvailable', lastUpdateTime: 'a', lastTransitionTime: 'a' }];
  assert.equal(setCondition(c, { ...c[0], lastUpdateTime: 'b' }), c);
});
