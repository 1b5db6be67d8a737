// Builders for Service and EndpointSlice objects used by the proxy tests.
import type { KubeObject } from '../../src/api/object.js';

export interface SvcOpts {
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
  clusterIP?: string;
  ports?: { name?: string; port: number; protocol?: string; nodePort?: number; targetPort?: number | string }[];
  externalIPs?: string[];
  lbIPs?: string[];
  sourceRanges?: string[];
  affinity?: number;
  etp?: 'Local' | 'Cluster';
  itp?: 'Local' | 'Cluster';
  hcnp?: number;
}

export function svc(ns: string, name: string, o: SvcOpts = {}): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Service',
    metadata: { namespace: ns, name, resourceVersion: '1' },
    spec: {
      type: o.type ?? 'ClusterIP',
      clusterIP: o.clusterIP,
      ports: (o.ports ?? [{ port: 80 }]).map((p) => ({ protocol: 'TCP', ...p })),
      ...(o.externalIPs ? { externalIPs: o.externalIPs } : {}),
      ...(o.sourceRanges ? { loadBalancerSourceRanges: o.sourceRanges } : {}),
      ...(o.affinity !== undefined ? { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: o.affinity } } } : {}),
      ...(o.etp ? { externalTrafficPolicy: o.etp } : {}),
      ...(o.itp ? { internalTrafficPolicy: o.itp } : {}),
      ...(o.hcnp ? { healthCheckNodePort: o.hcnp } : {}),
    },
    status: o.lbIPs ? { loadBalancer: { ingress: o.lbIPs.map((ip) => ({ ip })) } } : {},
  };
}

export interface EpOpts { ip: string; node?: string; ready?: boolean; serving?: boolean; terminating?: boolean }

export function slice(ns: string, service: string, sliceName: string, ports: { name?: string; port: number; protocol?: string }[], eps: EpOpts[], trigger?: string): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { namespace: ns, name: sliceName, labels: { 'kubernetes.io/service-name': service }, ...(trigger ? { annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': trigger } } : {}) },
    addressType: 'IPv4',
    ports: ports.map((p) => ({ name: p.name ?? '', protocol: p.protocol ?? 'TCP', port: p.port })),
    endpoints: eps.map((e) => ({
      addresses: [e.ip],
      conditions: { ready: e.ready ?? true, serving: e.serving ?? e.ready ?? true, terminating: e.terminating ?? false },
      ...(e.node ? { nodeName: e.node } : {}),
    })),
  };
}
