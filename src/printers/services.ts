// kubectl get services: TYPE, CLUSTER-IP, EXTERNAL-IP, PORT(S) as printService shows them.

import type { KubeObject } from '../api/object.js';
import type { TablePrinter } from '../apiserver/table-types.js';
import { ageColumn, col, nameColumn } from './columns.js';
import { since } from './duration.js';
import { formatLabels } from './format.js';

interface LBIngress {
  ip?: string;
  hostname?: string;
}

// Unique ingress addresses, IP preferred over hostname per entry.
function loadBalancerAddresses(svc: KubeObject): string[] {
  const out = new Set<string>();
  for (const i of (svc.status?.loadBalancer?.ingress ?? []) as LBIngress[]) {
    if (i.ip) out.add(i.ip);
    else if (i.hostname) out.add(i.hostname);
  }
  return [...out];
}

export function serviceExternalIP(svc: KubeObject): string {
  const externalIPs: string[] = svc.spec?.externalIPs ?? [];
  switch (svc.spec?.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const all = [...loadBalancerAddresses(svc), ...externalIPs];
      return all.length ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return svc.spec?.externalName ?? '';
    default:
      return '<unknown>';
  }
}

interface ServicePort {
  port?: number;
  nodePort?: number;
  protocol?: string;
}

/** "80/TCP,443:30443/TCP"; the node port appears only once allocated. */
export function servicePorts(ports: ServicePort[] | undefined): string {
  const s = (ports ?? [])
    .map((p) => `${p.port ?? 0}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`)
    .join(',');
  return s || '<none>';
}

export const servicePrinter: TablePrinter = {
  columns: [
    nameColumn,
    col('Type', 'string', 'How the service is exposed: ClusterIP, NodePort, LoadBalancer or ExternalName.'),
    col('Cluster-IP', 'string', 'Primary cluster IP; None for headless services.'),
    col('External-IP', 'string', 'External IPs, load balancer ingress, or the external name.'),
    col('Port(s)', 'string', 'Service ports with node ports and protocol.'),
    ageColumn,
    col('Selector', 'string', 'Labels of the pods this service routes to.', 1),
  ],
  cells(svc, now) {
    const clusterIPs: string[] = svc.spec?.clusterIPs ?? (svc.spec?.clusterIP ? [svc.spec.clusterIP] : []);
    return [
      svc.metadata.name ?? '', svc.spec?.type ?? 'ClusterIP', clusterIPs[0] || '<none>', serviceExternalIP(svc),
      servicePorts(svc.spec?.ports), since(svc.metadata.creationTimestamp, now), formatLabels(svc.spec?.selector),
    ];
  },
};
