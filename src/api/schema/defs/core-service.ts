// core/v1 Service and its spec/status types.

import { CORE, arrayOf, bool, int32, intOrString, obj, ref, resource, str, stringMap, strs } from '../build.js';
import { conditionList } from './meta.js';
import type { SchemaMap } from '../types.js';

const c = (n: string) => CORE + n;

export const coreServiceDefs: SchemaMap = {
  [c('Service')]: resource({ group: '', version: 'v1', kind: 'Service' }, 'A stable virtual address and DNS name that load-balances over a set of pods.', {
    spec: ref(c('ServiceSpec'), 'Desired behaviour of the service.'),
    status: ref(c('ServiceStatus'), 'Most recently observed state of the service; read-only.'),
  }),
  [c('ServiceSpec')]: obj('Desired behaviour of a service.', {
    ports: arrayOf(ref(c('ServicePort')), 'Ports the service exposes.', {
      mergeKey: 'port', mapKeys: ['port', 'protocol'],
    }),
    selector: stringMap('Pods whose labels match are the service\'s endpoints; without it, endpoints are managed by hand.', 'atomic'),
    clusterIP: str('Virtual IP of the service, allocated unless set; "None" makes a headless service.'),
    clusterIPs: strs('Virtual IPs of the service, at most one per family; the first equals clusterIP.'),
    type: str('ClusterIP, NodePort, LoadBalancer or ExternalName.', {
      enum: ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'],
    }),
    externalIPs: strs('Extra IPs for which nodes accept traffic to this service.'),
    sessionAffinity: str('ClientIP pins each client to one endpoint; None balances every connection.', {
      enum: ['ClientIP', 'None'],
    }),
    loadBalancerIP: str('Deprecated: requested load-balancer IP.'),
    loadBalancerSourceRanges: strs('Client CIDRs allowed through the load balancer.'),
    externalName: str('DNS name a CNAME points to, for type ExternalName.'),
    externalTrafficPolicy: str('Cluster spreads external traffic over all endpoints; Local keeps it on the receiving node.', {
      enum: ['Cluster', 'Local'],
    }),
    healthCheckNodePort: int32('Node port answering health checks, for LoadBalancer with externalTrafficPolicy Local.'),
    publishNotReadyAddresses: bool('Publish endpoints whether or not they are ready.'),
    sessionAffinityConfig: ref(c('SessionAffinityConfig'), 'Session affinity settings.'),
    ipFamilies: strs('IP families of the service, in order: IPv4 and/or IPv6.'),
    ipFamilyPolicy: str('SingleStack, PreferDualStack or RequireDualStack.', {
      enum: ['PreferDualStack', 'RequireDualStack', 'SingleStack'],
    }),
    allocateLoadBalancerNodePorts: bool('Allocate node ports for LoadBalancer services; default true.'),
    loadBalancerClass: str('Implementation responsible for the load balancer.'),
    internalTrafficPolicy: str('Cluster uses all endpoints for in-cluster traffic; Local only those on the client\'s node.', {
      enum: ['Cluster', 'Local'],
    }),
    trafficDistribution: str('Preference for routing, e.g. PreferClose.'),
  }),
  [c('ServicePort')]: obj('One port of a service.', {
    name: str('Port name (a DNS label); required when there is more than one port.'),
    protocol: str('TCP, UDP or SCTP.', { default: 'TCP', enum: ['SCTP', 'TCP', 'UDP'] }),
    appProtocol: str('Application protocol, e.g. http or kubernetes.io/h2c.'),
    port: int32('Port the service listens on.'),
    targetPort: intOrString('Port number or named container port on the pods; defaults to port.'),
    nodePort: int32('Port on every node, for NodePort and LoadBalancer; allocated unless set.'),
  }, { required: ['port'] }),
  [c('SessionAffinityConfig')]: obj('Session affinity settings.', {
    clientIP: ref(c('ClientIPConfig'), 'Settings for ClientIP affinity.'),
  }),
  [c('ClientIPConfig')]: obj('ClientIP affinity settings.', {
    timeoutSeconds: int32('Seconds a client stays pinned; default 10800.'),
  }),
  [c('ServiceStatus')]: obj('Observed state of a service.', {
    loadBalancer: ref(c('LoadBalancerStatus'), 'The load balancer, if any.'),
    conditions: conditionList('Current conditions of the service.'),
  }),
  [c('LoadBalancerStatus')]: obj('State of a load balancer.', {
    ingress: arrayOf(ref(c('LoadBalancerIngress')), 'Addresses of the load balancer.'),
  }),
  [c('LoadBalancerIngress')]: obj('One address of a load balancer.', {
    ip: str('IP address.'),
    hostname: str('DNS name.'),
    ipMode: str('VIP or Proxy.'),
    ports: arrayOf(ref(c('PortStatus')), 'Status of each service port.'),
  }),
  [c('PortStatus')]: obj('Status of one port.', {
    port: int32('Port number.'),
    protocol: str('TCP, UDP or SCTP.'),
    error: str('CamelCase error, if the port is not working.'),
  }, { required: ['port', 'protocol'] }),
};
