// How many pods a ReplicaSet must create and which ones it must delete
// (ReplicaSetController.manageReplicas + getPodsToDelete), as a pure function.
import type { KubeObject } from '../../api/object.js';
import { createdAt, isPodActive, isPodReady, podReadySince, restartCount } from './pod-util.js';

/** Upper bound on creates or deletes in one sync, as Kubernetes' burstReplicas. */
export const BURST_REPLICAS = 500;

export interface ReplicaSetDiff {
  create: number;
  delete: KubeObject[];
}

export function replicaSetDiff(rs: KubeObject, ownedPods: readonly KubeObject[], burst = BURST_REPLICAS): ReplicaSetDiff {
  const active = ownedPods.filter(isPodActive);
  const want = rs.spec?.replicas ?? 1;
  const diff = active.length - want;
  if (diff < 0) return { create: Math.min(-diff, burst), delete: [] };
  if (diff === 0) return { create: 0, delete: [] };
  return { create: 0, delete: rankPodsForDeletion(active).slice(0, Math.min(diff, burst)) };
}

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
const deletionCost = (p: KubeObject): number => {
  const v = Number(p.metadata.annotations?.['controller.kubernetes.io/pod-deletion-cost']);
  return Number.isFinite(v) ? v : 0;
};

/**
 * Orders pods so the ones cheapest to lose come first (controller.ActivePodsWithRanks):
 * unscheduled before scheduled, Pending < Unknown < Running, not ready before ready,
 * lower deletion cost, more pods doubled up on the node, ready more recently,
 * more restarts, newer.
 */
export function rankPodsForDeletion(pods: readonly KubeObject[]): KubeObject[] {
  const perNode = new Map<string, number>();
  for (const p of pods) {
    const n = p.spec?.nodeName;
    if (n) perNode.set(n, (perNode.get(n) ?? 0) + 1);
  }
  const rank = (p: KubeObject): number => (p.spec?.nodeName ? perNode.get(p.spec.nodeName) ?? 0 : 0);
  const cmp = (a: KubeObject, b: KubeObject): number => {
    const sa = a.spec?.nodeName ? 1 : 0, sb = b.spec?.nodeName ? 1 : 0;
    if (sa !== sb) return sa - sb;
    const pa = PHASE_ORDER[a.status?.phase ?? 'Pending'] ?? 0, pb = PHASE_ORDER[b.status?.phase ?? 'Pending'] ?? 0;
    if (pa !== pb) return pa - pb;
    const ra = isPodReady(a) ? 1 : 0, rb = isPodReady(b) ? 1 : 0;
    if (ra !== rb) return ra - rb;
    if (deletionCost(a) !== deletionCost(b)) return deletionCost(a) - deletionCost(b);
    if (rank(a) !== rank(b)) return rank(b) - rank(a);
    if (ra && rb) {
      const ta = podReadySince(a) ?? 0, tb = podReadySince(b) ?? 0;
      if (ta !== tb) return tb - ta;
    }
    if (restartCount(a) !== restartCount(b)) return restartCount(b) - restartCount(a);
    if (createdAt(a) !== createdAt(b)) return createdAt(b) - createdAt(a);
    return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
  };
  return [...pods].sort(cmp);
}

/** Batch sizes for `total` creates: 1, 2, 4, … so a failing create costs one call, not hundreds (slowStartBatch). */
export function slowStartBatches(total: number, initial = 1): number[] {
  const out: number[] = [];
  let left = total;
  for (let size = Math.min(left, initial); size > 0; size = Math.min(2 * size, left)) {
    out.push(size);
    left -= size;
  }
  return out;
}
