// The Node object an agent registers and the status it heartbeats, shaped as
// the kubelet's (pkg/kubelet/kubelet_node_status.go, nodestatus setters). Pure.

export interface HostInfo {
  cpus: number;
  memoryBytes: number;
  kernelVersion: string;
  osImage: string;
  architecture: string;
  machineID: string;
  bootID: string;
}

export interface NodeParams {
  nodeName: string;
  nodeIP: string;
  podCIDR: string;
  kubeletPort: number;
}

export const KUBELET_VERSION = 'v1.32.0';
export const RUNTIME_VERSION = 'kubesvc://0.1.0';
export const MAX_PODS = 110;

export function nodeLabels(p: NodeParams, host: HostInfo): Record<string, string> {
  return {
    'kubernetes.io/hostname': p.nodeName,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': host.architecture,
    'beta.kubernetes.io/os': 'linux',
    'beta.kubernetes.io/arch': host.architecture,
  };
}

function conditions(now: string, prev: any[] | undefined): any[] {
  const c = (type: string, status: string, reason: string, message: string): any => {
    const old = prev?.find((x) => x.type === type);
    return { type, status, reason, message, lastHeartbeatTime: now, lastTransitionTime: old?.status === status && old.lastTransitionTime ? old.lastTransitionTime : now };
  };
  return [
    c('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    c('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ];
}

export function nodeStatus(p: NodeParams, host: HostInfo, now: string, prev?: any): any {
  const memKi = `${Math.floor(host.memoryBytes / 1024)}Ki`;
  const capacity = { cpu: String(host.cpus), memory: memKi, pods: String(MAX_PODS), 'ephemeral-storage': '0' };
  return {
    capacity,
    allocatable: { ...capacity },
    conditions: conditions(now, prev?.conditions),
    addresses: [{ type: 'InternalIP', address: p.nodeIP }, { type: 'Hostname', address: p.nodeName }],
    daemonEndpoints: { kubeletEndpoint: { Port: p.kubeletPort } },
    nodeInfo: {
      machineID: host.machineID,
      systemUUID: host.machineID,
      bootID: host.bootID,
      kernelVersion: host.kernelVersion,
      osImage: host.osImage,
      containerRuntimeVersion: RUNTIME_VERSION,
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: KUBELET_VERSION,
      operatingSystem: 'linux',
      architecture: host.architecture,
    },
  };
}

export function nodeObject(p: NodeParams, host: HostInfo, now: string): any {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: p.nodeName, labels: nodeLabels(p, host), annotations: { 'node.alpha.kubernetes.io/ttl': '0' } },
    spec: { podCIDR: p.podCIDR, podCIDRs: [p.podCIDR] },
    status: nodeStatus(p, host, now),
  };
}

/** Node routes wanted in this node's netns: every other Ready-or-not node's pod CIDR via its InternalIP. */
export function wantedRoutes(selfName: string, nodes: any[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of nodes) {
    if (n.metadata?.name === selfName) continue;
    const ip = (n.status?.addresses ?? []).find((a: any) => a.type === 'InternalIP')?.address;
    for (const cidr of n.spec?.podCIDRs ?? (n.spec?.podCIDR ? [n.spec.podCIDR] : [])) if (ip && !cidr.includes(':')) out.set(cidr, ip);
  }
  return out;
}
