// Which conntrack entries go stale when endpoints change (pure). UDP has no
// connection end, so a client keeps hitting a removed endpoint through its
// conntrack entry; and entries made while a service had no endpoints keep
// black-holing the flow after endpoints appear.
// TCP: a pod that dies resets its connections and leaves CLOSE entries still
// NATed to it for 10 s; a client that reuses such a source port (the kernel
// readily hands out a port whose connection was reset) is sent to the dead pod.
// Likewise a SYN_SENT entry for a handshake it never answered: the retransmitted
// SYNs follow it for up to 2 min (Kubernetes issue 101607). Only those states
// go, so graceful termination is untouched: CLOSE entries when an endpoint stops
// being used, SYN_SENT ones too once it has left the slice.
import { categorizeEndpoints } from './topology.js';
import type { EndpointInfo, ServiceEndpoints, ServiceInfo, ServicePortInfo } from './types.js';

export interface ConntrackFilter {
  protocol: 'udp' | 'tcp';
  /** Original destination (a service VIP). */
  origDst?: string;
  /** Original destination port (a NodePort). */
  origPortDst?: number;
  /** The endpoint the entry was NATed to. */
  dstNat?: string;
  /** The endpoint's port (the reply's source port). */
  replyPortSrc?: number;
  /** TCP connection state. */
  state?: 'CLOSE' | 'SYN_SENT';
}

const vips = (p: ServicePortInfo): string[] => [...(p.clusterIP ? [p.clusterIP] : []), ...p.externalIPs, ...p.loadBalancerIPs];

export function staleConntrack(prevSvc: ServiceInfo | undefined, curSvc: ServiceInfo | undefined, prevEps: ServiceEndpoints | undefined, curEps: ServiceEndpoints | undefined, nodeName: string): ConntrackFilter[] {
  const out: ConntrackFilter[] = [];
  const usable = (svc: ServiceInfo | undefined, eps: ServiceEndpoints | undefined, p: ServicePortInfo): EndpointInfo[] => {
    const sp = svc?.ports.find((x) => x.portName === p.portName && x.protocol === p.protocol);
    return sp ? categorizeEndpoints(eps?.get(p.portName) ?? [], sp, nodeName).allReachableEndpoints : [];
  };
  for (const p of prevSvc?.ports ?? []) {
    if (p.protocol !== 'UDP') continue;
    const now = new Set(usable(curSvc, curEps, p).map((e) => `${e.ip}:${e.port}`));
    for (const e of usable(prevSvc, prevEps, p)) {
      if (now.has(`${e.ip}:${e.port}`)) continue;
      for (const v of vips(p)) out.push({ protocol: 'udp', origDst: v, dstNat: e.ip });
      if (p.nodePort !== undefined) out.push({ protocol: 'udp', origPortDst: p.nodePort, dstNat: e.ip });
    }
  }
  for (const p of prevSvc?.ports ?? []) {
    if (p.protocol !== 'TCP') continue;
    const still = curSvc?.ports.some((x) => x.portName === p.portName && x.protocol === p.protocol);
    const key = (e: EndpointInfo): string => `${e.ip}:${e.port}`;
    const listed = new Set((still ? curEps?.get(p.portName) ?? [] : []).map(key));
    const reachable = new Set(usable(curSvc, curEps, p).map(key));
    const wasReachable = new Set(usable(prevSvc, prevEps, p).map(key));
    for (const e of prevEps?.get(p.portName) ?? []) {
      if (!listed.has(key(e))) {
        for (const state of ['CLOSE', 'SYN_SENT'] as const) out.push({ protocol: 'tcp', dstNat: e.ip, replyPortSrc: e.port, state });
      } else if (wasReachable.has(key(e)) && !reachable.has(key(e))) {
        // Still there (terminating or not ready): a SYN_SENT entry may be a handshake it will answer.
        out.push({ protocol: 'tcp', dstNat: e.ip, replyPortSrc: e.port, state: 'CLOSE' });
      }
    }
  }
  for (const p of curSvc?.ports ?? []) {
    if (p.protocol !== 'UDP' || usable(prevSvc, prevEps, p).length || !usable(curSvc, curEps, p).length) continue;
    for (const v of vips(p)) out.push({ protocol: 'udp', origDst: v });
    if (p.nodePort !== undefined) out.push({ protocol: 'udp', origPortDst: p.nodePort });
  }
  return uniqueFilters(out);
}

/** Each filter once (one pod behind several ports or services yields the same TCP filters). */
export const uniqueFilters = (fs: ConntrackFilter[]): ConntrackFilter[] => [...new Map(fs.map((f) => [conntrackArgs(f).join(' '), f])).values()];

/** The `conntrack` arguments deleting a filter's entries. */
export const conntrackArgs = (f: ConntrackFilter): string[] => [
  '-D', '-p', f.protocol,
  ...(f.origDst ? ['--orig-dst', f.origDst] : []),
  ...(f.origPortDst !== undefined ? ['--orig-port-dst', String(f.origPortDst)] : []),
  ...(f.dstNat ? ['--dst-nat', f.dstNat] : []),
  ...(f.replyPortSrc !== undefined ? ['--reply-port-src', String(f.replyPortSrc)] : []),
  ...(f.state ? ['--state', f.state] : []),
];
