// Per-node filters of the default scheduler profile that apply here, in its
// order (NodeUnschedulable, TaintToleration, NodeAffinity). Each returns the
// reason a node was rejected, worded as the upstream plugins word it.
import type { KubeObject } from '../../api/object.js';

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

export const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';
export const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable';

export const isNodeReady = (n: KubeObject): boolean =>
  (n.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');

/** v1.Toleration.ToleratesTaint. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if ((t.operator ?? 'Equal') === 'Exists') return !t.key || t.key === taint.key;
  return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
}

/** Taints that block scheduling; a node that is not Ready carries not-ready, as the node lifecycle controller would add it. */
export function schedulingTaints(n: KubeObject): Taint[] {
  const taints: Taint[] = (n.spec?.taints ?? []).filter((t: Taint) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
  if (!isNodeReady(n) && !taints.some((t) => t.key === NOT_READY_TAINT)) taints.push({ key: NOT_READY_TAINT, effect: 'NoSchedule' });
  return taints;
}

const tolerationsOf = (pod: KubeObject): Toleration[] => pod.spec?.tolerations ?? [];

function nodeUnschedulable(pod: KubeObject, n: KubeObject): string | undefined {
  if (!n.spec?.unschedulable) return undefined;
  const ok = tolerationsOf(pod).some((t) => tolerates(t, { key: UNSCHEDULABLE_TAINT, effect: 'NoSchedule' }));
  return ok ? undefined : 'node(s) were unschedulable';
}

function taintToleration(pod: KubeObject, n: KubeObject): string | undefined {
  const bad = schedulingTaints(n).find((taint) => !tolerationsOf(pod).some((t) => tolerates(t, taint)));
  return bad ? `node(s) had untolerated taint {${bad.key}: ${bad.value ?? ''}}` : undefined;
}

interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

function requirementMatches(r: NodeSelectorRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const v = labels[r.key];
  const vals = r.values ?? [];
  switch (r.operator) {
    case 'In': return has && vals.includes(v);
    case 'NotIn': return !has || !vals.includes(v);
    case 'Exists': return has;
    case 'DoesNotExist': return !has;
    case 'Gt': return has && Number.isInteger(Number(v)) && Number(v) > Number(vals[0]);
    case 'Lt': return has && Number.isInteger(Number(v)) && Number(v) < Number(vals[0]);
    default: return false;
  }
}

/** spec.nodeSelector and required node affinity (terms ORed, expressions ANDed; matchFields on metadata.name). */
export function matchesNodeSelector(pod: KubeObject, n: KubeObject): boolean {
  const labels: Record<string, string> = n.metadata.labels ?? {};
  for (const [k, v] of Object.entries((pod.spec?.nodeSelector ?? {}) as Record<string, string>)) if (labels[k] !== v) return false;
  const terms: { matchExpressions?: NodeSelectorRequirement[]; matchFields?: NodeSelectorRequirement[] }[] | undefined =
    pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms) return true;
  const fields = { 'metadata.name': n.metadata.name ?? '' };
  return terms.some((t) => {
    const exprs = t.matchExpressions ?? [], fs = t.matchFields ?? [];
    if (!exprs.length && !fs.length) return false; // an empty term matches nothing
    return exprs.every((r) => requirementMatches(r, labels)) && fs.every((r) => requirementMatches(r, fields));
  });
}

function nodeAffinity(pod: KubeObject, n: KubeObject): string | undefined {
  return matchesNodeSelector(pod, n) ? undefined : "node(s) didn't match Pod's node affinity/selector";
}

const FILTERS = [nodeUnschedulable, taintToleration, nodeAffinity];

/** The first filter that rejects the node, or undefined when the pod fits. */
export function rejectReason(pod: KubeObject, n: KubeObject): string | undefined {
  for (const f of FILTERS) {
    const r = f(pod, n);
    if (r) return r;
  }
  return undefined;
}
