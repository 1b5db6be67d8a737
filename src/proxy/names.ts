// The table's fixed object names (the constants atop kube-proxy's proxier.go)
// and the per-service ones: a short hash keeps them unique after truncation
// and within nft's name limit.
import { NAME_MAX } from '../nft/objects.js';
import type { EndpointInfo, ServicePortInfo } from './types.js';

export const TABLE = 'kubesvc';

export const Chains = {
  filterPrerouting: 'filter-prerouting',
  filterInput: 'filter-input',
  filterForward: 'filter-forward',
  filterOutput: 'filter-output',
  filterOutputPostDNAT: 'filter-output-post-dnat',
  natPrerouting: 'nat-prerouting',
  natOutput: 'nat-output',
  natPostrouting: 'nat-postrouting',
  services: 'services',
  masquerading: 'masquerading',
  markForMasquerade: 'mark-for-masquerade',
  firewallCheck: 'firewall-check',
  serviceEndpointsCheck: 'service-endpoints-check',
  nodePortEndpointsCheck: 'nodeport-endpoints-check',
  clusterIPsCheck: 'cluster-ips-check',
  reject: 'reject-chain',
} as const;

/** Shared by every non-affinity service port with `n` cluster endpoints: DNAT through @service-endpoints. */
export const pickChain = (n: number): string => `pick-${n}`;
/** As pickChain, masquerading first (externalTrafficPolicy Cluster entries). */
export const pickMasqChain = (n: number): string => `pick-masq-${n}`;

export const Sets = {
  clusterIPs: 'cluster-ips',
  nodePortIPs: 'nodeport-ips',
  serviceIPs: 'service-ips',
  serviceNodePorts: 'service-nodeports',
  firewallIPs: 'firewall-ips',
  noEndpointServices: 'no-endpoint-services',
  noEndpointNodePorts: 'no-endpoint-nodeports',
  serviceEndpoints: 'service-endpoints',
  hairpin: 'hairpin',
} as const;

export const MASQ_MARK = '0x4000';

/** Two 32-bit FNV-1a passes (different bases) in base32: cheap, stable, pure. */
export function shortHash(s: string): string {
  let h1 = 0x811c9dc5, h2 = 0x2f8b3a61;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x01000193) ^ (h2 >>> 13);
  }
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let out = '';
  for (let i = 0; i < 4; i++) out += A[(h1 >>> (i * 5)) & 31] + A[(h2 >>> (i * 5)) & 31];
  return out;
}

const truncate = (s: string): string => (s.length > NAME_MAX - 1 ? s.slice(0, NAME_MAX - 1) : s);

export const portBase = (p: ServicePortInfo): string => `${p.namespace}/${p.name}/${p.protocol.toLowerCase()}/${p.portName || p.port}`;

const svcName = (prefix: string, p: ServicePortInfo): string => {
  const base = portBase(p);
  return truncate(`${prefix}-${shortHash(base)}-${base}`);
};

export const serviceChain = (p: ServicePortInfo): string => svcName('service', p);
export const localChain = (p: ServicePortInfo): string => svcName('local', p);
export const externalChain = (p: ServicePortInfo): string => svcName('external', p);
export const firewallChain = (p: ServicePortInfo): string => svcName('firewall', p);

const epBase = (p: ServicePortInfo, e: EndpointInfo): string => `${portBase(p)}__${e.ip}/${e.port}`;

export const endpointChain = (p: ServicePortInfo, e: EndpointInfo): string => {
  const base = epBase(p, e);
  return truncate(`endpoint-${shortHash(base)}-${base}`);
};

/** The timeout is part of the hash: a set's timeout cannot change in place. */
export const affinitySet = (p: ServicePortInfo, e: EndpointInfo): string => {
  const base = epBase(p, e);
  return truncate(`affinity-${shortHash(`${base}/${p.affinityTimeout}`)}-${base}`);
};
