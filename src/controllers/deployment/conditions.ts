// Deployment conditions with Kubernetes' reasons and messages (deploymentutil), pure.
export interface DeploymentCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export const Reasons = {
  NewRSAvailable: 'NewReplicaSetAvailable',
  TimedOut: 'ProgressDeadlineExceeded',
  RSUpdated: 'ReplicaSetUpdated',
  NewRSCreated: 'NewReplicaSetCreated',
  FoundNewRS: 'FoundNewReplicaSet',
  FailedRSCreate: 'ReplicaSetCreateError',
  Paused: 'DeploymentPaused',
  Resumed: 'DeploymentResumed',
  MinimumReplicasAvailable: 'MinimumReplicasAvailable',
  MinimumReplicasUnavailable: 'MinimumReplicasUnavailable',
} as const;

export const newCondition = (type: string, status: DeploymentCondition['status'], reason: string, message: string, now: string): DeploymentCondition =>
  ({ type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message });

export const getCondition = (conds: readonly DeploymentCondition[] | undefined, type: string): DeploymentCondition | undefined =>
  (conds ?? []).find((c) => c.type === type);

/** SetDeploymentCondition: same status and reason is no change; same status keeps lastTransitionTime. */
export function setCondition(conds: DeploymentCondition[], c: DeploymentCondition): DeploymentCondition[] {
  const cur = getCondition(conds, c.type);
  if (cur && cur.status === c.status && cur.reason === c.reason) return conds;
  const next = cur && cur.status === c.status ? { ...c, lastTransitionTime: cur.lastTransitionTime } : c;
  return [...conds.filter((x) => x.type !== c.type), next];
}

export const removeCondition = (conds: DeploymentCondition[], type: string): DeploymentCondition[] => conds.filter((c) => c.type !== type);
