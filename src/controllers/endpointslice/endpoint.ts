// From a Pod to an EndpointSlice endpoint, after Kubernetes' endpointslice
// utils (podToEndpoint, getEndpointPorts) and podutil.FindPort.
import type { KubeObject } from '../../api/object.js';
import { LabelTopologyZone, type Endpoint, type EndpointPort } from './types.js';

/** Ready condition status "True". */
export function isPodReady(pod: KubeObject): boolean {
  return podReadyCondition(pod)?.status === 'True';
}

export function podReadyCondition(pod: KubeObject): { status?: string; lastTransitionTime?: string } | undefined {
  const conds = pod.status?.conditions;
  return Array.isArray(conds) ? conds.find((c: any) => c?.type === 'Ready') : undefined;
}

const isTerminal = (pod: KubeObject): boolean => pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded';

/** ShouldPodBeInEndpoints: not terminal, has an IP, and (unless included) not terminating. */
export function shouldPodBeInEndpoints(pod: KubeObject, includeTerminating: boolean): boolean {
  if (isTerminal(pod)) return false;
  if (!pod.status?.podIP && !(Array.isArray(pod.status?.podIPs) && pod.status.podIPs.length)) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false;
  return true;
}

const isIPv6 = (ip: string): boolean => ip.includes(':');

/** The pod's addresses of one family; podIPs first, podIP when the list is absent. */
export function podAddresses(pod: KubeObject, family: 'IPv4' | 'IPv6'): string[] {
  const list: string[] = Array.isArray(pod.status?.podIPs) && pod.status.podIPs.length
    ? pod.status.podIPs.map((p: any) => String(p?.ip ?? '')).filter(Boolean)
    : pod.status?.podIP ? [String(pod.status.podIP)] : [];
  return list.filter((ip) => isIPv6(ip) === (family === 'IPv6'));
}

/**
 * FindPort: a numeric targetPort is used as is; a named one resolves to the
 * containerPort of that name and protocol (regular containers, then sidecars).
 */
export function findPort(pod: KubeObject, svcPort: any): number | undefined {
  const target = svcPort?.targetPort ?? svcPort?.port;
  if (typeof target === 'number') return target;
  if (typeof target !== 'string' || target === '') return undefined;
  const proto = svcPort?.protocol ?? 'TCP';
  const sidecars = (pod.spec?.initContainers ?? []).filter((c: any) => c?.restartPolicy === 'Always');
  for (const c of [...(pod.spec?.containers ?? []), ...sidecars]) {
    for (const p of c?.ports ?? []) {
      if (p?.name === target && (p?.protocol ?? 'TCP') === proto) return p.containerPort;
    }
  }
  return undefined;
}

/** The pod's endpoint ports for the Service; ports the pod cannot serve are left out. */
export function endpointPorts(service: KubeObject, pod: KubeObject): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const sp of service.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    const ep: EndpointPort = { name: sp.name ?? '', protocol: sp.protocol ?? 'TCP', port };
    if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
    out.push(ep);
  }
  return out;
}

/** ShouldSetHostname: the pod names this Service as its subdomain (same namespace). */
export const shouldSetHostname = (pod: KubeObject, service: KubeObject): boolean =>
  !!pod.spec?.hostname && pod.spec?.subdomain === service.metadata.name && pod.metadata.namespace === service.metadata.namespace;

/** Nodes by name, to read the zone label; undefined when the caller tracks no nodes. */
export type NodeLookup = ReadonlyMap<string, KubeObject>;

export function podToEndpoint(pod: KubeObject, service: KubeObject, node: KubeObject | undefined): Endpoint {
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata.deletionTimestamp;
  // A terminating pod is never ready, unless the Service publishes not-ready addresses.
  const ready = !!service.spec?.publishNotReadyAddresses || (serving && !terminating);
  const ep: Endpoint = {
    addresses: podAddresses(pod, 'IPv4'),
    conditions: { ready, serving, terminating },
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name!, uid: pod.metadata.uid },
  };
  if (pod.spec?.nodeName) ep.nodeName = pod.spec.nodeName;
  const zone = node?.metadata.labels?.[LabelTopologyZone];
  if (zone) ep.zone = zone;
  if (shouldSetHostname(pod, service)) ep.hostname = pod.spec.hostname;
  return ep;
}

/** The identity of an endpoint within a slice: addresses, hostname and the pod it points at. */
export function endpointKey(ep: Endpoint): string {
  return JSON.stringify([[...ep.addresses].sort(), ep.hostname ?? '', ep.targetRef?.namespace ?? '', ep.targetRef?.name ?? '']);
}

/** One key per distinct port set, independent of order. */
export function portsKey(ports: readonly EndpointPort[]): string {
  const norm = ports.map((p) => [p.name ?? '', p.protocol ?? '', p.port ?? 0, p.appProtocol ?? '']);
  norm.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  return JSON.stringify(norm);
}
