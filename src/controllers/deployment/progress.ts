// Deployment status and the Progressing / Available conditions (sync.go
// calculateStatus, progress.go syncRolloutStatus), pure.
import { deepClone, type KubeObject } from '../../api/object.js';
import { getCondition, newCondition, Reasons, removeCondition, setCondition, type DeploymentCondition } from './conditions.js';
import { desiredReplicas, maxUnavailable } from './fenceposts.js';
import { actualReplicaCount, availableReplicaCount, readyReplicaCount, replicaCount } from './replicasets.js';

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: DeploymentCondition[];
  collisionCount?: number;
}

export function calculateStatus(d: KubeObject, allRSs: readonly KubeObject[], newRS: KubeObject | undefined, now: string): DeploymentStatus {
  const available = availableReplicaCount(allRSs);
  const st: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: actualReplicaCount(allRSs),
    updatedReplicas: actualReplicaCount([newRS]),
    readyReplicas: readyReplicaCount(allRSs),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, replicaCount(allRSs) - available),
  };
  if (d.status?.collisionCount !== undefined) st.collisionCount = d.status.collisionCount;
  let conds: DeploymentCondition[] = deepClone(d.status?.conditions ?? []);
  conds = available >= desiredReplicas(d) - maxUnavailable(d)
    ? setCondition(conds, newCondition('Available', 'True', Reasons.MinimumReplicasAvailable, 'Deployment has minimum availability.', now))
    : setCondition(conds, newCondition('Available', 'False', Reasons.MinimumReplicasUnavailable, 'Deployment does not have minimum availability.', now));
  st.conditions = conds;
  return st;
}

export const hasProgressDeadline = (d: KubeObject): boolean => {
  const s = d.spec?.progressDeadlineSeconds;
  return s !== undefined && s !== null && s !== 2147483647;
};

/** DeploymentComplete: everything updated and available at the observed generation. */
export function deploymentComplete(d: KubeObject, st: DeploymentStatus): boolean {
  const want = desiredReplicas(d);
  return st.updatedReplicas === want && st.replicas === want && st.availableReplicas === want && (st.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** DeploymentProgressing: something moved since the status we last wrote. */
export function deploymentProgressing(d: KubeObject, st: DeploymentStatus): boolean {
  const old: DeploymentStatus = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (st.replicas ?? 0) - (st.updatedReplicas ?? 0);
  return (st.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld ||
    (st.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (st.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

export function deploymentTimedOut(d: KubeObject, st: DeploymentStatus, nowMs: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(st.conditions, 'Progressing');
  if (!c || c.reason === Reasons.NewRSAvailable) return false;
  if (c.reason === Reasons.TimedOut) return true;
  const from = c.lastUpdateTime ? Date.parse(c.lastUpdateTime) : nowMs;
  return from + d.spec.progressDeadlineSeconds * 1000 < nowMs;
}

export interface RolloutStatus {
  status: DeploymentStatus;
  /** When the progress deadline should be checked again, if at all. */
  recheckAfterMs?: number;
}

/** syncRolloutStatus's decisions: the status to write and when to look again. */
export function rolloutStatus(d: KubeObject, allRSs: readonly KubeObject[], newRS: KubeObject | undefined, now: string, nowMs: number): RolloutStatus {
  const st = calculateStatus(d, allRSs, newRS, now);
  let conds = st.conditions ?? [];
  if (!hasProgressDeadline(d)) conds = removeCondition(conds, 'Progressing');
  const cur = getCondition(d.status?.conditions, 'Progressing');
  const complete = st.replicas === st.updatedReplicas && cur?.reason === Reasons.NewRSAvailable;
  if (hasProgressDeadline(d) && !complete) {
    const rsName = newRS?.metadata.name;
    if (deploymentComplete(d, st)) {
      const msg = rsName ? `ReplicaSet "${rsName}" has successfully progressed.` : 'Deployment has successfully progressed.';
      conds = setCondition(conds, newCondition('Progressing', 'True', Reasons.NewRSAvailable, msg, now));
    } else if (deploymentProgressing(d, st)) {
      const msg = rsName ? `ReplicaSet "${rsName}" is progressing.` : 'Deployment is progressing.';
      const c = newCondition('Progressing', 'True', Reasons.RSUpdated, msg, now);
      // A refresh of lastUpdateTime: that is what moves the deadline.
      if (cur?.status === 'True') c.lastTransitionTime = cur.lastTransitionTime;
      conds = [...removeCondition(conds, 'Progressing'), c];
    } else if (deploymentTimedOut(d, { ...st, conditions: conds }, nowMs)) {
      const msg = rsName ? `ReplicaSet "${rsName}" has timed out progressing.` : `Deployment "${d.metadata.name}" has timed out progressing.`;
      conds = setCondition(conds, newCondition('Progressing', 'False', Reasons.TimedOut, msg, now));
    }
  }
  st.conditions = conds;
  const out: RolloutStatus = { status: st };
  const pc = getCondition(conds, 'Progressing');
  if (hasProgressDeadline(d) && pc && pc.reason !== Reasons.NewRSAvailable && pc.reason !== Reasons.TimedOut && !deploymentComplete(d, st)) {
    const from = pc.lastUpdateTime ? Date.parse(pc.lastUpdateTime) : nowMs;
    out.recheckAfterMs = Math.max(0, from + d.spec.progressDeadlineSeconds * 1000 - nowMs) + 1000;
  }
  return out;
}
