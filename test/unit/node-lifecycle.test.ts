// The node lifecycle controller's pure decisions, table by table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evictionTime, heartbeatOf, lifecycleTaints, unknownConditions } from '../../src/controllers/nodelifecycle/health.js';
import { parseGoDuration } from '../../src/util/time.js';
import type { KubeObject } from '../../src/api/object.js';

const NOW = '2026-12-01T10:00:00Z';
const T0 = '2026-12-01T09:59:00Z';
const cond = (type: string, status: string): any => ({ type, status, reason: 'KubeletReady', message: 'm', lastHeartbeatTime: T0, lastTransitionTime: T0 });
const node = (ready: string | undefined, taints?: any[]): KubeObject => ({
  apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', creationTimestamp: T0 },
  spec: taints ? { taints } : {},
  status: { conditions: ready === undefined ? [] : [cond('MemoryPressure', 'False'), cond('Ready', ready)] },
});

test('unknownConditions: a silent Ready node goes Unknown, heartbeat kept, transition now', () => {
  const out = unknownConditions(node('True'), NOW)!;
  const ready = out.find((c) => c.type === 'Ready')!;
  assert.deepEqual(ready, { type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: T0, lastTransitionTime: NOW });
  assert.equal(out.find((c) => c.type === 'MemoryPressure')!.status, 'Unknown');
  // The kubelet conditions it never posted appear as never updated.
  assert.deepEqual(out.filter((c) => c.reason === 'NodeStatusNeverUpdated').map((c) => c.type).sort(), ['DiskPressure', 'PIDPressure']);
});

test('unknownConditions: already Unknown is no change; a node that never posted gets NodeStatusNeverUpdated', () => {
  const once = unknownConditions(node('True'), NOW)!;
  assert.equal(unknownConditions({ ...node('True'), status: { conditions: once } }, NOW), undefined);
  const never = unknownConditions(node(undefined), NOW)!;
  assert.deepEqual(never.find((c) => c.type === 'Ready'), { type: 'Ready', status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: T0, lastTransitionTime: NOW });
});

test('heartbeatOf changes with every posted status', () => {
  const a = node('True'), b = node('True');
  b.status.conditions[1].lastHeartbeatTime = NOW;
  assert.notEqual(heartbeatOf(a), heartbeatOf(b));
  assert.equal(heartbeatOf(node(undefined)), '');
});

test('heartbeatOf changes with every renewal of the node\'s Lease too, the status unchanged', () => {
  const n = node('True');
  const lease = (renewTime: string) => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'n1', namespace: 'kube-node-lease' }, spec: { holderIdentity: 'n1', renewTime } });
  assert.notEqual(heartbeatOf(n, lease('2025-01-01T00:00:10.000000Z')), heartbeatOf(n, lease('2025-01-01T00:00:20.000000Z')));
  assert.equal(heartbeatOf(n, lease('2025-01-01T00:00:10.000000Z')), heartbeatOf(n, lease('2025-01-01T00:00:10.000000Z')));
  assert.notEqual(heartbeatOf(node(undefined), lease('2025-01-01T00:00:10.000000Z')), '', 'a lease alone is a sign of life');
});

test('lifecycleTaints follow the Ready condition, stamp what they add, and keep everything else', () => {
  const user = { key: 'dedicated', value: 'x', effect: 'NoSchedule' };
  const cases: [string, string | undefined, any[], any[] | undefined][] = [
    ['Ready, nothing to do', 'True', [user], undefined],
    ['Unknown adds unreachable', 'Unknown', [user], [user, { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: NOW }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: NOW }]],
    ['False adds not-ready', 'False', [], [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule', timeAdded: NOW }, { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute', timeAdded: NOW }]],
    ['Unknown swaps not-ready for unreachable', 'Unknown', [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute', timeAdded: T0 }],
      [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: NOW }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: NOW }]],
    ['Ready again removes them', 'True', [user, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: T0 }], [user]],
    ['kept taints keep their time', 'Unknown', [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: T0 }], undefined],
  ];
  for (const [name, ready, taints, want] of cases) assert.deepEqual(lifecycleTaints(node(ready, taints), NOW), want, name);
});

test('lifecycleTaints: a cordoned node (spec.unschedulable) gets unschedulable:NoSchedule, an uncordoned one loses it', () => {
  const cordoned = (on: boolean, taints: any[]) => { const n = node('True', taints); n.spec = { ...n.spec, unschedulable: on }; return n; };
  const taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };
  assert.deepEqual(lifecycleTaints(cordoned(true, []), NOW), [{ ...taint, timeAdded: NOW }]);
  assert.equal(lifecycleTaints(cordoned(true, [taint]), NOW), undefined);
  assert.deepEqual(lifecycleTaints(cordoned(false, [taint, { key: 'dedicated', effect: 'NoSchedule' }]), NOW), [{ key: 'dedicated', effect: 'NoSchedule' }]);
  assert.equal(lifecycleTaints(cordoned(false, [{ ...taint, effect: 'NoExecute' }]), NOW), undefined, 'a user\'s NoExecute taint of that key is not ours');
});

test('evictionTime: untolerated now, tolerationSeconds from the taint time, forever without seconds', () => {
  const now = Date.parse(NOW);
  const taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: T0 };
  const pod = (tolerations?: any[]): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { tolerations } });
  const unreachable = (s?: number): any => ({ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', ...(s === undefined ? {} : { tolerationSeconds: s }) });
  assert.equal(evictionTime(pod(), [taint], now), now);
  assert.equal(evictionTime(pod([unreachable(300)]), [taint], now), Date.parse(T0) + 300_000);
  assert.equal(evictionTime(pod([unreachable(300), { operator: 'Exists', tolerationSeconds: 10 }]), [taint], now), Date.parse(T0) + 10_000);
  assert.equal(evictionTime(pod([unreachable()]), [taint], now), undefined);
  assert.equal(evictionTime(pod(), [{ key: 'k', effect: 'NoSchedule' }], now), undefined);
  assert.equal(evictionTime(pod([unreachable(0)]), [taint], now), Date.parse(T0));
});

test('parseGoDuration reads Go durations and words errors as pflag does', () => {
  assert.equal(parseGoDuration('50s', 'f'), 50_000);
  assert.equal(parseGoDuration('1m30s', 'f'), 90_000);
  assert.equal(parseGoDuration('500ms', 'f'), 500);
  assert.equal(parseGoDuration('0', 'f'), 0);
  assert.throws(() => parseGoDuration('50', 'node-monitor-grace-period'), /invalid argument "50" for "--node-monitor-grace-period" flag: time: invalid duration "50"/);
  assert.throws(() => parseGoDuration('5x', 'f'), /invalid duration/);
});
