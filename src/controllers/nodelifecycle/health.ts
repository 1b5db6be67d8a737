// The pure decisions of the node lifecycle controller, as kube-controller-manager's
// makes them: when a node that stopped heartbeating becomes Unknown, which taints
// its Ready condition implies, and when a pod on a NoExecute-tainted node is due
// for eviction given its tolerations.
import type { KubeObject } from '../../api/object.js';
import { notReadyTaint, unreachableTaint } from '../../api/defaults/pod.js';
import { UNSCHEDULABLE_TAINT, tolerates, type Taint, type Toleration } from '../scheduler/filters.js';

export interface NodeCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
}

export interface TimedTaint extends Taint {
  timeAdded?: string;
}

/** The conditions the kubelet posts; all of them go Unknown together. */
const KUBELET_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

const conditionsOf = (n: KubeObject): NodeCondition[] => n.status?.conditions ?? [];
export const readyCondition = (n: KubeObject): NodeCondition | undefined => conditionsOf(n).find((c) => c.type === 'Ready');

/**
 * What changes when the agent posts status or renews its node Lease: the controller
 * times its silence from the last change it saw, on its own clock.
 */
export const heartbeatOf = (n: KubeObject, lease?: KubeObject): string => {
  const r = readyCondition(n);
  const renewed = (lease?.spec as { renewTime?: string } | undefined)?.renewTime ?? '';
  if (!r && !renewed) return '';
  return `${r ? `${r.status}/${r.lastHeartbeatTime ?? ''}` : ''}|${renewed}`;
};

/**
 * The conditions of a node whose agent has been silent past its grace period
 * (undefined when nothing changes): every kubelet condition Unknown, heartbeat
 * times kept, transitions stamped now.
 */
export function unknownConditions(n: KubeObject, now: string): NodeCondition[] | undefined {
  const current = conditionsOf(n);
  let changed = false;
  const out = current.map((c) => {
    if (!KUBELET_CONDITIONS.includes(c.type) || c.status === 'Unknown') return c;
    changed = true;
    return { ...c, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: now };
  });
  for (const type of KUBELET_CONDITIONS) {
    if (current.some((c) => c.type === type)) continue;
    changed = true;
    out.push({ type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: n.metadata.creationTimestamp, lastTransitionTime: now });
  }
  return changed ? out : undefined;
}

const LIFECYCLE_KEYS = [notReadyTaint, unreachableTaint];

/**
 * The node's taints with the controller's own set from its state: its Ready
 * condition (False → not-ready, Unknown → unreachable, NoSchedule and NoExecute
 * each; True → neither) and spec.unschedulable (`kubectl cordon` →
 * unschedulable:NoSchedule, as TaintNodesByCondition adds it). Other taints and
 * the timeAdded of kept ones stay; undefined when nothing changes.
 */
export function lifecycleTaints(n: KubeObject, now: string): TimedTaint[] | undefined {
  const current: TimedTaint[] = n.spec?.taints ?? [];
  const status = readyCondition(n)?.status ?? 'Unknown';
  const key = status === 'True' ? undefined : status === 'False' ? notReadyTaint : unreachableTaint;
  const want: Taint[] = key ? ['NoSchedule', 'NoExecute'].map((effect) => ({ key, effect })) : [];
  if (n.spec?.unschedulable === true) want.push({ key: UNSCHEDULABLE_TAINT, effect: 'NoSchedule' });
  const isOurs = (t: TimedTaint): boolean =>
    (LIFECYCLE_KEYS.includes(t.key) && (t.effect === 'NoSchedule' || t.effect === 'NoExecute')) || (t.key === UNSCHEDULABLE_TAINT && t.effect === 'NoSchedule');
  const kept = current.filter((t) => !isOurs(t) || want.some((w) => w.key === t.key && w.effect === t.effect));
  // Stamped as SwapNodeControllerTaint stamps every taint it adds.
  const added = want.filter((w) => !kept.some((t) => t.key === w.key && t.effect === w.effect)).map((w) => ({ ...w, timeAdded: now }));
  if (!added.length && kept.length === current.length) return undefined;
  return [...kept, ...added];
}

/**
 * When a pod on a node with these taints must be evicted, in epoch ms: now for
 * an untolerated NoExecute taint, the earliest taint-time + tolerationSeconds
 * otherwise, undefined when it may stay (no NoExecute taint, or tolerated forever).
 */
export function evictionTime(pod: KubeObject, taints: TimedTaint[], nowMs: number): number | undefined {
  const tolerations: (Toleration & { tolerationSeconds?: number })[] = pod.spec?.tolerations ?? [];
  let at: number | undefined;
  for (const taint of taints) {
    if (taint.effect !== 'NoExecute') continue;
    const used = tolerations.filter((t) => tolerates(t, taint));
    if (!used.length) return nowMs;
    const secs = used.map((t) => t.tolerationSeconds).filter((s): s is number => typeof s === 'number');
    if (!secs.length) continue; // tolerated for as long as the taint stays
    const since = taint.timeAdded ? Date.parse(taint.timeAdded) : nowMs;
    const due = (Number.isFinite(since) ? since : nowMs) + Math.max(0, Math.min(...secs)) * 1000;
    at = at === undefined ? due : Math.min(at, due);
  }
  return at;
}
