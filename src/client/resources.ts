// Where each resource lives on the API, for clients.
export interface ResourceRef {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

const ref = (group: string, version: string, plural: string, kind: string, namespaced = true): ResourceRef => ({ group, version, plural, kind, namespaced });

export const Namespaces = ref('', 'v1', 'namespaces', 'Namespace', false);
export const Nodes = ref('', 'v1', 'nodes', 'Node', false);
export const Pods = ref('', 'v1', 'pods', 'Pod');
export const Services = ref('', 'v1', 'services', 'Service');
export const Endpoints = ref('', 'v1', 'endpoints', 'Endpoints');
export const Events = ref('', 'v1', 'events', 'Event');
export const ConfigMaps = ref('', 'v1', 'configmaps', 'ConfigMap');
export const Secrets = ref('', 'v1', 'secrets', 'Secret');
export const Deployments = ref('apps', 'v1', 'deployments', 'Deployment');
export const ReplicaSets = ref('apps', 'v1', 'replicasets', 'ReplicaSet');
export const EndpointSlices = ref('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice');
export const Leases = ref('coordination.k8s.io', 'v1', 'leases', 'Lease');

export const apiVersionOfRef = (r: ResourceRef): string => (r.group ? `${r.group}/${r.version}` : r.version);

/** /api/v1/namespaces/ns/pods/name/status, with an optional query. */
export function resourcePath(r: ResourceRef, ns?: string, name?: string, sub?: string, query?: Record<string, string | number | boolean | undefined>): string {
  let p = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  if (r.namespaced && ns) p += `/namespaces/${encodeURIComponent(ns)}`;
  p += `/${r.plural}`;
  if (name) p += `/${encodeURIComponent(name)}`;
  if (sub) p += `/${sub}`;
  if (query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, String(v));
    const s = q.toString();
    if (s) p += `?${s}`;
  }
  return p;
}
