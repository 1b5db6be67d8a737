// ReplicaSet bookkeeping for Deployments (deploymentutil): revisions, the
// annotations a Deployment stamps on its ReplicaSets, finding the new one,
// counting replicas. Pure.
import { deepClone, jsonEqual, type KubeObject } from '../../api/object.js';
import { createdAt } from '../replicaset/pod-util.js';
import { desiredReplicas, maxSurge } from './fenceposts.js';

export const TEMPLATE_HASH_LABEL = 'pod-template-hash';
export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
const ROLLBACK_TO = 'deprecated.deployment.rollback.to';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** Kubernetes' default cap on revision-history's length. */
export const MAX_REVISION_HISTORY_CHARS = 2000;

const SKIP_COPY = new Set([LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, ROLLBACK_TO]);

export const specReplicas = (rs: KubeObject | undefined): number => rs?.spec?.replicas ?? 0;

export function revisionOf(o: KubeObject): number {
  const v = Number(o.metadata.annotations?.[REVISION] ?? '');
  return Number.isInteger(v) && v >= 0 ? v : 0;
}

export const maxRevision = (rss: readonly KubeObject[]): number => rss.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);

/**
 * Drops nulls, empty lists and empty maps, which Kubernetes' semantic equality
 * does not tell from absent fields (kubectl sends `creationTimestamp: null`).
 */
export function pruneEmpty(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(pruneEmpty);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const p = pruneEmpty(x);
    if (p === null || p === undefined) continue;
    if (Array.isArray(p) && !p.length) continue;
    if (typeof p === 'object' && !Array.isArray(p) && !Object.keys(p as object).length) continue;
    out[k] = p;
  }
  return out;
}

/** Templates equal once the pod-template-hash label is ignored. */
export function equalIgnoreHash(a: KubeObject['spec'], b: KubeObject['spec']): boolean {
  const strip = (t: any): unknown => {
    const c = deepClone(t ?? {});
    if (c.metadata?.labels) delete c.metadata.labels[TEMPLATE_HASH_LABEL];
    return pruneEmpty(c);
  };
  return jsonEqual(strip(a), strip(b));
}

/** Oldest first, then by name (ReplicaSetsByCreationTimestamp). */
export const byCreation = (a: KubeObject, b: KubeObject): number =>
  createdAt(a) - createdAt(b) || ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1);

export function findNewReplicaSet(d: KubeObject, rss: readonly KubeObject[]): KubeObject | undefined {
  // Several can match after a hash collision; the oldest is the one in use.
  return [...rss].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

export const findOldReplicaSets = (newRS: KubeObject | undefined, rss: readonly KubeObject[]): KubeObject[] =>
  rss.filter((rs) => rs.metadata.uid !== newRS?.metadata.uid);

export const activeReplicaSets = (rss: readonly (KubeObject | undefined)[]): KubeObject[] =>
  rss.filter((rs): rs is KubeObject => !!rs && specReplicas(rs) > 0);

const sum = (rss: readonly (KubeObject | undefined)[], f: (rs: KubeObject) => number): number =>
  rss.reduce((n, rs) => n + (rs ? f(rs) : 0), 0);

export const replicaCount = (rss: readonly (KubeObject | undefined)[]): number => sum(rss, specReplicas);
export const actualReplicaCount = (rss: readonly (KubeObject | undefined)[]): number => sum(rss, (rs) => rs.status?.replicas ?? 0);
export const readyReplicaCount = (rss: readonly (KubeObject | undefined)[]): number => sum(rss, (rs) => rs.status?.readyReplicas ?? 0);
export const availableReplicaCount = (rss: readonly (KubeObject | undefined)[]): number => sum(rss, (rs) => rs.status?.availableReplicas ?? 0);

/** Copies the Deployment's own annotations onto the RS; true if anything changed. */
function copyDeploymentAnnotations(d: KubeObject, rs: KubeObject): boolean {
  const ann = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (SKIP_COPY.has(k) || ann[k] === v) continue;
    ann[k] = v;
    changed = true;
  }
  return changed;
}

/** Sets desired-replicas and max-replicas; true if they changed. */
export function setReplicasAnnotations(rs: KubeObject, desired: number, max: number): boolean {
  const ann = (rs.metadata.annotations ??= {});
  if (ann[DESIRED_REPLICAS] === String(desired) && ann[MAX_REPLICAS] === String(max)) return false;
  ann[DESIRED_REPLICAS] = String(desired);
  ann[MAX_REPLICAS] = String(max);
  return true;
}

export const replicasAnnotationsNeedUpdate = (rs: KubeObject, desired: number, max: number): boolean =>
  rs.metadata.annotations?.[DESIRED_REPLICAS] !== String(desired) || rs.metadata.annotations?.[MAX_REPLICAS] !== String(max);

/**
 * SetNewReplicaSetAnnotations, mutating `rs`: copies annotations, raises the
 * revision, and when an existing RS is reused (a rollback) keeps its former
 * revision in revision-history.
 */
export function setNewReplicaSetAnnotations(d: KubeObject, rs: KubeObject, newRevision: number, exists: boolean, limitChars = MAX_REVISION_HISTORY_CHARS): boolean {
  let changed = copyDeploymentAnnotations(d, rs);
  const ann = (rs.metadata.annotations ??= {});
  const hadRevision = Object.hasOwn(ann, REVISION);
  const oldRevisionText = ann[REVISION] ?? '';
  const oldRevision = oldRevisionText === '' ? 0 : Number(oldRevisionText);
  if (!Number.isInteger(oldRevision)) return false;
  if (oldRevision < newRevision) {
    ann[REVISION] = String(newRevision);
    changed = true;
    if (hadRevision) {
      const history = ann[REVISION_HISTORY] ?? '';
      if (!history) ann[REVISION_HISTORY] = oldRevisionText;
      else {
        const parts = history.split(',');
        let total = history.length + oldRevisionText.length + 1;
        let start = 0;
        while (total > limitChars && start < parts.length) total -= parts[start++].length + 1;
        if (total <= limitChars) ann[REVISION_HISTORY] = [...parts.slice(start), oldRevisionText].join(',');
      }
    }
  }
  if (!exists && setReplicasAnnotations(rs, desiredReplicas(d), desiredReplicas(d) + maxSurge(d))) changed = true;
  return changed;
}
