// Which node answers ARP for a load-balancer or external IP (layer-2 mode).
// Every agent runs the same function over the same API data, so they agree
// without talking to each other. As MetalLB: the eligible nodes are sorted by
// sha256(nodeName + "#" + ip) and the first wins, so each IP lands on its own
// node and losing a node only moves the IPs it held.

import { sha256Hex } from './sha256.js';

export interface NodeLike {
  metadata: { name?: string; labels?: Record<string, string>; deletionTimestamp?: string };
  status?: { conditions?: { type: string; status: string }[] };
}

export interface ServiceLike {
  spec?: { externalTrafficPolicy?: string };
}

export interface EndpointSliceLike {
  endpoints?: { nodeName?: string; conditions?: { ready?: boolean | null } }[] | null;
}

/** The label that keeps a node out of load-balancer target sets, as Kubernetes and MetalLB read it. */
export const EXCLUDE_LB_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';

const condition = (n: NodeLike, type: string): string | undefined => n.status?.conditions?.find((c) => c.type === type)?.status;

/** Ready, network available, not being deleted and not excluded. */
export function canAnnounce(n: NodeLike): boolean {
  return !!n.metadata.name && condition(n, 'Ready') === 'True' && condition(n, 'NetworkUnavailable') !== 'True'
    && !n.metadata.deletionTimestamp && n.metadata.labels?.[EXCLUDE_LB_LABEL] === undefined;
}

/**
 * Ready endpoints per node over a Service's slices. An endpoint without a
 * nodeName counts under '' (it can serve Cluster-policy traffic but no node
 * holds it locally). A nil ready condition means ready, as the API says.
 */
export function readyEndpointsByNode(slices: readonly EndpointSliceLike[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of slices) {
    for (const ep of s.endpoints ?? []) {
      if (ep.conditions?.ready === false) continue;
      const n = ep.nodeName ?? '';
      out.set(n, (out.get(n) ?? 0) + 1);
    }
  }
  return out;
}

/**
 * The node that announces `ip` for `service`, or undefined when nobody should:
 * no ready endpoint anywhere (MetalLB withdraws then), no eligible node, or,
 * under externalTrafficPolicy Local, no eligible node with a ready local endpoint.
 */
export function announcerFor(ip: string, service: ServiceLike, candidateNodes: readonly NodeLike[], localEndpointsByNode: ReadonlyMap<string, number>): string | undefined {
  if (![...localEndpointsByNode.values()].some((n) => n > 0)) return undefined;
  const local = service.spec?.externalTrafficPolicy === 'Local';
  let best: { name: string; hash: string } | undefined;
  for (const n of candidateNodes) {
    const name = n.metadata.name!;
    if (!canAnnounce(n) || (local && !((localEndpointsByNode.get(name) ?? 0) > 0))) continue;
    const hash = sha256Hex(`${name}#${ip}`);
    if (!best || hash < best.hash || (hash === best.hash && name < best.name)) best = { name, hash };
  }
  return best?.name;
}
