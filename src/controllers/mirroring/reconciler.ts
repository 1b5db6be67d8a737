// EndpointSlice mirroring as a pure function, after Kubernetes'
// endpointslicemirroring reconciler: the subsets of user-written Endpoints
// become slices (one port set per slice) owned by the Endpoints object.
import { deepClone, jsonEqual, type KubeObject } from '../../api/object.js';
import { newEndpointSet, packByPortMapping, mergeCreatesIntoDeletes, type SliceChanges, type EndpointSet } from '../endpointslice/packing.js';
import { portsKey } from '../endpointslice/endpoint.js';
import { controllerRef, slicePrefix } from '../endpointslice/slice-meta.js';
import {
  AnnotationLastApplied, AnnotationLeaderElection, AnnotationTriggerTime, LabelManagedBy, LabelServiceName, LabelSkipMirror,
  MirroringControllerName, type Endpoint, type EndpointPort, type EndpointSlice,
} from '../endpointslice/types.js';
import type { EndpointSubset } from '../endpoints/subsets.js';

export const DefaultMirroringMaxEndpointsPerSlice = 1000;

export interface MirrorInput {
  /** The Endpoints object; undefined when it is gone. */
  endpoints?: KubeObject;
  /** The Service of the same name; undefined when it does not exist. */
  service?: KubeObject;
  /** Slices labelled with this name and managed by the mirroring controller. */
  existingSlices: readonly EndpointSlice[];
  maxEndpointsPerSlice?: number;
}

/** Only Endpoints of an existing selector-less Service, not marked skip-mirror nor a leader-election record. */
export function shouldMirror(endpoints: KubeObject | undefined, service: KubeObject | undefined): boolean {
  if (!endpoints || !service) return false;
  const sel = service.spec?.selector;
  if (sel && Object.keys(sel).length) return false;
  if (endpoints.metadata.labels?.[LabelSkipMirror] === 'true') return false;
  return !(endpoints.metadata.annotations && AnnotationLeaderElection in endpoints.metadata.annotations);
}

const addressType = (ip: string): 'IPv4' | 'IPv6' | undefined =>
  /^\d{1,3}(\.\d{1,3}){3}$/.test(ip) ? 'IPv4' : ip.includes(':') ? 'IPv6' : undefined;

function sliceLabelsAndAnnotations(endpoints: KubeObject): { labels: Record<string, string>; annotations: Record<string, string> } {
  const labels: Record<string, string> = { ...(endpoints.metadata.labels ?? {}) };
  labels[LabelServiceName] = endpoints.metadata.name!;
  labels[LabelManagedBy] = MirroringControllerName;
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(endpoints.metadata.annotations ?? {})) {
    if (k !== AnnotationTriggerTime && k !== AnnotationLastApplied) annotations[k] = v;
  }
  return { labels, annotations };
}

export function reconcileMirror(input: MirrorInput): SliceChanges {
  const { endpoints } = input;
  if (!shouldMirror(endpoints, input.service)) return { create: [], update: [], delete: [...input.existingSlices] };
  const ep = endpoints!;
  const max = input.maxEndpointsPerSlice ?? DefaultMirroringMaxEndpointsPerSlice;
  const meta = sliceLabelsAndAnnotations(ep);

  // Desired endpoints by (address type, port set).
  const desired = new Map<string, { type: string; ports: EndpointPort[]; set: EndpointSet }>();
  for (const ss of (ep.subsets ?? []) as EndpointSubset[]) {
    const ports: EndpointPort[] = (ss.ports ?? []).map((p) => ({ name: p.name ?? '', protocol: p.protocol ?? 'TCP', port: p.port, ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) }));
    const add = (a: NonNullable<EndpointSubset['addresses']>[number], ready: boolean): void => {
      const type = addressType(a.ip);
      if (!type) return;
      const e: Endpoint = { addresses: [a.ip], conditions: { ready } };
      if (a.hostname) e.hostname = a.hostname;
      if (a.targetRef) e.targetRef = deepClone(a.targetRef);
      if (a.nodeName) e.nodeName = a.nodeName;
      const key = `${type}/${portsKey(ports)}`;
      let g = desired.get(key);
      if (!g) desired.set(key, (g = { type, ports, set: new Map() }));
      for (const [k, v] of newEndpointSet([e])) g.set.set(k, v);
    };
    for (const a of ss.addresses ?? []) add(a, true);
    for (const a of ss.notReadyAddresses ?? []) add(a, false);
  }

  const existingByKey = new Map<string, EndpointSlice[]>();
  const out: SliceChanges = { create: [], update: [], delete: [] };
  for (const s of input.existingSlices) {
    if (s.metadata.deletionTimestamp) continue;
    const key = `${s.addressType}/${portsKey(s.ports ?? [])}`;
    existingByKey.set(key, [...(existingByKey.get(key) ?? []), s]);
  }
  const owner = controllerRef(ep, 'Endpoints');
  const refreshMeta = (s: EndpointSlice): EndpointSlice | undefined => {
    const same = jsonEqual(s.metadata.labels ?? {}, meta.labels) && jsonEqual(s.metadata.annotations ?? {}, meta.annotations)
      && jsonEqual(s.metadata.ownerReferences ?? [], [owner]);
    return same ? undefined : { ...s, metadata: { ...s.metadata, labels: { ...meta.labels }, annotations: { ...meta.annotations }, ownerReferences: [owner] } };
  };
  for (const [key, g] of desired) {
    const c = packByPortMapping(existingByKey.get(key) ?? [], g.set, {
      max,
      refreshMeta,
      newSlice: () => ({
        apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
        metadata: {
          generateName: slicePrefix(ep.metadata.name!), namespace: ep.metadata.namespace,
          labels: { ...meta.labels }, ...(Object.keys(meta.annotations).length ? { annotations: { ...meta.annotations } } : {}),
          ownerReferences: [owner],
        },
        addressType: g.type, endpoints: [], ports: deepClone(g.ports),
      }),
    });
    out.create.push(...c.create);
    out.update.push(...c.update);
    out.delete.push(...c.delete);
  }
  for (const [key, slices] of existingByKey) if (!desired.has(key)) out.delete.push(...slices);
  return mergeCreatesIntoDeletes(out, ep.metadata.uid);
}
