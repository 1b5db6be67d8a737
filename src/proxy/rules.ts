// The ruleset, as a pure function of Services, endpoints and the node. Base
// chains jump to dispatch chains that look the destination up in verdict maps
// (kube-proxy's nftables mode), but the common path has no per-service chain:
// a ClusterIP (or an externalTrafficPolicy Cluster entry) maps straight to the
// shared chain `pick-N` (N = its endpoint count), which DNATs through a
// global map (one per protocol) keyed by `daddr . dport . numgen random mod N`. Hairpin
// masquerade is one rule over a global set of `endpoint . endpoint` pairs, for
// this node's endpoints only (and those with no node).
// Chains stay per service port only where behaviour is per service (Local
// policies, firewalls), with one `numgen` rule per endpoint and no endpoint
// chains; ClientIP affinity keeps kube-proxy's per-endpoint chains and sets.
// Why: nft 1.0.6 re-reads the table's chains and sets on every invocation, so
// their count, not the element count, sets the cost of every sync.
import type { Hook } from '../nft/objects.js';
import { Chains, MASQ_MARK, Sets, affinitySet, endpointChain, externalChain, firewallChain, localChain, pickChain, pickMasqChain, serviceChain } from './names.js';
import type { ChainSpec, ElementSpec, Fragment, RuleSpec, SetSpec } from './fragment.js';
import { categorizeEndpoints, externallyAccessible } from './topology.js';
import { servicePortName, type EndpointInfo, type NodeInfo, type RulesetOptions, type ServiceEndpoints, type ServiceInfo, type ServicePortInfo } from './types.js';

const C = Chains, S = Sets;
const r = (rule: string, comment?: string): RuleSpec => (comment !== undefined ? { rule, comment } : { rule });
const VIP_PORT = 'ipv4_addr . inet_proto . inet_service : verdict';
const PROTO_PORT = 'inet_proto . inet_service : verdict';
// One endpoint map per protocol: nft 1.0.6 fails ("conflicting protocols") to add a rule using a
// typeof map from the kernel whose key mixes `th dport`/`meta l4proto`, so each key names its protocol.
const PROTOS = ['tcp', 'udp', 'sctp'] as const;
const endpointsMapType = (proto: string): string => `typeof ip daddr . ${proto} dport . numgen random mod 1 : ip daddr . ${proto} dport`;

