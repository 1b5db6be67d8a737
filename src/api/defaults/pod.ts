// Pod defaults: SetDefaults_Pod on top of the PodSpec defaults, plus what the
// default admission plugins add on create (DefaultTolerationSeconds, Priority),
// because every real cluster shows them.

import type { KubeObject } from '../object.js';
import { defaultPodSpec } from './podspec.js';

 
type Obj = Record<string, any>;

export const notReadyTaint = 'node.kubernetes.io/not-ready';
export const unreachableTaint = 'node.kubernetes.io/unreachable';
export const defaultTolerationSeconds = 300;

function tolerates(tolerations: Obj[], taintKey: string): boolean {
  return tolerations.some((t) => (t?.key === taintKey || !t?.key) && (t?.effect === 'NoExecute' || !t?.effect));
}

/** The DefaultTolerationSeconds admission plugin. */
export function addDefaultTolerations(spec: Obj): void {
  const tolerations: Obj[] = Array.isArray(spec.tolerations) ? spec.tolerations : [];
  const add: Obj[] = [];
  for (const key of [notReadyTaint, unreachableTaint])
    if (!tolerates(tolerations, key)) add.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: defaultTolerationSeconds });
  if (add.length) spec.tolerations = [...tolerations, ...add];
}

export function defaultPod(pod: KubeObject): void {
  const spec: Obj = (pod.spec ??= {});
  defaultPodSpec(spec);
  // Requests default to limits, for pods only (not templates).
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    const r = c?.resources;
    if (r?.limits && typeof r.limits === 'object') r.requests = { ...r.limits, ...(r.requests ?? {}) };
  }
  spec.enableServiceLinks ??= true;
  if (spec.hostNetwork)
    for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])])
      for (const p of c?.ports ?? []) if (!p.hostPort) p.hostPort = p.containerPort;
  addDefaultTolerations(spec);
  // The Priority admission plugin, with no PriorityClass in the cluster.
  if (!spec.priorityClassName) spec.priority ??= 0;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
}
