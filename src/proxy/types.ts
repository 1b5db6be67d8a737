// Slim internal shapes the proxy works on, converted at the informer edge
// (as CoreDNS's object.ToService): only what the ruleset depends on.

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface ServicePortInfo {
  namespace: string;
  name: string;
  /** The service port's name; '' for a single unnamed port. */
  portName: string;
  protocol: Protocol;
  port: number;
  clusterIP?: string;
  nodePort?: number;
  externalIPs: string[];
  loadBalancerIPs: string[];
  loadBalancerSourceRanges: string[];
  /** ClientIP affinity timeout in seconds; undefined when affinity is None. */
  affinityTimeout?: number;
  externalPolicyLocal: boolean;
  internalPolicyLocal: boolean;
  healthCheckNodePort?: number;
}

export interface ServiceInfo {
  namespace: string;
  name: string;
  /** Empty for headless and ExternalName services: they get no rules. */
  ports: ServicePortInfo[];
}

export interface EndpointInfo {
  ip: string;
  port: number;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  nodeName?: string;
}

/** Endpoints of one service, keyed by the service port name they serve. */
export type ServiceEndpoints = Map<string, EndpointInfo[]>;

export interface NodeInfo {
  name: string;
  /** IPv4 addresses that accept NodePort traffic. */
  ips: string[];
}

export interface RulesetOptions {
  /** Pods' addresses: traffic from elsewhere to a ClusterIP is masqueraded. */
  clusterCIDR: string;
  /** Addresses in it that belong to no Service are rejected. */
  serviceCIDR: string;
}

export const serviceKey = (namespace: string, name: string): string => `${namespace}/${name}`;

/** `namespace/name:port`, the name chains and elements carry in comments. */
export const servicePortName = (p: { namespace: string; name: string; portName: string; port: number }): string =>
  `${p.namespace}/${p.name}:${p.portName || p.port}`;
