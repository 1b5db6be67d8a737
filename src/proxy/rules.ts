// The ruleset, as a pure function of Services, endpoints and the node. The
// layout is kube-proxy's nftables mode: base chains jump to dispatch chains
// that look the destination up in verdict maps; each service port has a chain
// that picks an endpoint chain with `numgen random`, and each endpoint chain
// DNATs. Per-service state lives in map elements, so changes stay local.
import type { Hook } from '../nft/objects.js';
import { Chains, MASQ_MARK, Sets, affinitySet, endpointChain, externalChain, firewallChain, localChain, serviceChain } from './names.js';
import type { ChainSpec, ElementSpec, Fragment, RuleSpec, SetSpec } from './fragment.js';
import { categorizeEndpoints, externallyAccessible } from './topology.js';
import { servicePortName, type EndpointInfo, type NodeInfo, type RulesetOptions, type ServiceEndpoints, type ServiceInfo, type ServicePortInfo } from './types.js';

const C = Chains, S = Sets;
const r = (rule: string, comment?: string): RuleSpec => (comment !== undefined ? { rule, comment } : { rule });
const VIP_PORT = 'ipv4_addr . inet_proto . inet_service : verdict';
const PROTO_PORT = 'inet_proto . inet_service : verdict';

export function staticFragment(node: NodeInfo, o: RulesetOptions): Fragment {
  const base = (name: string, type: 'filter' | 'nat', hook: Hook, priority: number, rules: RuleSpec[]): ChainSpec =>
    ({ name, base: { type, hook, priority }, rules });
  const plain = (name: string, rules: RuleSpec[], comment?: string): ChainSpec => (comment !== undefined ? { name, comment, rules } : { name, rules });
  const chains: ChainSpec[] = [
    base(C.filterPrerouting, 'filter', 'prerouting', -110, [r(`ct state new jump ${C.firewallCheck}`)]),
    base(C.filterInput, 'filter', 'input', -110, [r(`ct state new jump ${C.nodePortEndpointsCheck}`), r(`ct state new jump ${C.serviceEndpointsCheck}`)]),
    base(C.filterForward, 'filter', 'forward', -110, [r(`ct state new jump ${C.serviceEndpointsCheck}`), r(`ct state new jump ${C.clusterIPsCheck}`)]),
    base(C.filterOutput, 'filter', 'output', -110, [r(`ct state new jump ${C.serviceEndpointsCheck}`), r(`ct state new jump ${C.firewallCheck}`)]),
    base(C.filterOutputPostDNAT, 'filter', 'output', -90, [r(`ct state new jump ${C.clusterIPsCheck}`)]),
    base(C.natPrerouting, 'nat', 'prerouting', -100, [r(`jump ${C.services}`)]),
    base(C.natOutput, 'nat', 'output', -100, [r(`jump ${C.services}`)]),
    base(C.natPostrouting, 'nat', 'postrouting', 100, [r(`jump ${C.masquerading}`)]),
    plain(C.masquerading, [r(`mark and ${MASQ_MARK} == 0 return`), r(`mark set mark xor ${MASQ_MARK}`), r('masquerade fully-random')]),
    plain(C.markForMasquerade, [r(`mark set mark or ${MASQ_MARK}`)]),
    plain(C.services, [r(`ip daddr . meta l4proto . th dport vmap @${S.serviceIPs}`), r(`ip daddr @${S.nodePortIPs} meta l4proto . th dport vmap @${S.serviceNodePorts}`)]),
    plain(C.firewallCheck, [r(`ip daddr . meta l4proto . th dport vmap @${S.firewallIPs}`)]),
    plain(C.serviceEndpointsCheck, [r(`ip daddr . meta l4proto . th dport vmap @${S.noEndpointServices}`)]),
    plain(C.nodePortEndpointsCheck, [r(`ip daddr @${S.nodePortIPs} meta l4proto . th dport vmap @${S.noEndpointNodePorts}`)]),
    plain(C.clusterIPsCheck, [
      r(`ip daddr @${S.clusterIPs} reject`, 'reject traffic to invalid ports of ClusterIPs'),
      r(`ip daddr ${o.serviceCIDR} reject`, 'reject traffic to unallocated ClusterIPs'),
    ]),
    plain(C.reject, [r('meta l4proto tcp reject with tcp reset'), r('reject')], 'helper for @no-endpoint-services / @no-endpoint-nodeports'),
  ];
  const sets: SetSpec[] = [
    { kind: 'set', name: S.clusterIPs, type: 'ipv4_addr', comment: 'Active ClusterIPs' },
    { kind: 'set', name: S.nodePortIPs, type: 'ipv4_addr', comment: 'IPs that accept NodePort traffic' },
    { kind: 'map', name: S.serviceIPs, type: VIP_PORT, comment: 'ClusterIP, ExternalIP and LoadBalancer IP traffic' },
    { kind: 'map', name: S.serviceNodePorts, type: PROTO_PORT, comment: 'NodePort traffic' },
    { kind: 'map', name: S.firewallIPs, type: VIP_PORT, comment: 'destinations subject to loadBalancerSourceRanges' },
    { kind: 'map', name: S.noEndpointServices, type: VIP_PORT, comment: 'services with no usable endpoints: drop or reject' },
    { kind: 'map', name: S.noEndpointNodePorts, type: PROTO_PORT, comment: 'nodeports with no usable endpoints: drop or reject' },
  ];
  const elements: ElementSpec[] = [...new Set(node.ips)].map((ip) => ({ set: S.nodePortIPs, key: ip }));
  return { chains, sets, elements };
}

