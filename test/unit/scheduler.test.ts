// pickNode: filters (unschedulable, taints, readiness, nodeSelector, required
// node affinity), spreading by fewest pods, and upstream's FitError wording.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/object.js';
import { countPodsByNode, fitError, needsScheduling, pickNode } from '../../src/controllers/scheduler/pick.js';
import { tolerates } from '../../src/controllers/scheduler/filters.js';

const node = (name: string, o: { labels?: Record<string, string>; unschedulable?: boolean; taints?: unknown[]; ready?: boolean } = {}): KubeObject => ({
  metadata: { name, labels: o.labels ?? {} },
  spec: { unschedulable: o.unschedulable, taints: o.taints },
  status: { conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
});
const pod = (spec: Record<string, unknown> = {}): KubeObject => ({ metadata: { name: 'p', namespace: 'default' }, spec: { containers: [], ...spec } });
const counts = (o: Record<string, number> = {}) => new Map(Object.entries(o));
const preempt = (n: number) => `preemption: 0/${n} nodes are available: ${n} Preemption is not helpful for scheduling.`;

const cases: { name: string; pod: KubeObject; nodes: KubeObject[]; pods?: Record<string, number>; want: string }[] = [
  { name: 'fewest pods wins', pod: pod(), nodes: [node('a'), node('b')], pods: { a: 2, b: 1 }, want: 'b' },
  { name: 'ties go to name order', pod: pod(), nodes: [node('b'), node('a')], pods: { a: 1, b: 1 }, want: 'a' },
  { name: 'unschedulable node skipped', pod: pod(), nodes: [node('a', { unschedulable: true }), node('b')], pods: { b: 9 }, want: 'b' },
  { name: 'not-ready node skipped', pod: pod(), nodes: [node('a', { ready: false }), node('b')], pods: { b: 9 }, want: 'b' },
  { name: 'NoSchedule taint skipped', pod: pod(), nodes: [node('a', { taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] }), node('b')], pods: { b: 3 }, want: 'b' },
  { name: 'PreferNoSchedule taint ignored', pod: pod(), nodes: [node('a', { taints: [{ key: 'k', effect: 'PreferNoSchedule' }] }), node('b')], pods: { b: 3 }, want: 'a' },
  {
    name: 'tolerated taint allowed', pod: pod({ tolerations: [{ key: 'k', operator: 'Equal', value: 'v', effect: 'NoSchedule' }] }),
    nodes: [node('a', { taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] }), node('b')], pods: { b: 3 }, want: 'a',
  },
  {
    name: 'unschedulable tolerated', pod: pod({ tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists' }] }),
    nodes: [node('a', { unschedulable: true }), node('b')], pods: { b: 3 }, want: 'a',
  },
  { name: 'nodeSelector', pod: pod({ nodeSelector: { disk: 'ssd' } }), nodes: [node('a'), node('b', { labels: { disk: 'ssd' } })], pods: { b: 5 }, want: 'b' },
  {
    name: 'required node affinity In', pod: pod({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z2'] }] }] } } } }),
    nodes: [node('a', { labels: { zone: 'z1' } }), node('b', { labels: { zone: 'z2' } })], want: 'b',
  },
  {
    name: 'node affinity terms are ORed, NotIn/DoesNotExist', pod: pod({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [
      { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['z1'] }, { key: 'gpu', operator: 'Exists' }] },
      { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['c'] }] },
    ] } } } }),
    nodes: [node('a', { labels: { zone: 'z1', gpu: '1' } }), node('c')], want: 'c',
  },
  {
    name: 'nothing fits: histogram sorted', pod: pod({ nodeSelector: { disk: 'ssd' } }),
    nodes: [node('a', { unschedulable: true }), node('b'), node('c', { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] })],
    want: `0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {dedicated: db}, 1 node(s) were unschedulable. ${preempt(3)}`,
  },
  {
    name: 'not ready reads as the not-ready taint', pod: pod(), nodes: [node('a', { ready: false }), node('b', { ready: false })],
    want: `0/2 nodes are available: 2 node(s) had untolerated taint {node.kubernetes.io/not-ready: }. ${preempt(2)}`,
  },
  { name: 'no nodes', pod: pod(), nodes: [], want: 'no nodes available to schedule pods' },
];

for (const c of cases) {
  test(`pickNode: ${c.name}`, () => {
    const got = pickNode(c.pod, c.nodes, counts(c.pods));
    assert.deepEqual(typeof got === 'string' ? got : got.reason, c.want);
  });
}

test('tolerates: Exists with empty key tolerates everything of the effect', () => {
  assert.equal(tolerates({ operator: 'Exists' }, { key: 'x', effect: 'NoSchedule' }), true);
  assert.equal(tolerates({ operator: 'Exists', effect: 'NoExecute' }, { key: 'x', effect: 'NoSchedule' }), false);
  assert.equal(tolerates({ key: 'x', value: 'a' }, { key: 'x', value: 'b', effect: 'NoSchedule' }), false);
});

test('countPodsByNode ignores finished and unbound pods', () => {
  const m = countPodsByNode([
    { metadata: {}, spec: { nodeName: 'a' }, status: { phase: 'Running' } },
    { metadata: {}, spec: { nodeName: 'a' }, status: { phase: 'Succeeded' } },
    { metadata: {}, spec: { nodeName: 'b' }, status: { phase: 'Failed' } },
    { metadata: {}, spec: {}, status: { phase: 'Pending' } },
  ]);
  assert.deepEqual([...m], [['a', 1]]);
});

test('needsScheduling: only unbound, live pods of this scheduler', () => {
  assert.equal(needsScheduling(pod()), true);
  assert.equal(needsScheduling(pod({ nodeName: 'a' })), false);
  assert.equal(needsScheduling(pod({ schedulerName: 'other' })), false);
  assert.equal(needsScheduling({ ...pod(), metadata: { name: 'p', deletionTimestamp: 'x' } }), false);
});

test('fitError formats counts', () => {
  assert.equal(fitError(1, new Map([['node(s) were unschedulable', 1]])), `0/1 nodes are available: 1 node(s) were unschedulable. ${preempt(1)}`);
});
