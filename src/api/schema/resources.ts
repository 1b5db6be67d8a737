// The resources kubesvc serves, as data: the OpenAPI paths are generated from it and
// the API server can cross-check its routes against it.

export interface ResourceInfo {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  /** Subresources. `kind` (default: the resource's own) names the body type. */
  subresources: SubresourceInfo[];
}

export interface SubresourceInfo {
  name: string;
  /** 'object': get/put/patch of a typed body; 'log': text GET; 'connect': exec/attach; 'create': POST only. */
  shape: 'object' | 'log' | 'connect' | 'create';
  kind?: { group: string; version: string; kind: string };
}

const status: SubresourceInfo = { name: 'status', shape: 'object' };
const scale: SubresourceInfo = { name: 'scale', shape: 'object', kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' } };

export const servedResources: ResourceInfo[] = [
  { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false, subresources: [status] },
  { group: '', version: 'v1', kind: 'Node', plural: 'nodes', namespaced: false, subresources: [status] },
  {
    group: '', version: 'v1', kind: 'Pod', plural: 'pods', namespaced: true, subresources: [
      status,
      { name: 'log', shape: 'log' },
      { name: 'attach', shape: 'connect' },
      { name: 'exec', shape: 'connect' },
      { name: 'portforward', shape: 'connect' },
      { name: 'ephemeralcontainers', shape: 'object' },
      { name: 'binding', shape: 'create', kind: { group: '', version: 'v1', kind: 'Binding' } },
    ],
  },
  { group: '', version: 'v1', kind: 'Service', plural: 'services', namespaced: true, subresources: [status] },
  { group: '', version: 'v1', kind: 'Endpoints', plural: 'endpoints', namespaced: true, subresources: [] },
  { group: '', version: 'v1', kind: 'Event', plural: 'events', namespaced: true, subresources: [] },
  { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true, subresources: [] },
  { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true, subresources: [] },
  { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', namespaced: true, subresources: [status, scale] },
  { group: 'apps', version: 'v1', kind: 'ReplicaSet', plural: 'replicasets', namespaced: true, subresources: [status, scale] },
  { group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice', plural: 'endpointslices', namespaced: true, subresources: [] },
  { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', plural: 'leases', namespaced: true, subresources: [] },
];

/** 'api/v1' for the core group, 'apis/<group>/<version>' otherwise: the /openapi/v3 index keys. */
export const groupVersionPath = (group: string, version: string): string =>
  group === '' ? `api/${version}` : `apis/${group}/${version}`;

/** Group-versions with an OpenAPI document. autoscaling/v1 has no resources of its own, only Scale. */
export const servedGroupVersions: { group: string; version: string }[] = [
  { group: '', version: 'v1' },
  { group: 'apps', version: 'v1' },
  { group: 'discovery.k8s.io', version: 'v1' },
  { group: 'coordination.k8s.io', version: 'v1' },
  { group: 'autoscaling', version: 'v1' },
];
