// Where a pod goes (pure): the filters, then the node with the fewest pods,
// ties broken by name. When nothing fits, the reason reads like the upstream
// scheduler's FitError.
import type { KubeObject } from '../../api/object.js';
import { rejectReason } from './filters.js';

export interface Unschedulable {
  reason: string;
}

export function pickNode(pod: KubeObject, nodes: readonly KubeObject[], podsByNode: ReadonlyMap<string, number>): string | Unschedulable {
  if (!nodes.length) return { reason: 'no nodes available to schedule pods' };
  const histogram = new Map<string, number>();
  let best: { name: string; pods: number } | undefined;
  for (const n of nodes) {
    const why = rejectReason(pod, n);
    if (why) {
      histogram.set(why, (histogram.get(why) ?? 0) + 1);
      continue;
    }
    const name = n.metadata.name!;
    const count = podsByNode.get(name) ?? 0;
    if (!best || count < best.pods || (count === best.pods && name < best.name)) best = { name, pods: count };
  }
  if (best) return best.name;
  return { reason: fitError(nodes.length, histogram) };
}

/** FitError.Error(): the sorted reason histogram, then the preemption post-filter's verdict. */
export function fitError(total: number, histogram: ReadonlyMap<string, number>): string {
  const reasons = [...histogram].map(([why, n]) => `${n} ${why}`).sort();
  return `0/${total} nodes are available: ${reasons.join(', ')}. preemption: 0/${total} nodes are available: ${total} Preemption is not helpful for scheduling.`;
}

/** Pods that occupy a node: bound and not finished. */
export function countPodsByNode(pods: Iterable<KubeObject>): Map<string, number> {
  const m = new Map<string, number>();
  for (const p of pods) {
    const n = p.spec?.nodeName;
    if (!n || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
    m.set(n, (m.get(n) ?? 0) + 1);
  }
  return m;
}

/** Whether this scheduler is responsible for the pod. */
export const needsScheduling = (p: KubeObject, schedulerName = 'default-scheduler'): boolean =>
  !p.spec?.nodeName && !p.metadata.deletionTimestamp && (p.spec?.schedulerName ?? 'default-scheduler') === schedulerName &&
  p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed';
