// Which addresses a node should answer ARP for, given the cluster's Services,
// EndpointSlices and Nodes: every ingress IP of a LoadBalancer Service of our
// class and every spec.externalIPs entry, each elected independently.
import type { KubeObject } from '../api/object.js';
import { canonicalIPv4 } from '../controllers/loadbalancer/ranges.js';
import { ingressIPs, isOurs, serviceKey } from '../controllers/loadbalancer/service.js';
import { sha256Hex } from './sha256.js';
import { announcerFor, readyEndpointsByNode, type EndpointSliceLike, type NodeLike } from './election.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

type Svc = KubeObject & { spec?: any; status?: any };
type Slice = KubeObject & EndpointSliceLike;

/** The IPv4 addresses that bring outside traffic to a Service. */
export function externalAddresses(svc: Svc, ourClass?: string): string[] {
  if (svc.spec?.type === 'ExternalName') return [];
  const ext = Array.isArray(svc.spec?.externalIPs) ? (svc.spec.externalIPs as string[]) : [];
  const lb = isOurs(svc, ourClass) ? ingressIPs(svc) : [];
  return [...new Set([...lb, ...ext].map((ip) => canonicalIPv4(ip)).filter((ip): ip is string => !!ip))];
}

/**
 * ip → announcing node for every external address in the cluster. When
 * several Services use one IP (sharing, or an externalIP listed twice), each
 * elects a node and the winner with the lowest hash takes it: that is the
 * election over every node any of them would accept, so all agents agree.
 */
export function electAll(services: readonly Svc[], slices: readonly Slice[], nodes: readonly NodeLike[], ourClass?: string): Map<string, string> {
  const slicesBySvc = new Map<string, Slice[]>();
  for (const s of slices) {
    const name = s.metadata.labels?.[SERVICE_NAME_LABEL];
    if (!name) continue;
    const k = `${s.metadata.namespace ?? 'default'}/${name}`;
    slicesBySvc.set(k, [...(slicesBySvc.get(k) ?? []), s]);
  }
  const winners = new Map<string, string>();
  for (const svc of [...services].sort((a, b) => serviceKey(a).localeCompare(serviceKey(b)))) {
    const ready = readyEndpointsByNode(slicesBySvc.get(serviceKey(svc)) ?? []);
    for (const ip of externalAddresses(svc, ourClass)) {
      const node = announcerFor(ip, svc, nodes, ready);
      if (!node) continue;
      const prev = winners.get(ip);
      if (!prev || sha256Hex(`${node}#${ip}`) < sha256Hex(`${prev}#${ip}`)) winners.set(ip, node);
    }
  }
  return winners;
}

/** The addresses `nodeName` should hold, sorted. */
export function addressesFor(nodeName: string, services: readonly Svc[], slices: readonly Slice[], nodes: readonly NodeLike[], ourClass?: string): string[] {
  return [...electAll(services, slices, nodes, ourClass)].filter(([, n]) => n === nodeName).map(([ip]) => ip).sort();
}
