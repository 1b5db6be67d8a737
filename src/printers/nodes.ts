// kubectl get nodes: STATUS from the Ready condition, ROLES from node-role labels.

import type { KubeObject } from '../api/object.js';
import type { TablePrinter } from '../apiserver/table-types.js';
import { ageColumn, col, nameColumn } from './columns.js';
import { since } from './duration.js';

const rolePrefix = 'node-role.kubernetes.io/';

export function nodeStatus(node: KubeObject): string {
  const ready = ((node.status?.conditions ?? []) as { type: string; status: string }[]).find((c) => c.type === 'Ready');
  const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

export function nodeRoles(node: KubeObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith(rolePrefix) && k.length > rolePrefix.length) roles.add(k.slice(rolePrefix.length));
    else if (k === 'kubernetes.io/role' && v !== '') roles.add(v);
  }
  return [...roles].sort().join(',') || '<none>';
}

const address = (node: KubeObject, type: string): string =>
  ((node.status?.addresses ?? []) as { type: string; address: string }[]).find((a) => a.type === type)?.address ?? '<none>';

export const nodePrinter: TablePrinter = {
  columns: [
    nameColumn,
    col('Status', 'string', 'Readiness of the node, and whether scheduling is disabled.'),
    col('Roles', 'string', 'Roles from node-role.kubernetes.io/* labels.'),
    ageColumn,
    col('Version', 'string', 'Kubelet version reported by the node.'),
    col('Internal-IP', 'string', 'First InternalIP address of the node.', 1),
    col('External-IP', 'string', 'First ExternalIP address of the node.', 1),
    col('OS-Image', 'string', 'Operating system image reported by the node.', 1),
    col('Kernel-Version', 'string', 'Kernel version reported by the node.', 1),
    col('Container-Runtime', 'string', 'Container runtime and version reported by the node.', 1),
  ],
  cells(node, now) {
    const info = node.status?.nodeInfo ?? {};
    return [
      node.metadata.name ?? '', nodeStatus(node), nodeRoles(node), since(node.metadata.creationTimestamp, now),
      info.kubeletVersion ?? '', address(node, 'InternalIP'), address(node, 'ExternalIP'),
      info.osImage || '<unknown>', info.kernelVersion || '<unknown>', info.containerRuntimeVersion || '<unknown>',
    ];
  },
};
