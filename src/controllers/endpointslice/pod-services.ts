// Which Services a pod event concerns, after Kubernetes' endpointsliceutil
// (GetPodServiceMemberships, podEndpointsChanged).
import { jsonEqual, type KubeObject } from '../../api/object.js';
import { labelSelectorFromSet, type LabelSelector } from '../../api/selectors/labels.js';

/** The selector of a Service, or undefined when it selects no pods (selector-less). */
export function serviceSelector(service: KubeObject): LabelSelector | undefined {
  const sel = service.spec?.selector;
  if (!sel || typeof sel !== 'object' || !Object.keys(sel).length) return undefined;
  return labelSelectorFromSet(sel);
}

/** The fields of a pod that endpoints are made of. */
function endpointView(pod: KubeObject): unknown {
  const ready = (pod.status?.conditions ?? []).find((c: any) => c?.type === 'Ready');
  return {
    uid: pod.metadata.uid,
    deletionTimestamp: pod.metadata.deletionTimestamp,
    podIP: pod.status?.podIP, podIPs: pod.status?.podIPs, phase: pod.status?.phase,
    ready: ready?.status, readySince: ready?.lastTransitionTime,
    nodeName: pod.spec?.nodeName, hostname: pod.spec?.hostname, subdomain: pod.spec?.subdomain,
    ports: [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].map((c: any) => c?.ports ?? null),
  };
}

export interface PodChange {
  labelsChanged: boolean;
  endpointsChanged: boolean;
}

export function podChange(oldPod: KubeObject, newPod: KubeObject): PodChange {
  return {
    labelsChanged: !jsonEqual(oldPod.metadata.labels ?? {}, newPod.metadata.labels ?? {}),
    endpointsChanged: !jsonEqual(endpointView(oldPod), endpointView(newPod)),
  };
}
