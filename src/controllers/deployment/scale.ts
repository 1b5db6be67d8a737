// Proportional scaling of a Deployment that is resized mid-rollout (sync.go
// scale()): the extra or missing replicas are spread over the active RSs in
// proportion to their size, the remainder going to the largest. Pure.
import type { KubeObject } from '../../api/object.js';
import { desiredReplicas, isRollingUpdate, maxSurge } from './fenceposts.js';
import { activeOrLatest, type ScaleChange } from './rolling.js';
import { activeReplicaSets, byCreation, DESIRED_REPLICAS, MAX_REPLICAS, replicaCount, specReplicas } from './replicasets.js';

/** IsSaturated: the new RS runs all desired replicas, all available. */
export function isSaturated(d: KubeObject, newRS: KubeObject | undefined): boolean {
  if (!newRS) return false;
  const want = desiredReplicas(d);
  return specReplicas(newRS) === want && newRS.metadata.annotations?.[DESIRED_REPLICAS] === String(want) && (newRS.status?.availableReplicas ?? 0) === want;
}

function fraction(rs: KubeObject, d: KubeObject): number {
  const want = desiredReplicas(d);
  if (want === 0) return -specReplicas(rs);
  const total = want + maxSurge(d);
  const annotated = Number(rs.metadata.annotations?.[MAX_REPLICAS]);
  const base = Number.isInteger(annotated) && rs.metadata.annotations?.[MAX_REPLICAS] !== undefined ? annotated : d.status?.replicas ?? 0;
  if (!base) return 0;
  return Math.round((specReplicas(rs) * total) / base) - specReplicas(rs);
}

/** Sizes for each RS after a scaling event; only RSs whose size changes are returned. */
export function proportionalScale(d: KubeObject, newRS: KubeObject | undefined, oldRSs: readonly KubeObject[]): ScaleChange[] {
  const want = desiredReplicas(d);
  const single = activeOrLatest(newRS, oldRSs);
  if (single) return specReplicas(single) === want ? [] : [{ rs: single, replicas: want }];
  if (isSaturated(d, newRS)) return activeReplicaSets(oldRSs).map((rs) => ({ rs, replicas: 0 }));
  if (!isRollingUpdate(d)) return [];
  const all = activeReplicaSets([...oldRSs, newRS]);
  const allowed = want > 0 ? want + maxSurge(d) : 0;
  const toAdd = allowed - replicaCount(all);
  if (toAdd === 0) return [];
  // Largest first; on ties the newer (adding) or the older (removing) goes first.
  const sorted = [...all].sort((a, b) => {
    if (specReplicas(a) !== specReplicas(b)) return specReplicas(b) - specReplicas(a);
    return toAdd > 0 ? byCreation(b, a) : byCreation(a, b);
  });
  let added = 0;
  const sizes = sorted.map((rs) => {
    if (toAdd === added) return specReplicas(rs);
    const f = fraction(rs, d);
    const allowedLeft = toAdd - added;
    const p = toAdd > 0 ? Math.min(f, allowedLeft) : Math.max(f, allowedLeft);
    added += p;
    return specReplicas(rs) + p;
  });
  sizes[0] = Math.max(0, sizes[0] + (toAdd - added));
  return sorted.map((rs, i) => ({ rs, replicas: sizes[i] })).filter((c) => c.replicas !== specReplicas(c.rs));
}

/** isScalingEvent: an active RS's desired-replicas annotation disagrees with the Deployment. */
export function isScalingEvent(d: KubeObject, rss: readonly KubeObject[]): boolean {
  const want = String(desiredReplicas(d));
  return activeReplicaSets(rss).some((rs) => {
    const v = rs.metadata.annotations?.[DESIRED_REPLICAS];
    return v !== undefined && v !== want;
  });
}
