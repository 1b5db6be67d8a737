// ReplicaSet status from the pods it owns (calculateStatus), pure.
import type { KubeObject } from '../../api/object.js';
import { labelSelectorFromSet, matchesLabels } from '../../api/selectors/labels.js';
import { isPodActive, isPodAvailable, isPodReady } from './pod-util.js';

export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  observedGeneration: number;
  conditions?: ReplicaSetCondition[];
}

export interface ReplicaSetCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** `createError`: the message of a failed create in this sync (a ReplicaFailure condition), or undefined. */
export function replicaSetStatus(rs: KubeObject, ownedPods: readonly KubeObject[], nowMs: number, createError?: string, now = ''): ReplicaSetStatus {
  const active = ownedPods.filter(isPodActive);
  const templateSel = labelSelectorFromSet(rs.spec?.template?.metadata?.labels);
  const minReady = rs.spec?.minReadySeconds ?? 0;
  const st: ReplicaSetStatus = {
    replicas: active.length,
    fullyLabeledReplicas: active.filter((p) => matchesLabels(templateSel, p.metadata.labels)).length,
    readyReplicas: active.filter(isPodReady).length,
    availableReplicas: active.filter((p) => isPodAvailable(p, minReady, nowMs)).length,
    observedGeneration: rs.metadata.generation ?? 0,
  };
  const others: ReplicaSetCondition[] = (rs.status?.conditions ?? []).filter((c: ReplicaSetCondition) => c.type !== 'ReplicaFailure');
  const prev: ReplicaSetCondition | undefined = (rs.status?.conditions ?? []).find((c: ReplicaSetCondition) => c.type === 'ReplicaFailure');
  const conds = [...others];
  if (createError !== undefined) {
    conds.push(prev && prev.message === createError ? prev : { type: 'ReplicaFailure', status: 'True', lastTransitionTime: now, reason: 'FailedCreate', message: createError });
  } else if (prev && active.length !== (rs.spec?.replicas ?? 1)) {
    conds.push(prev); // failure still explains the gap
  }
  if (conds.length) st.conditions = conds;
  return st;
}
