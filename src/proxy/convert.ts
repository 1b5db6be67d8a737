// Service and EndpointSlice objects → slim infos (pure).
import type { KubeObject } from '../api/object.js';
import type { EndpointInfo, Protocol, ServiceEndpoints, ServiceInfo, ServicePortInfo } from './types.js';

const isIPv4 = (s: unknown): s is string => typeof s === 'string' && /^\d{1,3}(\.\d{1,3}){3}$/.test(s);

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const TRIGGER_TIME_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time';

export function serviceInfo(svc: KubeObject): ServiceInfo {
  const namespace = svc.metadata.namespace ?? 'default', name = svc.metadata.name!;
  const spec = svc.spec ?? {};
  const type = spec.type ?? 'ClusterIP';
  const clusterIP: string | undefined = isIPv4(spec.clusterIP) ? spec.clusterIP : undefined;
  if (type === 'ExternalName' || !clusterIP) return { namespace, name, ports: [] };
  const external = type === 'NodePort' || type === 'LoadBalancer';
  const lbIPs = type === 'LoadBalancer'
    ? ((svc.status?.loadBalancer?.ingress ?? []) as { ip?: string; ipMode?: string }[]).filter((i) => isIPv4(i.ip) && i.ipMode !== 'Proxy').map((i) => i.ip!)
    : [];
  const affinity = spec.sessionAffinity === 'ClientIP' ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800) : undefined;
  const externalIPs = ((spec.externalIPs ?? []) as unknown[]).filter(isIPv4);
  const usesExternal = external || externalIPs.length > 0;
  const ports: ServicePortInfo[] = ((spec.ports ?? []) as any[]).map((p) => ({
    namespace, name,
    portName: p.name ?? '',
    protocol: (p.protocol ?? 'TCP') as Protocol,
    port: p.port,
    clusterIP,
    nodePort: external && p.nodePort ? p.nodePort : undefined,
    externalIPs,
    loadBalancerIPs: lbIPs,
    loadBalancerSourceRanges: type === 'LoadBalancer' ? ((spec.loadBalancerSourceRanges ?? []) as string[]).map((r) => r.trim()).filter(Boolean) : [],
    affinityTimeout: affinity,
    externalPolicyLocal: usesExternal && spec.externalTrafficPolicy === 'Local',
    internalPolicyLocal: spec.internalTrafficPolicy === 'Local',
    healthCheckNodePort: type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local' && spec.healthCheckNodePort ? spec.healthCheckNodePort : undefined,
  }));
  return { namespace, name, ports };
}

/** The service a slice belongs to, or undefined for slices kubesvc does not program. */
export function sliceService(slice: KubeObject): string | undefined {
  const svc = slice.metadata.labels?.[SERVICE_NAME_LABEL];
  if (!svc || (slice as any).addressType !== 'IPv4') return undefined;
  return `${slice.metadata.namespace ?? 'default'}/${svc}`;
}

/** Endpoints by port name from one slice; nil conditions mean ready/serving, not terminating. */
export function sliceEndpoints(slice: KubeObject): ServiceEndpoints {
  const out: ServiceEndpoints = new Map();
  const ports = ((slice as any).ports ?? []) as { name?: string; port?: number }[];
  const eps = ((slice as any).endpoints ?? []) as any[];
  for (const p of ports) {
    if (!p.port) continue;
    const list: EndpointInfo[] = [];
    for (const e of eps) {
      const ip = e.addresses?.[0];
      if (!isIPv4(ip)) continue;
      const c = e.conditions ?? {};
      const ready = c.ready !== false;
      list.push({ ip, port: p.port, ready, serving: c.serving ?? ready, terminating: c.terminating === true, ...(e.nodeName ? { nodeName: e.nodeName } : {}) });
    }
    out.set(p.name ?? '', list);
  }
  return out;
}

/** Merges the slices of one service; an address seen twice keeps its first (name-ordered) slice's entry. */
export function mergeEndpoints(slices: ServiceEndpoints[]): ServiceEndpoints {
  const out: ServiceEndpoints = new Map();
  for (const s of slices) {
    for (const [port, eps] of s) {
      const list = out.get(port) ?? [];
      for (const e of eps) if (!list.some((x) => x.ip === e.ip && x.port === e.port)) list.push(e);
      out.set(port, list);
    }
  }
  for (const [port, list] of out) {
    if (list.length < 2) continue;
    const keyed = list.map((e) => ({ n: ipNum(e.ip), e }));
    keyed.sort((a, b) => a.n - b.n || a.e.port - b.e.port);
    out.set(port, keyed.map((x) => x.e));
  }
  return out;
}

export function ipNum(ip: string): number {
  let n = 0, octet = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) { n = n * 256 + octet; octet = 0; } else octet = octet * 10 + (c - 48);
  }
  return n * 256 + octet;
}
