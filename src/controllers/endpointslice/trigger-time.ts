// The endpoints.kubernetes.io/last-change-trigger-time value, after Kubernetes'
// TriggerTimeTracker: the earliest of the trigger times (a pod's Ready
// transition, the Service's creation) that changed since the last sync of the
// Service; a Service seen for the first time reports its creation time.
import type { KubeObject } from '../../api/object.js';
import { podReadyCondition } from './endpoint.js';

interface State {
  service: number;
  pods: Map<string, number>;
}

const parse = (t: string | undefined): number => {
  const ms = t ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? 0 : ms;
};

export class TriggerTimeTracker {
  private readonly states = new Map<string, State>();

  /** The trigger time to publish, or undefined (then the annotation is removed). */
  compute(key: string, service: KubeObject, pods: readonly KubeObject[]): Date | undefined {
    const prev = this.states.get(key);
    let min = 0;
    const consider = (t: number): void => { if (t && (!min || t < min)) min = t; };
    const podTimes = new Map<string, number>();
    for (const pod of pods) {
      const t = parse(podReadyCondition(pod)?.lastTransitionTime);
      if (!t) continue;
      podTimes.set(pod.metadata.name!, t);
      if (t > (prev?.pods.get(pod.metadata.name!) ?? 0)) consider(t);
    }
    const svcTime = parse(service.metadata.creationTimestamp);
    if (svcTime > (prev?.service ?? 0)) consider(svcTime);
    this.states.set(key, { service: svcTime, pods: podTimes });
    if (!prev) return svcTime ? new Date(svcTime) : undefined;
    return min ? new Date(min) : undefined;
  }

  delete(key: string): void {
    this.states.delete(key);
  }
}

/** time.RFC3339Nano: fractional seconds without trailing zeros. */
export function formatRFC3339Nano(d: Date): string {
  return d.toISOString().replace(/\.(\d+)Z$/, (_m, frac: string) => {
    const f = frac.replace(/0+$/, '');
    return f ? `.${f}Z` : 'Z';
  });
}
