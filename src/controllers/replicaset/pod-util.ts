// Pod and ownership predicates shared by the workload controllers (pure).
import type { KubeObject, OwnerReference } from '../../api/object.js';

/** Not finished and not being deleted (controller.FilterActivePods / IsPodActive). */
export const isPodActive = (p: KubeObject): boolean =>
  p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && !p.metadata.deletionTimestamp;

const readyCondition = (p: KubeObject): { status?: string; lastTransitionTime?: string } | undefined =>
  (p.status?.conditions ?? []).find((c: { type: string }) => c.type === 'Ready');

export const isPodReady = (p: KubeObject): boolean => readyCondition(p)?.status === 'True';

/** Time the pod became ready, in ms since the epoch; undefined when not ready. */
export function podReadySince(p: KubeObject): number | undefined {
  const c = readyCondition(p);
  if (c?.status !== 'True') return undefined;
  const t = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

/** Ready for at least minReadySeconds (podutil.IsPodAvailable). */
export function isPodAvailable(p: KubeObject, minReadySeconds: number, nowMs: number): boolean {
  const since = podReadySince(p);
  if (since === undefined) return false;
  return minReadySeconds <= 0 || since + minReadySeconds * 1000 <= nowMs;
}

/** Milliseconds until a ready pod counts as available; undefined when it never will without a change. */
export function msUntilAvailable(p: KubeObject, minReadySeconds: number, nowMs: number): number | undefined {
  const since = podReadySince(p);
  if (since === undefined || minReadySeconds <= 0) return undefined;
  const left = since + minReadySeconds * 1000 - nowMs;
  return left > 0 ? left : undefined;
}

export const restartCount = (p: KubeObject): number =>
  (p.status?.containerStatuses ?? []).reduce((n: number, c: { restartCount?: number }) => n + (c.restartCount ?? 0), 0);

export const getControllerOf = (o: KubeObject): OwnerReference | undefined =>
  (o.metadata.ownerReferences ?? []).find((r) => r.controller === true);

export const isControlledBy = (o: KubeObject, owner: KubeObject): boolean => getControllerOf(o)?.uid === owner.metadata.uid;

export function controllerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion ?? 'apps/v1', kind: owner.kind!, name: owner.metadata.name!, uid: owner.metadata.uid!,
    controller: true, blockOwnerDeletion: true,
  };
}

/** Milliseconds since the epoch of creationTimestamp (0 when unset). */
export const createdAt = (o: KubeObject): number => (o.metadata.creationTimestamp ? Date.parse(o.metadata.creationTimestamp) : 0);
