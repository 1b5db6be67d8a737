// Slim internal views of Services, EndpointSlices and Pods: only what DNS reads,
// converted once at the informer edge (as CoreDNS's object.ToService does) so the
// index never holds whole API objects.
import type { KubeObject } from '../../api/object.js';

export interface PortInfo {
  name: string;
  port: number;
  /** Lower case: tcp, udp, sctp. */
  protocol: string;
}

export interface ServiceInfo {
  namespace: string;
  name: string;
  /** ClusterIP / NodePort / LoadBalancer / ExternalName. */
  type: string;
  headless: boolean;
  clusterIPs: string[];
  externalName: string;
  ports: PortInfo[];
  publishNotReadyAddresses: boolean;
}

export interface EndpointInfo {
  addresses: string[];
  hostname: string;
  ready: boolean;
}

export interface SliceInfo {
  namespace: string;
  name: string;
  /** Owning service, from the kubernetes.io/service-name label. */
  service: string;
  ports: PortInfo[];
  endpoints: EndpointInfo[];
}

export interface PodInfo {
  namespace: string;
  name: string;
  ips: string[];
}

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

const lowerProto = (p: unknown): string => (typeof p === 'string' && p ? p.toLowerCase() : 'tcp');

export function toServiceInfo(o: KubeObject): ServiceInfo {
  const spec = o.spec ?? {};
  const type = String(spec.type ?? 'ClusterIP');
  const ips: string[] = Array.isArray(spec.clusterIPs) && spec.clusterIPs.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
  const headless = type !== 'ExternalName' && ips[0] === 'None';
  return {
    namespace: o.metadata.namespace ?? '',
    name: o.metadata.name ?? '',
    type,
    headless,
    clusterIPs: type === 'ExternalName' || headless ? [] : ips.filter((ip) => ip && ip !== 'None'),
    externalName: type === 'ExternalName' ? String(spec.externalName ?? '').toLowerCase().replace(/\.$/, '') : '',
    ports: (spec.ports ?? []).map((p: any) => ({ name: String(p.name ?? ''), port: Number(p.port), protocol: lowerProto(p.protocol) })),
    publishNotReadyAddresses: spec.publishNotReadyAddresses === true,
  };
}

/** Undefined for slices that belong to no service or carry FQDN addresses. */
export function toSliceInfo(o: KubeObject): SliceInfo | undefined {
  const service = o.metadata.labels?.[SERVICE_NAME_LABEL];
  const at = (o as any).addressType;
  if (!service || (at !== 'IPv4' && at !== 'IPv6')) return undefined;
  const ports = ((o as any).ports ?? []) as any[];
  const endpoints = ((o as any).endpoints ?? []) as any[];
  return {
    namespace: o.metadata.namespace ?? '',
    name: o.metadata.name ?? '',
    service,
    ports: ports.map((p) => ({ name: String(p.name ?? ''), port: Number(p.port ?? 0), protocol: lowerProto(p.protocol) })),
    endpoints: endpoints.map((e) => ({
      addresses: (e.addresses ?? []).map(String),
      hostname: typeof e.hostname === 'string' ? e.hostname.toLowerCase() : '',
      // The API treats an absent ready condition as ready.
      ready: e.conditions?.ready !== false,
    })),
  };
}

export function toPodInfo(o: KubeObject): PodInfo {
  const st = o.status ?? {};
  const ips: string[] = Array.isArray(st.podIPs) && st.podIPs.length ? st.podIPs.map((p: any) => String(p.ip)) : st.podIP ? [String(st.podIP)] : [];
  // Host-network pods share the node's address; CoreDNS does not answer for them either.
  return { namespace: o.metadata.namespace ?? '', name: o.metadata.name ?? '', ips: o.spec?.hostNetwork ? [] : ips };
}
