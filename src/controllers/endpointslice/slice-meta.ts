// Metadata of controller-managed slices: name prefix, owner and labels, after
// Kubernetes' newEndpointSlice / setEndpointSliceLabels.
import type { KubeObject, OwnerReference } from '../../api/object.js';
import { LabelHeadless, LabelManagedBy, LabelServiceName } from './types.js';

export function controllerRef(owner: KubeObject, kind: string, apiVersion = 'v1'): OwnerReference {
  return { apiVersion, kind, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

// A prefix that would make an invalid name falls back to "slice-", as upstream does.
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export function slicePrefix(name: string): string {
  return dns1123Subdomain.test(name) && name.length < 253 ? `${name}-` : 'slice-';
}

/** ClusterIP None or unset: the Service has no virtual IP. */
export function serviceIPSet(service: KubeObject): boolean {
  const ip = service.spec?.clusterIP;
  return !!ip && ip !== 'None';
}

/** Service labels (minus the reserved keys), headless marker, service-name and managed-by. */
export function sliceLabels(service: KubeObject, controllerName: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(service.metadata.labels ?? {})) {
    if (k !== LabelServiceName && k !== LabelManagedBy) labels[k] = v;
  }
  if (!serviceIPSet(service)) labels[LabelHeadless] = '';
  else delete labels[LabelHeadless];
  labels[LabelServiceName] = service.metadata.name!;
  labels[LabelManagedBy] = controllerName;
  return labels;
}