export function serviceFragment(svc: ServiceInfo, endpoints: ServiceEndpoints | undefined, node: NodeInfo, o: RulesetOptions): Fragment {
  const f: Fragment = { chains: [], sets: [], elements: [] };
  for (const p of svc.ports) addServicePort(f, p, endpoints?.get(p.portName) ?? [], node, o);
  if (svc.ports[0]?.clusterIP) f.elements.unshift({ set: S.clusterIPs, key: svc.ports[0].clusterIP, comment: `${svc.namespace}/${svc.name}` });
  return f;
}

function addServicePort(f: Fragment, p: ServicePortInfo, eps: EndpointInfo[], node: NodeInfo, o: RulesetOptions): void {
  const pn = servicePortName(p), proto = p.protocol.toLowerCase();
  const cat = categorizeEndpoints(eps, p, node.name);
  const externalEps = p.externalPolicyLocal ? cat.localEndpoints : cat.clusterEndpoints;
  const noEndpoints = cat.hasAnyEndpoints ? 'drop' : `goto ${C.reject}`;

  const clusterCh = cat.clusterEndpoints.length ? serviceChain(p) : undefined;
  const localCh = cat.localEndpoints.length ? localChain(p) : undefined;
  const internalCh = p.internalPolicyLocal ? localCh : clusterCh;
  const external = externallyAccessible(p);
  const extCh = external && (externalEps.length || (p.externalPolicyLocal && clusterCh)) ? externalChain(p) : undefined;

  const dispatch = (name: string, list: EndpointInfo[], first: RuleSpec[]): void => {
    const rules = [...first];
    if (p.affinityTimeout !== undefined) for (const e of list) rules.push(r(`ip saddr @${affinitySet(p, e)} goto ${endpointChain(p, e)}`));
    rules.push(r(`numgen random mod ${list.length} vmap { ${list.map((e, i) => `${i} : goto ${endpointChain(p, e)}`).join(', ')} }`));
    f.chains.push({ name, comment: pn, rules });
  };
  const masqOutside = r(`ip daddr ${p.clusterIP} th dport ${p.port} ip saddr != ${o.clusterCIDR} jump ${C.markForMasquerade}`, 'masquerade traffic from outside the cluster');
  if (clusterCh) dispatch(clusterCh, cat.clusterEndpoints, internalCh === clusterCh ? [masqOutside] : []);
  if (localCh) dispatch(localCh, cat.localEndpoints, internalCh === localCh ? [masqOutside] : []);

  for (const e of cat.allReachableEndpoints) {
    const rules = [r(`ip saddr ${e.ip} jump ${C.markForMasquerade}`)];
    if (p.affinityTimeout !== undefined) {
      const set = affinitySet(p, e);
      f.sets.push({ kind: 'set', name: set, type: 'ipv4_addr', flags: ['dynamic', 'timeout'], timeout: p.affinityTimeout });
      rules.push(r(`update @${set} { ip saddr }`));
    }
    rules.push(r(`meta l4proto ${proto} dnat to ${e.ip}:${e.port}`));
    f.chains.push({ name: endpointChain(p, e), rules });
  }

  if (extCh) {
    const rules: RuleSpec[] = [];
    if (!p.externalPolicyLocal) rules.push(r(`jump ${C.markForMasquerade}`), r(`goto ${clusterCh}`));
    else {
      if (clusterCh) {
        rules.push(r(`ip saddr ${o.clusterCIDR} goto ${clusterCh}`, 'short-circuit pod traffic'));
        rules.push(r(`fib saddr type local jump ${C.markForMasquerade}`, 'masquerade local traffic'));
        rules.push(r(`fib saddr type local goto ${clusterCh}`, 'route local traffic to cluster endpoints'));
      }
      if (localCh) rules.push(r(`goto ${localCh}`));
    }
    f.chains.push({ name: extCh, comment: pn, rules });
  }

  const vip = (ip: string): string => `${ip} . ${proto} . ${p.port}`;
  if (p.clusterIP) {
    if (internalCh) f.elements.push({ set: S.serviceIPs, key: vip(p.clusterIP), value: `goto ${internalCh}`, comment: pn });
    else f.elements.push({ set: S.noEndpointServices, key: vip(p.clusterIP), value: noEndpoints, comment: pn });
  }
  for (const ip of [...p.externalIPs, ...p.loadBalancerIPs]) {
    if (extCh) f.elements.push({ set: S.serviceIPs, key: vip(ip), value: `goto ${extCh}`, comment: pn });
    if (!externalEps.length) f.elements.push({ set: S.noEndpointServices, key: vip(ip), value: noEndpoints, comment: pn });
  }
  if (p.nodePort !== undefined) {
    const key = `${proto} . ${p.nodePort}`;
    if (extCh) f.elements.push({ set: S.serviceNodePorts, key, value: `goto ${extCh}`, comment: pn });
    if (!externalEps.length) f.elements.push({ set: S.noEndpointNodePorts, key, value: noEndpoints, comment: pn });
  }
  if (p.loadBalancerSourceRanges.length && p.loadBalancerIPs.length) {
    const fw = firewallChain(p);
    f.chains.push({ name: fw, comment: pn, rules: [r(`ip saddr != { ${p.loadBalancerSourceRanges.join(', ')} } drop`)] });
    for (const ip of p.loadBalancerIPs) f.elements.push({ set: S.firewallIPs, key: vip(ip), value: `goto ${fw}`, comment: pn });
  }
}

/** The whole desired state: what a full sync writes. */
export function buildRuleset(services: Iterable<ServiceInfo>, endpoints: ReadonlyMap<string, ServiceEndpoints>, node: NodeInfo, o: RulesetOptions): Map<string, Fragment> {
  const out = new Map<string, Fragment>([['', staticFragment(node, o)]]);
  for (const s of services) if (s.ports.length) out.set(`${s.namespace}/${s.name}`, serviceFragment(s, endpoints.get(`${s.namespace}/${s.name}`), node, o));
  return out;
}
