// The node's share of the Service machinery, started by the agent once its
// Node is registered: the nftables proxy and the LoadBalancer/externalIP announcer.
import { writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { BRIDGE } from './net/names.js';
import { startProxy } from '../proxy/index.js';
import { conntrackSysctls } from '../proxy/conntrack-sysctl.js';
import { startAnnouncer } from '../agent-announce/announcer.js';
import type { ProxyStartOptions } from './agent.js';


/** The agent runs inside its node netns, where these /proc/sys keys are per-namespace. */
function applyConntrackSysctls(): void {
  for (const [k, v] of Object.entries(conntrackSysctls())) {
    try {
      writeFileSync(`/proc/sys/${k.replace(/\./g, '/')}`, v);
    } catch (e) {
      console.error(`kubesvc agent: sysctl ${k}=${v}: ${(e as Error).message}`);
    }
  }
}

/**
 * Nodes have no default route, so without this a packet for an unallocated
 * ClusterIP would die in routing (ENETUNREACH) before the proxy's forward-hook
 * reject could answer it; routed at the pod bridge, it reaches that rule.
 */
function routeServiceCIDR(cidr: string): void {
  try {
    execFileSync('ip', ['route', 'replace', cidr, 'dev', BRIDGE], { stdio: 'pipe' });
  } catch (e) {
    console.error(`kubesvc agent: route ${cidr} dev ${BRIDGE}: ${(e as Error).message}`);
  }
}

export async function startNodeServices(o: ProxyStartOptions & { serviceCIDR: string }): Promise<{ stop(): Promise<void> }> {
  applyConntrackSysctls();
  routeServiceCIDR(o.serviceCIDR);
  const proxy = await startProxy({
    client: o.client,
    nodeName: o.nodeName,
    nodeIPs: [o.nodeIP],
    serviceCIDR: o.serviceCIDR,
    clusterCIDR: o.clusterCIDR,
    // kube-proxy's ports, on the node's own address (never the host's).
    metricsAddress: `${o.nodeIP}:10249`,
    healthzBindAddress: `${o.nodeIP}:10256`,
  });
  const announcer = await startAnnouncer({ client: o.client, nodeName: o.nodeName, interface: 'eth0' });
  return {
    async stop() {
      await announcer.stop();
      await proxy.stop();
    },
  };
}
