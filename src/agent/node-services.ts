// The node's share of the Service machinery, started by the agent once its
// Node is registered: the nftables proxy and the LoadBalancer/externalIP announcer.
import { writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { BRIDGE } from './net/names.js';
import { sysctlPath } from './net/node-sysctls.js';
import { deleteProxyTable, startProxy, TABLE, type Proxy, type ProxyOptions } from '../proxy/index.js';
import { ExecNft } from '../nft/exec.js';
import { conntrackSysctls } from '../proxy/conntrack-sysctl.js';
import { startAnnouncer } from '../agent-announce/announcer.js';
import type { ProxyStartOptions } from './agent.js';


/** The agent runs inside its node netns, where these /proc/sys keys are per-namespace. */
function applyConntrackSysctls(): void {
  for (const [k, v] of Object.entries(conntrackSysctls())) {
    try {
      writeFileSync(sysctlPath(k), v);
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

export interface NodeServices {
  /** Stops and starts the proxy alone (SIGHUP), as a kube-proxy process restart would. */
  restartProxy(): Promise<void>;
  stop(): Promise<void>;
}

export async function startNodeServices(o: ProxyStartOptions & { serviceCIDR: string }): Promise<NodeServices> {
  applyConntrackSysctls();
  routeServiceCIDR(o.serviceCIDR);
  const proxyOptions: ProxyOptions = {
    client: o.client,
    nodeName: o.nodeName,
    nodeIPs: [o.nodeIP],
    serviceCIDR: o.serviceCIDR,
    clusterCIDR: o.clusterCIDR,
    // kube-proxy's ports, on the node's own address (never the host's).
    metricsAddress: `${o.nodeIP}:10249`,
    healthzBindAddress: `${o.nodeIP}:10256`,
  };
  let proxy: Proxy | undefined = await startProxy(proxyOptions);
  const announcer = await startAnnouncer({ client: o.client, nodeName: o.nodeName, interface: 'eth0' });
  let stopped = false;
  let onStop = (): void => {};
  const whenStopped = new Promise<void>((r) => { onStop = r; });
  let restarting: Promise<void> = Promise.resolve();
  const restart = async (): Promise<void> => {
    const t0 = Date.now();
    // The rules stay in the kernel meanwhile, so traffic keeps flowing; the new
    // proxy's first (full) sync converges from them in one transaction.
    await proxy?.stop({ keepTable: true });
    proxy = undefined;
    for (let attempt = 1; !stopped; attempt++) {
      try {
        proxy = await startProxy(proxyOptions);
        // Restarted means converged: the first full sync has been written.
        await Promise.race([proxy.syncNow(), whenStopped]);
        if (!stopped) console.error(`kubesvc agent: proxy restarted in ${Date.now() - t0} ms`);
        return;
      } catch (e) {
        console.error(`kubesvc agent: proxy restart (attempt ${attempt}): ${(e as Error).message}`);
        await Promise.race([new Promise((r) => setTimeout(r, Math.min(5000, 200 * attempt))), whenStopped]);
      }
    }
  };
  return {
    restartProxy() {
      if (!stopped) restarting = restarting.then(restart).catch((e: Error) => console.error(`kubesvc agent: proxy restart: ${e.message}`));
      return restarting;
    },
    async stop() {
      stopped = true;
      onStop();
      await restarting;
      await announcer.stop();
      if (proxy) await proxy.stop();
      // Stopped while a restart could not start a proxy: the old one's rules are still there.
      else {
        const nft = new ExecNft({ table: TABLE });
        await deleteProxyTable(nft).catch((e: Error) => console.error(`kubesvc agent: removing proxy table: ${e.message}`));
        await nft.close();
      }
    },
  };
}
