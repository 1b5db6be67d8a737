// Rolling-update arithmetic (rolling.go, deploymentutil.NewRSNewReplicas), pure.
// Each step returns the scale changes to make; the shell applies them in order.
import type { KubeObject } from '../../api/object.js';
import { desiredReplicas, isRollingUpdate, maxSurge, maxUnavailable } from './fenceposts.js';
import { availableReplicaCount, byCreation, replicaCount, specReplicas } from './replicasets.js';

export interface ScaleChange {
  rs: KubeObject;
  replicas: number;
}

/** How big the new RS may grow now: up to replicas + maxSurge pods in total. */
export function newRSNewReplicas(d: KubeObject, allRSs: readonly KubeObject[], newRS: KubeObject): number {
  if (!isRollingUpdate(d)) return desiredReplicas(d);
  const current = replicaCount(allRSs);
  const maxTotal = desiredReplicas(d) + maxSurge(d);
  if (current >= maxTotal) return specReplicas(newRS);
  const up = Math.min(maxTotal - current, desiredReplicas(d) - specReplicas(newRS));
  return specReplicas(newRS) + up;
}

/** reconcileNewReplicaSet: the new RS's target size, or undefined when it is right. */
export function reconcileNewReplicaSet(d: KubeObject, allRSs: readonly KubeObject[], newRS: KubeObject): number | undefined {
  const want = desiredReplicas(d);
  if (specReplicas(newRS) === want) return undefined;
  if (specReplicas(newRS) > want) return want;
  const n = newRSNewReplicas(d, allRSs, newRS);
  return n === specReplicas(newRS) ? undefined : n;
}

const withReplicas = (rs: KubeObject, replicas: number): KubeObject => ({ ...rs, spec: { ...rs.spec, replicas } });

/**
 * reconcileOldReplicaSets: first drop old pods that are not available (they
 * cost no availability), then scale old RSs down as far as minAvailable allows.
 */
export function reconcileOldReplicaSets(d: KubeObject, oldRSs: readonly KubeObject[], newRS: KubeObject | undefined): ScaleChange[] {
  const oldCount = replicaCount(oldRSs);
  if (oldCount === 0) return [];
  const all = [...oldRSs, ...(newRS ? [newRS] : [])];
  const minAvailable = desiredReplicas(d) - maxUnavailable(d);
  const newUnavailable = newRS ? specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0) : 0;
  const maxScaledDown = replicaCount(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return [];
  const changes = new Map<string, ScaleChange>();
  const current = new Map(oldRSs.map((rs) => [rs.metadata.uid!, rs]));

  // Unhealthy replicas first.
  let cleaned = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (cleaned >= maxScaledDown) break;
    const have = specReplicas(rs), avail = rs.status?.availableReplicas ?? 0;
    if (have === 0 || have === avail) continue;
    const down = Math.min(maxScaledDown - cleaned, have - avail);
    const next = withReplicas(rs, have - down);
    cleaned += down;
    current.set(rs.metadata.uid!, next);
    changes.set(rs.metadata.uid!, { rs, replicas: have - down });
  }

  // Then healthy ones, keeping minAvailable.
  const olds = [...current.values()];
  const available = availableReplicaCount([...olds, ...(newRS ? [newRS] : [])]);
  if (available > minAvailable) {
    const total = available - minAvailable;
    let scaled = 0;
    for (const rs of olds.sort(byCreation)) {
      if (scaled >= total) break;
      const have = specReplicas(rs);
      if (have === 0) continue;
      const down = Math.min(have, total - scaled);
      scaled += down;
      const orig = oldRSs.find((o) => o.metadata.uid === rs.metadata.uid)!;
      changes.set(rs.metadata.uid!, { rs: orig, replicas: have - down });
    }
  }
  return [...changes.values()];
}

/** The RS that will take all replicas when only one is active (FindActiveOrLatest). */
export function activeOrLatest(newRS: KubeObject | undefined, oldRSs: readonly KubeObject[]): KubeObject | undefined {
  const all = [...oldRSs, ...(newRS ? [newRS] : [])];
  const active = all.filter((rs) => specReplicas(rs) > 0);
  if (active.length === 1) return active[0];
  if (active.length === 0) return newRS ?? [...oldRSs].sort(byCreation).at(-1);
  return undefined;
}
