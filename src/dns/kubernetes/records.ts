// What exists at a name inside the cluster zone: the addresses, SRV targets,
// CNAME or TXT it owns. `undefined` means the name does not exist (NXDOMAIN);
// an empty NameData is a name that exists with no data of the asked type (NODATA).
import { canonicalIP, dashed, isIPv4, parseIPv6 } from '../ip.js';
import type { RecordIndex } from './index.js';
import type { EndpointInfo, PortInfo, ServiceInfo, SliceInfo } from './object.js';
import type { ParsedName } from './parse.js';

export interface SrvTarget {
  port: number;
  target: string;
  /** Addresses of the target, for the additional section. */
  addrs: string[];
}

export interface NameData {
  addrs: string[];
  srv: SrvTarget[];
  cname?: string;
  txt?: string[];
  apex?: boolean;
}

export type PodMode = 'verified' | 'insecure' | 'disabled';

export interface LookupConfig {
  zone: string;
  podMode: PodMode;
  /** Addresses of ns.dns.<zone>. */
  nsAddrs: string[];
}

export const DNS_SCHEMA_VERSION = '1.1.0';

const data = (addrs: string[] = [], srv: SrvTarget[] = []): NameData => ({ addrs, srv });

export function lookup(p: ParsedName, index: RecordIndex, cfg: LookupConfig): NameData | undefined {
  switch (p.kind) {
    case 'apex': return { ...data(), apex: true };
    case 'empty': return data();
    case 'nameserver': return data(cfg.nsAddrs);
    case 'version': return { ...data(), txt: [DNS_SCHEMA_VERSION] };
    case 'namespace': return index.hasNamespace(p.namespace) ? data() : undefined;
    case 'pod': return lookupPod(p.namespace, p.pod, index, cfg);
    case 'invalid': return undefined;
  }
  const svc = index.service(p.namespace, p.service);
  if (!svc) return undefined;
  const fqdn = `${svc.name}.${svc.namespace}.svc.${cfg.zone}`;
  if (svc.type === 'ExternalName') {
    // An ExternalName service owns only its CNAME; nothing lives below it.
    return p.kind === 'service' && svc.externalName ? { ...data(), cname: svc.externalName } : undefined;
  }
  switch (p.kind) {
    case 'service': {
      if (!svc.headless) return data(svc.clusterIPs, svc.ports.map((pt) => ({ port: pt.port, target: fqdn, addrs: svc.clusterIPs })));
      const eps = endpointsOf(svc, index);
      // Like CoreDNS, a headless service without endpoints has no name.
      if (!eps.length) return undefined;
      return data(unique(eps.map((e) => e.ip)), eps.flatMap((e) => e.ports.map((pt) => ({ port: pt.port, target: `${e.label}.${fqdn}`, addrs: [e.ip] }))));
    }
    case 'endpoint': {
      const eps = endpointsOf(svc, index).filter((e) => e.label === p.endpoint);
      if (!eps.length) return undefined;
      const name = `${p.endpoint}.${fqdn}`;
      return data(unique(eps.map((e) => e.ip)), eps.flatMap((e) => e.ports.map((pt) => ({ port: pt.port, target: name, addrs: [e.ip] }))));
    }
    case 'protocol': {
      const ports = svc.headless ? [...svc.ports, ...index.slicesOf(svc.namespace, svc.name).flatMap((s) => s.ports)] : svc.ports;
      return ports.some((pt) => pt.name && pt.protocol === p.protocol) ? data() : undefined;
    }
    case 'port': {
      const match = (pt: PortInfo): boolean => pt.name !== '' && pt.name === p.port && pt.protocol === p.protocol;
      if (!svc.headless) {
        const ports = svc.ports.filter(match);
        return ports.length ? data(svc.clusterIPs, ports.map((pt) => ({ port: pt.port, target: fqdn, addrs: svc.clusterIPs }))) : undefined;
      }
      const eps = endpointsOf(svc, index).map((e) => ({ ...e, ports: e.ports.filter(match) })).filter((e) => e.ports.length);
      if (!eps.length) return undefined;
      return data(unique(eps.map((e) => e.ip)), eps.flatMap((e) => e.ports.map((pt) => ({ port: pt.port, target: `${e.label}.${fqdn}`, addrs: [e.ip] }))));
    }
  }
}

interface Endpoint {
  ip: string;
  /** hostname, or the dashed address when the endpoint has none. */
  label: string;
  ports: PortInfo[];
}

/** The endpoints DNS publishes: ready ones, or all with publishNotReadyAddresses. */
export function endpointsOf(svc: ServiceInfo, index: RecordIndex): Endpoint[] {
  const out: Endpoint[] = [];
  const seen = new Set<string>();
  for (const s of index.slicesOf(svc.namespace, svc.name)) {
    for (const e of s.endpoints) {
      if (!e.ready && !svc.publishNotReadyAddresses) continue;
      for (const raw of e.addresses) {
        const ip = canonicalIP(raw);
        const label = endpointLabel(e, ip);
        if (seen.has(`${label}/${ip}`)) continue;
        seen.add(`${label}/${ip}`);
        out.push({ ip, label, ports: s.ports.filter((pt) => pt.port > 0) });
      }
    }
  }
  return out;
}

export const endpointLabel = (e: EndpointInfo, ip: string): string => e.hostname || dashed(ip);

/** PTR targets for an address: the service owning it as ClusterIP, else each endpoint name. */
export function reverseTargets(ip: string, index: RecordIndex, zone: string): string[] {
  const svcs = index.servicesByClusterIP(ip);
  if (svcs.length) return [`${svcs[0].name}.${svcs[0].namespace}.svc.${zone}`];
  const out = new Set<string>();
  for (const s of index.slicesByEndpointIP(ip)) {
    const svc = index.service(s.namespace, s.service);
    if (!svc || svc.type === 'ExternalName') continue;
    for (const e of publishedEndpoints(s, svc)) {
      if (e.addresses.some((a) => canonicalIP(a) === ip)) out.add(`${endpointLabel(e, ip)}.${svc.name}.${svc.namespace}.svc.${zone}`);
    }
  }
  return [...out];
}

const publishedEndpoints = (s: SliceInfo, svc: ServiceInfo): EndpointInfo[] => s.endpoints.filter((e) => e.ready || svc.publishNotReadyAddresses);

function lookupPod(namespace: string, label: string, index: RecordIndex, cfg: LookupConfig): NameData | undefined {
  if (cfg.podMode === 'disabled' || !index.hasNamespace(namespace)) return undefined;
  const ip = ipFromDashed(label);
  if (!ip) return undefined;
  if (cfg.podMode === 'verified' && !index.podsByIP(ip).some((p) => p.namespace === namespace)) return undefined;
  return data([ip]);
}

/** 10-244-1-5 → 10.244.1.5; fd00--5 → fd00::5. */
export function ipFromDashed(label: string): string | undefined {
  const v4 = label.replace(/-/g, '.');
  if (isIPv4(v4)) return v4;
  const v6 = label.replace(/-/g, ':');
  return parseIPv6(v6) ? canonicalIP(v6) : undefined;
}

const unique = (xs: string[]): string[] => [...new Set(xs)];
