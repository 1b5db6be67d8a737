// NetNS: every network change the agent makes, inside its node's namespace.

export interface PodNetwork {
  netns: string;
  veth: string;
  ip: string;
  prefixLen: number;
  gateway: string;
}

export interface NetNS {
  /** Node bridge with the gateway address, forwarding on, masquerade for traffic leaving the cluster CIDR. */
  setupNode(o: { bridge: string; gatewayCidr: string; podCIDR: string; clusterCIDR: string }): Promise<void>;
  createPod(p: PodNetwork, bridge: string): Promise<void>;
  /** Idempotent: a missing namespace or link is not an error. */
  deletePod(netns: string, veth: string): Promise<void>;
  listNetns(): Promise<string[]>;
  /** PIDs of processes inside a namespace (for cleaning up after a dead agent). */
  netnsPids(netns: string): Promise<number[]>;
  /** Routes to other nodes' pod CIDRs, cidr → via. */
  listRoutes(within: string): Promise<Map<string, string>>;
  replaceRoute(cidr: string, via: string): Promise<void>;
  deleteRoute(cidr: string): Promise<void>;
  teardownNode(bridge: string): Promise<void>;
}

export class NetError extends Error {
  constructor(readonly argv: string[], readonly code: number, readonly stderr: string) {
    super(`${argv.join(' ')}: exit ${code}: ${stderr.trim()}`);
    this.name = 'NetError';
  }
}
