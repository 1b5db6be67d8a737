// The legacy Endpoints object of a Service as a pure function, after
// Kubernetes' endpoints controller syncService: addresses from the pods the
// selector matches, subsets repacked, labels from the Service, and a write
// only when subsets, labels or annotations would change.
import { deepClone, jsonEqual, type KubeObject } from '../../api/object.js';
import { findPort, isPodReady, podAddresses, shouldPodBeInEndpoints, shouldSetHostname } from '../endpointslice/endpoint.js';
import { servesEndpointSlices } from '../endpointslice/reconciler.js';
import { serviceIPSet } from '../endpointslice/slice-meta.js';
import { formatRFC3339Nano } from '../endpointslice/trigger-time.js';
import { AnnotationOverCapacity, AnnotationTriggerTime, LabelHeadless, LabelSkipMirror } from '../endpointslice/types.js';
import { repackSubsets, type EndpointAddress, type EndpointSubset, type EndpointsPort } from './subsets.js';

export const MaxEndpointsCapacity = 1000;

export interface EndpointsInput {
  service: KubeObject;
  pods: readonly KubeObject[];
  /** The Endpoints object of the same name, if it exists. */
  current?: KubeObject;
  triggerTime?: Date;
}

export type EndpointsDecision =
  | { action: 'none' }
  | { action: 'create' | 'update'; endpoints: KubeObject };

export function desiredSubsets(service: KubeObject, pods: readonly KubeObject[]): EndpointSubset[] {
  const publishNotReady = !!service.spec?.publishNotReadyAddresses;
  const subsets: EndpointSubset[] = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const ip = podAddresses(pod, 'IPv4')[0];
    if (!ip) continue;
    const addr: EndpointAddress = { ip, targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name!, uid: pod.metadata.uid } };
    if (pod.spec?.nodeName) addr.nodeName = pod.spec.nodeName;
    if (shouldSetHostname(pod, service)) addr.hostname = pod.spec.hostname;
    const ready = publishNotReady || isPodReady(pod);
    const add = (ports: EndpointsPort[]): void => {
      subsets.push(ready ? { addresses: [addr], ...(ports.length ? { ports } : {}) } : { notReadyAddresses: [addr], ...(ports.length ? { ports } : {}) });
    };
    const svcPorts = service.spec?.ports ?? [];
    if (!svcPorts.length) {
      // Only headless Services may go without ports.
      if (!serviceIPSet(service)) add([]);
      continue;
    }
    for (const sp of svcPorts) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      const ep: EndpointsPort = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
      if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
      add([ep]);
    }
  }
  return repackSubsets(subsets);
}

/** truncateEndpoints, simplified: ready addresses are kept first, up to the capacity in total. */
function truncate(subsets: EndpointSubset[]): boolean {
  const total = subsets.reduce((n, s) => n + (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0), 0);
  if (total <= MaxEndpointsCapacity) return false;
  let room = MaxEndpointsCapacity;
  for (const s of subsets) {
    if (s.addresses) { s.addresses = s.addresses.slice(0, room); room -= s.addresses.length; }
  }
  for (const s of subsets) {
    if (s.notReadyAddresses) { s.notReadyAddresses = s.notReadyAddresses.slice(0, room); room -= s.notReadyAddresses.length; }
    if (!s.addresses?.length) delete s.addresses;
    if (!s.notReadyAddresses?.length) delete s.notReadyAddresses;
  }
  subsets.splice(0, subsets.length, ...subsets.filter((s) => s.addresses || s.notReadyAddresses));
  return true;
}

const withoutKeys = (m: Record<string, string> | undefined, keys: string[]): Record<string, string> => {
  const out = { ...(m ?? {}) };
  for (const k of keys) delete out[k];
  return out;
};

export function reconcileEndpoints(input: EndpointsInput): EndpointsDecision {
  const { service, current } = input;
  if (!servesEndpointSlices(service)) return { action: 'none' };
  const subsets = desiredSubsets(service, input.pods);
  const over = truncate(subsets);
  const cur = current ? deepClone(current) : undefined;
  const currentSubsets = (cur?.subsets as EndpointSubset[] | undefined) ?? [];
  const labelsSame = jsonEqual(withoutKeys(cur?.metadata.labels, [LabelHeadless, LabelSkipMirror]), service.metadata.labels ?? {})
    && (cur?.metadata.labels?.[LabelSkipMirror] === 'true')
    && ((LabelHeadless in (cur?.metadata.labels ?? {})) === !serviceIPSet(service));
  const capacitySame = (cur?.metadata.annotations?.[AnnotationOverCapacity] === 'truncated') === over;
  if (cur && jsonEqual(currentSubsets, subsets) && labelsSame && capacitySame) return { action: 'none' };

  const labels: Record<string, string> = { ...(service.metadata.labels ?? {}) };
  if (!serviceIPSet(service)) labels[LabelHeadless] = '';
  else delete labels[LabelHeadless];
  // Tells the mirroring controller these Endpoints are already backed by slices.
  labels[LabelSkipMirror] = 'true';
  const annotations = { ...(cur?.metadata.annotations ?? {}) };
  if (input.triggerTime) annotations[AnnotationTriggerTime] = formatRFC3339Nano(input.triggerTime);
  else delete annotations[AnnotationTriggerTime];
  if (over) annotations[AnnotationOverCapacity] = 'truncated';
  else delete annotations[AnnotationOverCapacity];

  const endpoints: KubeObject = {
    apiVersion: 'v1', kind: 'Endpoints',
    ...(cur ?? {}),
    metadata: {
      ...(cur?.metadata ?? { name: service.metadata.name, namespace: service.metadata.namespace }),
      labels,
      ...(Object.keys(annotations).length ? { annotations } : {}),
    },
    subsets,
  };
  if (!Object.keys(annotations).length) delete endpoints.metadata.annotations;
  return { action: cur ? 'update' : 'create', endpoints };
}
