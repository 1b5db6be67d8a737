// Which endpoints each kind of traffic may use (kube-proxy's CategorizeEndpoints):
// ready endpoints first; serving-but-terminating ones only when none is ready;
// Local policies restrict to endpoints on this node.
import type { EndpointInfo, ServicePortInfo } from './types.js';

export interface Categorized {
  clusterEndpoints: EndpointInfo[];
  localEndpoints: EndpointInfo[];
  allReachableEndpoints: EndpointInfo[];
  /** Some usable endpoint exists somewhere, even if policy keeps it from this traffic. */
  hasAnyEndpoints: boolean;
}

export const externallyAccessible = (p: ServicePortInfo): boolean =>
  p.nodePort !== undefined || p.externalIPs.length > 0 || p.loadBalancerIPs.length > 0;

export const usesClusterEndpoints = (p: ServicePortInfo): boolean =>
  !p.internalPolicyLocal || (externallyAccessible(p) && !p.externalPolicyLocal);

export const usesLocalEndpoints = (p: ServicePortInfo): boolean =>
  p.internalPolicyLocal || (externallyAccessible(p) && p.externalPolicyLocal);

const servingTerminating = (e: EndpointInfo): boolean => !e.ready && e.serving && e.terminating;

export function categorizeEndpoints(endpoints: EndpointInfo[], svc: ServicePortInfo, nodeName: string): Categorized {
  const isLocal = (e: EndpointInfo): boolean => e.nodeName === nodeName;
  let clusterEndpoints: EndpointInfo[] = [];
  let localEndpoints: EndpointInfo[] = [];
  let hasAnyEndpoints = false;

  if (usesClusterEndpoints(svc)) {
    clusterEndpoints = endpoints.filter((e) => e.ready);
    if (!clusterEndpoints.length) clusterEndpoints = endpoints.filter(servingTerminating);
    hasAnyEndpoints = clusterEndpoints.length > 0;
  }
  if (!usesLocalEndpoints(svc)) return { clusterEndpoints, localEndpoints, allReachableEndpoints: clusterEndpoints, hasAnyEndpoints };

  if (endpoints.some((e) => e.ready || servingTerminating(e))) hasAnyEndpoints = true;
  localEndpoints = endpoints.filter((e) => e.ready && isLocal(e));
  if (!localEndpoints.length) localEndpoints = endpoints.filter((e) => servingTerminating(e) && isLocal(e));
  if (!usesClusterEndpoints(svc)) return { clusterEndpoints, localEndpoints, allReachableEndpoints: localEndpoints, hasAnyEndpoints };

  const all = [...clusterEndpoints];
  for (const e of localEndpoints) if (!all.includes(e)) all.push(e);
  return { clusterEndpoints, localEndpoints, allReachableEndpoints: all, hasAnyEndpoints };
}