export function staticFragment(node: NodeInfo, o: RulesetOptions): Fragment {
  const base = (name: string, type: 'filter' | 'nat', hook: Hook, priority: number, rules: RuleSpec[]): ChainSpec =>
    ({ name, base: { type, hook, priority }, rules });
  const plain = (name: string, rules: RuleSpec[], comment?: string): ChainSpec => (comment !== undefined ? { name, comment, rules } : { name, rules });
  // Established traffic (nearly every packet) leaves each filter hook after one `ct state` test;
  // only a connection's first packet reaches the checks.
  const newOnly = r('ct state != new return');
  const chains: ChainSpec[] = [
    base(C.filterPrerouting, 'filter', 'prerouting', -110, [r(`ct state new jump ${C.firewallCheck}`)]),
    base(C.filterInput, 'filter', 'input', -110, [newOnly, r(`jump ${C.nodePortEndpointsCheck}`), r(`jump ${C.serviceEndpointsCheck}`)]),
    base(C.filterForward, 'filter', 'forward', -110, [newOnly, r(`jump ${C.serviceEndpointsCheck}`), r(`jump ${C.clusterIPsCheck}`)]),
    base(C.filterOutput, 'filter', 'output', -110, [newOnly, r(`jump ${C.serviceEndpointsCheck}`), r(`jump ${C.firewallCheck}`)]),
    base(C.filterOutputPostDNAT, 'filter', 'output', -90, [r(`ct state new jump ${C.clusterIPsCheck}`)]),
    base(C.natPrerouting, 'nat', 'prerouting', -100, [r(`jump ${C.services}`)]),
    base(C.natOutput, 'nat', 'output', -100, [r(`jump ${C.services}`)]),
    // Only a DNATed connection can be a hairpin: a status bit test spares every other one the pair lookup.
    base(C.natPostrouting, 'nat', 'postrouting', 100, [
      r(`ct status dnat ip saddr . ip daddr @${S.hairpin} jump ${C.markForMasquerade}`, 'hairpin: a pod reaching itself through a service'),
      r(`jump ${C.masquerading}`),
    ]),
    plain(C.masquerading, [r(`mark and ${MASQ_MARK} == 0 return`), r(`mark set mark xor ${MASQ_MARK}`), r('masquerade fully-random')]),
    plain(C.markForMasquerade, [r(`mark set mark or ${MASQ_MARK}`)]),
    plain(C.services, [r(`ip daddr . meta l4proto . th dport vmap @${S.serviceIPs}`), r(`ip daddr @${S.nodePortIPs} meta l4proto . th dport vmap @${S.serviceNodePorts}`)]),
    plain(C.firewallCheck, [r(`ip daddr . meta l4proto . th dport vmap @${S.firewallIPs}`)]),
    plain(C.serviceEndpointsCheck, [r(`ip daddr . meta l4proto . th dport vmap @${S.noEndpointServices}`)]),
    plain(C.nodePortEndpointsCheck, [r(`ip daddr @${S.nodePortIPs} meta l4proto . th dport vmap @${S.noEndpointNodePorts}`)]),
    // TCP gets a reset: the ICMP error a plain reject sends from the forward hook of a
    // bridged pod packet does not reach the client here, which then hangs until timeout.
    // The prefix test first: it is a compare, the set a hash lookup, and both reject.
    plain(C.clusterIPsCheck, [
      r(`ip daddr ${o.serviceCIDR} goto ${C.reject}`, 'reject traffic to unallocated ClusterIPs and invalid ports of ClusterIPs'),
      r(`ip daddr @${S.clusterIPs} goto ${C.reject}`, 'reject traffic to invalid ports of ClusterIPs outside the service CIDR'),
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
    ...PROTOS.map((p): SetSpec => ({ kind: 'map', name: `${S.serviceEndpoints}-${p}`, type: endpointsMapType(p), comment: 'entry . index: endpoint, for the pick-N chains' })),
    { kind: 'set', name: S.hairpin, type: 'ipv4_addr . ipv4_addr', comment: 'endpoint . endpoint pairs: masqueraded' },
  ];
  const elements: ElementSpec[] = [...new Set(node.ips)].map((ip): ElementSpec => ({ kind: 'element', set: S.nodePortIPs, key: ip }));
  return { chains, sets, elements };
}

export function serviceFragment(svc: ServiceInfo, endpoints: ServiceEndpoints | undefined, node: NodeInfo, o: RulesetOptions): Fragment {
  const f: Fragment = { chains: [], sets: [], elements: [] };
  for (const p of svc.ports) addServicePort(f, p, endpoints?.get(p.portName) ?? [], node, o);
  if (svc.ports[0]?.clusterIP) f.elements.unshift({ kind: 'element', set: S.clusterIPs, key: svc.ports[0].clusterIP, comment: `${svc.namespace}/${svc.name}` });
  return f;
}

/** The shared chains a pool of `n` endpoints dispatches through. Immutable, so built once per shape, not per service. */
const pickChainsMemo = new Map<string, ChainSpec[]>();
function pickChains(n: number, o: RulesetOptions, masq: boolean): ChainSpec[] {
  const memoKey = `${n}/${masq}/${o.clusterCIDR}`;
  const memo = pickChainsMemo.get(memoKey);
  if (memo) return memo;
  const chains: ChainSpec[] = [
    { name: pickChain(n), rules: [
      r(`ip saddr != ${o.clusterCIDR} jump ${C.markForMasquerade}`, 'masquerade traffic from outside the cluster'),
      ...PROTOS.map((p) => r(`meta l4proto ${p} dnat ip to ip daddr . ${p} dport . numgen random mod ${n} map @${S.serviceEndpoints}-${p}`)),
    ] },
  ];
  if (masq) chains.push({ name: pickMasqChain(n), rules: [r(`jump ${C.markForMasquerade}`), r(`goto ${pickChain(n)}`)] });
  if (pickChainsMemo.size < 4096) pickChainsMemo.set(memoKey, chains);
  return chains;
}

/** One rule per endpoint, each taking its share of what the earlier ones left: uniform, and no set or chain. */
function dnatRules(proto: string, list: EndpointInfo[]): RuleSpec[] {
  return list.map((e, i) => r(`${i < list.length - 1 ? `numgen random mod ${list.length - i} 0 ` : ''}meta l4proto ${proto} dnat to ${e.ip}:${e.port}`));
}

function addServicePort(f: Fragment, p: ServicePortInfo, eps: EndpointInfo[], node: NodeInfo, o: RulesetOptions): void {
  const pn = servicePortName(p), proto = p.protocol.toLowerCase();
  const cat = categorizeEndpoints(eps, p, node.name);
  const externalEps = p.externalPolicyLocal ? cat.localEndpoints : cat.clusterEndpoints;
  const noEndpoints = cat.hasAnyEndpoints ? 'drop' : `goto ${C.reject}`;
  const affinity = p.affinityTimeout !== undefined;
  const external = externallyAccessible(p);
  const entries = [...p.externalIPs, ...p.loadBalancerIPs].map((ip) => ({ ip, port: p.port }));
  if (p.nodePort !== undefined) for (const ip of new Set(node.ips)) entries.push({ ip, port: p.nodePort });

  // The cluster pool: a shared pick chain over @service-endpoints (keyed by every entry that can reach it), or with affinity a chain of its own.
  const nCluster = cat.clusterEndpoints.length;
  const clusterCh = !nCluster ? undefined : affinity ? serviceChain(p) : pickChain(nCluster);
  const localCh = cat.localEndpoints.length ? localChain(p) : undefined;
  const internalCh = p.internalPolicyLocal ? localCh : clusterCh;
  const hasExt = external && (externalEps.length || (p.externalPolicyLocal && clusterCh));
  const ownExtCh = hasExt && (p.externalPolicyLocal || affinity);
  const extCh = !hasExt ? undefined : ownExtCh ? externalChain(p) : pickMasqChain(nCluster);
  const masqOutside = (): RuleSpec => r(`ip daddr ${p.clusterIP} th dport ${p.port} ip saddr != ${o.clusterCIDR} jump ${C.markForMasquerade}`, 'masquerade traffic from outside the cluster');

  if (clusterCh && !affinity) {
    (f.shared ??= []).push(...pickChains(nCluster, o, !!hasExt && !ownExtCh));
    const keys = [...(internalCh === clusterCh && p.clusterIP ? [{ ip: p.clusterIP, port: p.port }] : []), ...(extCh ? entries : [])];
    // No comment on these: they are most of the table (entries × endpoints), and the entry's
    // @service-ips element, which carries the service's name, is keyed by the same address and port.
    const set = `${S.serviceEndpoints}-${proto}`;
    const values = cat.clusterEndpoints.map((e) => `${e.ip} . ${e.port}`);
    for (const k of keys) {
      const prefix = `${k.ip} . ${k.port} . `;
      for (let i = 0; i < values.length; i++) f.elements.push({ kind: 'element', set, key: prefix + i, value: values[i] });
    }
  }
  const affinityDispatch = (name: string, list: EndpointInfo[], first: RuleSpec[]): void => {
    const rules = [...first];
    for (const e of list) rules.push(r(`ip saddr @${affinitySet(p, e)} goto ${endpointChain(p, e)}`));
    rules.push(r(`numgen random mod ${list.length} vmap { ${list.map((e, i) => `${i} : goto ${endpointChain(p, e)}`).join(', ')} }`));
    f.chains.push({ name, comment: pn, rules });
  };
  if (affinity) {
    if (clusterCh) affinityDispatch(clusterCh, cat.clusterEndpoints, internalCh === clusterCh ? [masqOutside()] : []);
    if (localCh) affinityDispatch(localCh, cat.localEndpoints, internalCh === localCh ? [masqOutside()] : []);
    for (const e of cat.allReachableEndpoints) {
      const set = affinitySet(p, e);
      f.sets.push({ kind: 'set', name: set, type: 'ipv4_addr', flags: ['dynamic', 'timeout'], timeout: p.affinityTimeout });
      f.chains.push({ name: endpointChain(p, e), rules: [r(`update @${set} { ip saddr }`), r(`meta l4proto ${proto} dnat to ${e.ip}:${e.port}`)] });
    }
  } else if (localCh) {
    f.chains.push({ name: localCh, comment: pn, rules: [...(internalCh === localCh ? [masqOutside()] : []), ...dnatRules(proto, cat.localEndpoints)] });
  }
  // Hairpin happens only where the pod's own traffic is DNATed: on its own node. A pod elsewhere
  // reaches this node's DNAT only through a NodePort/external entry, which masquerades anyway
  // (Cluster policy) or picks local endpoints only (Local). So remote endpoints need no pair,
  // which keeps the set at the node's pod count instead of the cluster's endpoint count.
  for (const e of cat.allReachableEndpoints) if (e.nodeName === undefined || e.nodeName === node.name) f.elements.push({ kind: 'element', set: S.hairpin, key: `${e.ip} . ${e.ip}` });

  if (ownExtCh && extCh) {
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
    if (internalCh) f.elements.push({ kind: 'element', set: S.serviceIPs, key: vip(p.clusterIP), value: `goto ${internalCh}`, comment: pn });
    else f.elements.push({ kind: 'element', set: S.noEndpointServices, key: vip(p.clusterIP), value: noEndpoints, comment: pn });
  }
  for (const ip of [...p.externalIPs, ...p.loadBalancerIPs]) {
    if (extCh) f.elements.push({ kind: 'element', set: S.serviceIPs, key: vip(ip), value: `goto ${extCh}`, comment: pn });
    if (!externalEps.length) f.elements.push({ kind: 'element', set: S.noEndpointServices, key: vip(ip), value: noEndpoints, comment: pn });
  }
  if (p.nodePort !== undefined) {
    const key = `${proto} . ${p.nodePort}`;
    if (extCh) f.elements.push({ kind: 'element', set: S.serviceNodePorts, key, value: `goto ${extCh}`, comment: pn });
    if (!externalEps.length) f.elements.push({ kind: 'element', set: S.noEndpointNodePorts, key, value: noEndpoints, comment: pn });
  }
  if (p.loadBalancerSourceRanges.length && p.loadBalancerIPs.length) {
    const fw = firewallChain(p);
    f.chains.push({ name: fw, comment: pn, rules: [r(`ip saddr != { ${p.loadBalancerSourceRanges.join(', ')} } drop`)] });
    for (const ip of p.loadBalancerIPs) f.elements.push({ kind: 'element', set: S.firewallIPs, key: vip(ip), value: `goto ${fw}`, comment: pn });
  }
}

/** The whole desired state: what a full sync writes. */
export function buildRuleset(services: Iterable<ServiceInfo>, endpoints: ReadonlyMap<string, ServiceEndpoints>, node: NodeInfo, o: RulesetOptions): Map<string, Fragment> {
  const out = new Map<string, Fragment>([['', staticFragment(node, o)]]);
  for (const s of services) if (s.ports.length) out.set(`${s.namespace}/${s.name}`, serviceFragment(s, endpoints.get(`${s.namespace}/${s.name}`), node, o));
  return out;
}
