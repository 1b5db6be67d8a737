// The resources this server serves, as data: discovery, routing, storage keys
// and strategies all read from this one table.

export interface SubresourceDef {
  name: string; // 'status', 'scale', 'log', 'exec', 'binding', 'finalize'
  kind: string;
  group?: string;
  version?: string;
  verbs: string[];
}

export interface ResourceDef {
  group: string; // '' for core
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  subresources: SubresourceDef[];
  /** spec changes bump metadata.generation (workload controllers observe it). */
  tracksGeneration: boolean;
  /** DELETE answers with the deleted object instead of a Success Status. */
  returnsDeletedObject: boolean;
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const status = (kind: string): SubresourceDef => ({ name: 'status', kind, verbs: ['get', 'patch', 'update'] });
const scale: SubresourceDef = { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] };

export function def(d: Partial<ResourceDef> & Pick<ResourceDef, 'group' | 'version' | 'kind' | 'plural' | 'namespaced'>): ResourceDef {
  return {
    listKind: `${d.kind}List`,
    singular: d.kind.toLowerCase(),
    shortNames: [],
    categories: [],
    subresources: [],
    tracksGeneration: false,
    returnsDeletedObject: false,
    ...d,
  };
}

export const resources: ResourceDef[] = [
  def({ group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false, shortNames: ['ns'], returnsDeletedObject: true,
    subresources: [status('Namespace'), { name: 'finalize', kind: 'Namespace', verbs: ['update'] }] }),
  def({ group: '', version: 'v1', kind: 'Node', plural: 'nodes', namespaced: false, shortNames: ['no'], subresources: [status('Node')] }),
  def({ group: '', version: 'v1', kind: 'Pod', plural: 'pods', namespaced: true, shortNames: ['po'], categories: ['all'], returnsDeletedObject: true,
    subresources: [status('Pod'), { name: 'log', kind: 'Pod', verbs: ['get'] }, { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
      { name: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
      { name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
      { name: 'ephemeralcontainers', kind: 'Pod', verbs: ['get', 'patch', 'update'] }, { name: 'binding', kind: 'Binding', verbs: ['create'] }] }),
  def({ group: '', version: 'v1', kind: 'Service', plural: 'services', namespaced: true, shortNames: ['svc'], categories: ['all'], returnsDeletedObject: true,
    subresources: [status('Service')] }),
  def({ group: '', version: 'v1', kind: 'Endpoints', listKind: 'EndpointsList', plural: 'endpoints', singular: 'endpoints', namespaced: true, shortNames: ['ep'] }),
  def({ group: '', version: 'v1', kind: 'Event', plural: 'events', namespaced: true, shortNames: ['ev'] }),
  def({ group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true, shortNames: ['cm'] }),
  def({ group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true }),
  def({ group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', namespaced: true, shortNames: ['deploy'], categories: ['all'],
    tracksGeneration: true, subresources: [status('Deployment'), scale] }),
  def({ group: 'apps', version: 'v1', kind: 'ReplicaSet', plural: 'replicasets', namespaced: true, shortNames: ['rs'], categories: ['all'],
    tracksGeneration: true, subresources: [status('ReplicaSet'), scale] }),
  def({ group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice', plural: 'endpointslices', namespaced: true }),
  def({ group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', plural: 'leases', namespaced: true }),
];

export const VERBS_ALL = VERBS;

const byPath = new Map<string, ResourceDef>(resources.map((r) => [`${r.group}/${r.version}/${r.plural}`, r]));

export function findResource(group: string, version: string, plural: string): ResourceDef | undefined {
  return byPath.get(`${group}/${version}/${plural}`);
}

export function resourceByKind(kind: string): ResourceDef | undefined {
  return resources.find((r) => r.kind === kind);
}

export const apiVersionOf = (r: Pick<ResourceDef, 'group' | 'version'>): string => (r.group ? `${r.group}/${r.version}` : r.version);

export function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of resources) seen.set(`${r.group}/${r.version}`, { group: r.group, version: r.version });
  return [...seen.values()];
}

/** Storage key: /registry/<group|core>/<plural>/[<namespace>/]<name> */
export function storageKey(r: ResourceDef, namespace: string | undefined, name: string): string {
  return r.namespaced ? `${resourcePrefix(r)}${namespace}/${name}` : `${resourcePrefix(r)}${name}`;
}

export function resourcePrefix(r: ResourceDef, namespace?: string): string {
  const base = `/registry/${r.group || 'core'}/${r.plural}/`;
  return namespace && r.namespaced ? `${base}${namespace}/` : base;
}
