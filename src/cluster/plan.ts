// The address plan of a cluster: pure arithmetic over the flags, so it is
// table-tested and shared by up, down and client.
import { DEFAULT_CLUSTER_CIDR, DEFAULT_CLUSTER_DOMAIN, DEFAULT_LB_POOL, DEFAULT_NODE_CIDR, DEFAULT_NODE_PORT_RANGE, DEFAULT_SERVICE_CIDR } from '../api/cluster-defaults.js';
import { parseIPv4CIDR, numberToIPv4, type IPv4Range } from '../controllers/ipam/cidr.js';
import { clusterNames, MAX_NODES, type ClusterNames } from './names.js';

export interface PlanInput {
  name: string;
  nodes: number;
  nodeCIDR: string;
  clusterCIDR: string;
  serviceCIDR: string;
  lbPool: string;
  apiPort: number;
  nodePortRange: string;
  clusterDomain?: string;
}

export interface NodePlan {
  index: number;
  name: string;
  netns: string;
  veth: string;
  ip: string;
  podCIDR: string;
}

export interface ClusterPlan {
  names: ClusterNames;
  nodeCIDR: string;
  prefixLen: number;
  bridgeIP: string;
  clientIP: string;
  clusterCIDR: string;
  serviceCIDR: string;
  dnsIP: string;
  lbPool: string;
  apiPort: number;
  nodePortRange: string;
  clusterDomain: string;
  nodes: NodePlan[];
}

export const DEFAULTS = {
  nodes: 1,
  nodeCIDR: DEFAULT_NODE_CIDR,
  clusterCIDR: DEFAULT_CLUSTER_CIDR,
  serviceCIDR: DEFAULT_SERVICE_CIDR,
  lbPool: DEFAULT_LB_POOL,
  apiPort: 6443,
  nodePortRange: DEFAULT_NODE_PORT_RANGE,
  clusterDomain: DEFAULT_CLUSTER_DOMAIN,
} as const;

function cidr(flag: string, s: string): IPv4Range {
  const r = parseIPv4CIDR(s);
  if (!r) throw new Error(`--${flag}: "${s}" is not an IPv4 CIDR`);
  return r;
}

const ipNum = (s: string): number | undefined => {
  const r = parseIPv4CIDR(`${s}/32`);
  return r ? r.network : undefined;
};

/** Host h (1-based) of a range: hostIP(172.30.0.0/24, 1) = 172.30.0.1. */
function hostIP(r: IPv4Range, h: number): string {
  if (h < 1 || h > r.size) throw new Error(`${r.cidr} has no host number ${h}`);
  return numberToIPv4(r.network + h);
}

/** The i-th /24 of the cluster CIDR: node i gets 10.244.i.0/24. */
export function podCIDR(cluster: IPv4Range, i: number): string {
  const per = 24;
  if (cluster.prefix > per - 1) throw new Error(`--cluster-cidr ${cluster.cidr} is too small: it needs room for one /24 per node`);
  if (i >= 2 ** (per - cluster.prefix)) throw new Error(`--cluster-cidr ${cluster.cidr} has no room for node ${i}`);
  return `${numberToIPv4(cluster.network + i * 256)}/${per}`;
}

export function overlaps(a: IPv4Range, b: IPv4Range): boolean {
  const end = (r: IPv4Range): number => r.network + 2 ** (32 - r.prefix) - 1;
  return a.network <= end(b) && b.network <= end(a);
}

export function makePlan(p: PlanInput): ClusterPlan {
  const names = clusterNames(p.name);
  if (!Number.isInteger(p.nodes) || p.nodes < 1 || p.nodes > MAX_NODES) throw new Error(`--nodes must be 1-${MAX_NODES}, got ${p.nodes}`);
  if (!Number.isInteger(p.apiPort) || p.apiPort < 1 || p.apiPort > 65535) throw new Error(`--api-port must be 1-65535, got ${p.apiPort}`);
  const node = cidr('node-cidr', p.nodeCIDR);
  const cluster = cidr('cluster-cidr', p.clusterCIDR);
  const service = cidr('service-cidr', p.serviceCIDR);
  if (node.prefix > 29) throw new Error(`--node-cidr ${node.cidr} is too small`);
  for (const [a, an, b, bn] of [[node, 'node-cidr', cluster, 'cluster-cidr'], [node, 'node-cidr', service, 'service-cidr'], [cluster, 'cluster-cidr', service, 'service-cidr']] as const) {
    if (overlaps(a, b)) throw new Error(`--${an} ${a.cidr} overlaps --${bn} ${b.cidr}`);
  }
  // Node i is host 10+i; the client is the last host; the LB pool must stay clear of both.
  const lastNodeHost = 10 + p.nodes;
  const clientHost = node.size;
  if (lastNodeHost >= clientHost) throw new Error(`--node-cidr ${node.cidr} has no room for ${p.nodes} nodes`);
  const m = /^([0-9.]+)-([0-9.]+)$/.exec(p.lbPool);
  const lo = m ? ipNum(m[1]) : undefined, hi = m ? ipNum(m[2]) : undefined;
  if (lo === undefined || hi === undefined || lo > hi) throw new Error(`--lb-pool must be FIRST-LAST IPv4 addresses, got "${p.lbPool}"`);
  const inNode = (n: number): boolean => n > node.network && n < node.network + node.size + 1;
  if (!inNode(lo) || !inNode(hi)) throw new Error(`--lb-pool ${p.lbPool} must lie inside --node-cidr ${node.cidr}`);
  if (lo <= node.network + lastNodeHost || hi >= node.network + clientHost) {
    throw new Error(`--lb-pool ${p.lbPool} must not include the bridge (.1), node (.11-.${lastNodeHost}) or client (.${clientHost}) addresses`);
  }
  if (!/^\d+-\d+$/.test(p.nodePortRange)) throw new Error(`--service-node-port-range must be A-B, got "${p.nodePortRange}"`);
  const nodes: NodePlan[] = [];
  for (let i = 1; i <= p.nodes; i++) {
    nodes.push({ index: i, name: names.nodeName(i), netns: names.nodeNs(i), veth: names.nodeVeth(i), ip: hostIP(node, 10 + i), podCIDR: podCIDR(cluster, i) });
  }
  return {
    names,
    nodeCIDR: node.cidr,
    prefixLen: node.prefix,
    bridgeIP: hostIP(node, 1),
    clientIP: hostIP(node, clientHost),
    clusterCIDR: cluster.cidr,
    serviceCIDR: service.cidr,
    dnsIP: hostIP(service, 10),
    lbPool: p.lbPool,
    apiPort: p.apiPort,
    nodePortRange: p.nodePortRange,
    clusterDomain: p.clusterDomain ?? DEFAULTS.clusterDomain,
    nodes,
  };
}
