// The EndpointSlice reconciler as a pure function, after Kubernetes'
// staging/src/k8s.io/endpointslice/reconciler.go: given a Service, the pods
// its selector matches and the slices it already has, compute the slices to
// create, update and delete. Only IPv4 is served (the cluster is single-stack).
import { deepClone, jsonEqual, type KubeObject } from '../../api/object.js';
import { endpointPorts, podToEndpoint, portsKey, shouldPodBeInEndpoints, type NodeLookup } from './endpoint.js';
import { mergeCreatesIntoDeletes, newEndpointSet, packByPortMapping, type EndpointSet, type SliceChanges } from './packing.js';
import { controllerRef, slicePrefix, sliceLabels } from './slice-meta.js';
import { formatRFC3339Nano } from './trigger-time.js';
import {
  AnnotationTriggerTime, DefaultMaxEndpointsPerSlice, EndpointSliceControllerName,
  type EndpointPort, type EndpointSlice,
} from './types.js';

export interface ReconcileSlicesInput {
  service: KubeObject;
  /** Pods of the Service's namespace that its selector matches. */
  pods: readonly KubeObject[];
  /** Slices labelled with this Service's name and managed by this controller. */
  existingSlices: readonly EndpointSlice[];
  maxEndpointsPerSlice?: number;
  /** When given, pods on unknown nodes are left out (and reported) and zones are read from node labels. */
  nodes?: NodeLookup;
  /** From TriggerTimeTracker; stamped on every created or updated slice. */
  triggerTime?: Date;
  controllerName?: string;
}

export interface ReconcileSlicesResult extends SliceChanges {
  /** Reasons to retry later (pods whose node is not known yet). */
  errors: string[];
}

const AddressType = 'IPv4';

/** Services the controller leaves alone: ExternalName and selector-less ones. */
export function servesEndpointSlices(service: KubeObject): boolean {
  if (service.spec?.type === 'ExternalName') return false;
  const sel = service.spec?.selector;
  return !!sel && typeof sel === 'object' && Object.keys(sel).length > 0;
}

function newSlice(service: KubeObject, ports: EndpointPort[], controllerName: string): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: slicePrefix(service.metadata.name!),
      namespace: service.metadata.namespace,
      labels: sliceLabels(service, controllerName),
      ownerReferences: [controllerRef(service, 'Service')],
    },
    addressType: AddressType,
    endpoints: [],
    ports: deepClone(ports),
  };
}

const ownedBy = (slice: EndpointSlice, service: KubeObject): boolean =>
  !!slice.metadata.ownerReferences?.some((r) => r.controller && r.kind === 'Service' && r.uid === service.metadata.uid);

/** placeholderSliceCompare: same namespace, labels, owners, ports and (no) endpoints. */
function samePlaceholder(a: EndpointSlice, b: EndpointSlice): boolean {
  return a.metadata.namespace === b.metadata.namespace
    && jsonEqual(a.metadata.labels ?? {}, b.metadata.labels ?? {})
    && jsonEqual(a.metadata.ownerReferences ?? [], b.metadata.ownerReferences ?? [])
    && a.addressType === b.addressType
    && jsonEqual(a.ports ?? [], b.ports ?? []) && jsonEqual(a.endpoints ?? [], b.endpoints ?? []);
}

export function reconcileSlices(input: ReconcileSlicesInput): ReconcileSlicesResult {
  const { service, pods, nodes } = input;
  const max = input.maxEndpointsPerSlice ?? DefaultMaxEndpointsPerSlice;
  const controllerName = input.controllerName ?? EndpointSliceControllerName;
  const result: ReconcileSlicesResult = { create: [], update: [], delete: [], errors: [] };
  if (!servesEndpointSlices(service)) return result;

  // Slices of another address type, or left over from an older Service of the same name, go.
  const existing: EndpointSlice[] = [];
  for (const s of input.existingSlices) {
    if (s.metadata.deletionTimestamp) continue;
    if (ownedBy(s, service) && s.addressType === AddressType) existing.push(s);
    else result.delete.push(s);
  }

  const desiredByPorts = new Map<string, { ports: EndpointPort[]; set: EndpointSet }>();
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    let node: KubeObject | undefined;
    if (nodes) {
      node = nodes.get(pod.spec?.nodeName ?? '');
      if (!node) {
        result.errors.push(`skipping pod ${pod.metadata.name} for service ${service.metadata.namespace}/${service.metadata.name}: node ${JSON.stringify(pod.spec?.nodeName ?? '')} not found`);
        continue;
      }
    }
    const ep = podToEndpoint(pod, service, node);
    if (!ep.addresses.length) continue;
    const ports = endpointPorts(service, pod);
    const key = portsKey(ports);
    let group = desiredByPorts.get(key);
    if (!group) desiredByPorts.set(key, (group = { ports, set: new Map() }));
    for (const [k, v] of newEndpointSet([ep])) group.set.set(k, v);
  }

  const existingByPorts = new Map<string, EndpointSlice[]>();
  for (const s of existing) {
    const key = portsKey(s.ports ?? []);
    existingByPorts.set(key, [...(existingByPorts.get(key) ?? []), s]);
  }

  const refreshMeta = (s: EndpointSlice): EndpointSlice | undefined => {
    const labels = sliceLabels(service, controllerName);
    return jsonEqual(labels, s.metadata.labels ?? {}) ? undefined : { ...s, metadata: { ...s.metadata, labels } };
  };
  const del: EndpointSlice[] = [];
  for (const [key, { ports, set }] of desiredByPorts) {
    const c = packByPortMapping(existingByPorts.get(key) ?? [], set, { max, newSlice: () => newSlice(service, ports, controllerName), refreshMeta });
    result.create.push(...c.create);
    result.update.push(...c.update);
    del.push(...c.delete);
  }
  for (const [key, slices] of existingByPorts) if (!desiredByPorts.has(key)) del.push(...slices);

  // A Service without endpoints still gets one empty slice.
  if (existing.length === del.length && !result.create.length) {
    const placeholder = newSlice(service, [], controllerName);
    if (del.length === 1 && samePlaceholder(del[0], placeholder)) del.length = 0;
    else result.create.push(placeholder);
  }
  result.delete.push(...del);

  const merged = mergeCreatesIntoDeletes(result, service.metadata.uid);
  // Don't create while the Service is being deleted: the garbage collector would race us.
  if (service.metadata.deletionTimestamp) merged.create = [];
  for (const s of [...merged.create, ...merged.update]) stampTriggerTime(s, input.triggerTime);
  return { ...merged, errors: result.errors };
}

function stampTriggerTime(s: EndpointSlice, t: Date | undefined): void {
  const annotations = { ...(s.metadata.annotations ?? {}) };
  if (t) annotations[AnnotationTriggerTime] = formatRFC3339Nano(t);
  else delete annotations[AnnotationTriggerTime];
  s.metadata.annotations = annotations;
  if (!Object.keys(annotations).length) delete s.metadata.annotations;
}
