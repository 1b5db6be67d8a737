// startAgent: wires one node agent. It runs inside its node's network
// namespace: registers the Node, sets up the pod bridge and routes, runs the
// pods bound to it and serves logs/exec on the node IP.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RestClient, loadKubeconfig } from '../client/rest.js';
import { EventRecorder } from '../client/events.js';
import { EventQueue } from './pod/event-queue.js';
import { QuietGate } from '../util/quiet-gate.js';
import { LatestFile } from '../util/latest-file.js';
import { ensureAgentCredentials } from './credentials.js';
import { NodeRegistrar } from './node/registrar.js';
import { RealNetNS, openHostMountNs, ownNetnsName } from './net/ip-netns.js';
import { RouteSync } from './net/routes.js';
import { Ipam, type IpamState } from './net/ipam.js';
import { cidrString, gatewayIP, parseCidr } from './net/cidr.js';
import { BRIDGE } from './net/names.js';
import { RealProcessRunner } from './runtime/process.js';
import { RealProbeExecutor } from './pod/probe-exec.js';
import { Backoff } from './pod/backoff.js';
import { FifoLimiter } from '../util/fifo-limiter.js';
import { PodManager } from './pod/manager.js';
import { startKubeletServer } from './server/kubelet.js';
import { StandinHost } from './standin/host-client.js';

/** Pod networks wired at once: about one per core keeps a burst's early pods early. */
const SANDBOX_CONCURRENCY = 4;
/** How long no pod must have been starting before this node's events go out (see QuietGate). */
const EVENT_SETTLE_MS = 300;

export interface ProxyStartOptions {
  kubeconfig: string;
  client: RestClient;
  nodeName: string;
  nodeIP: string;
  podCIDR: string;
  clusterCIDR: string;
}

export interface AgentOptions {
  kubeconfig: string;
  nodeName: string;
  nodeIP: string;
  podCIDR: string;
  clusterCIDR?: string;
  clusterDNS?: string[];
  clusterDomain?: string;
  dataDir?: string;
  kubeletPort?: number;
  /** Prefix of pod netns names; default the node netns's own name (else ksvc-<node name>). */
  netnsPrefix?: string;
  /** Mount namespace that owns /run/netns (default: the launcher's, see ip-netns.ts). */
  hostMountNs?: string;
  startProxy?: (o: ProxyStartOptions) => Promise<{ stop(): void | Promise<void>; restartProxy?(): Promise<void> }>;
}

export interface Agent {
  kubeletPort: number;
  /** Restarts the node's proxy (false when the agent runs none). */
  restartProxy(): Promise<boolean>;
  stop(): Promise<void>;
}

function loadIpam(path: string, cidr: string): Ipam {
  try {
    const st = JSON.parse(readFileSync(path, 'utf8')) as IpamState;
    if (st.cidr === cidr) return new Ipam(st);
  } catch { /* first start */ }
  return Ipam.empty(cidr);
}

export async function startAgent(o: AgentOptions): Promise<Agent> {
  const dataDir = resolve(o.dataDir ?? `/var/lib/kubesvc/agent-${o.nodeName}`);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const cfg = loadKubeconfig(o.kubeconfig);
  const client = new RestClient(cfg, `kubesvc-agent/${o.nodeName}`);
  const runner = new RealProcessRunner();
  const hostMnt = openHostMountNs(o.hostMountNs);
  const netns = new RealNetNS(runner, hostMnt);
  const podCIDR = parseCidr(o.podCIDR);
  const clusterCIDR = o.clusterCIDR ?? '10.244.0.0/16';
  const kubeletPort = o.kubeletPort ?? 10250;
  const stops: (() => unknown)[] = [];
  const stop = async (): Promise<void> => {
    for (const s of stops.reverse()) await Promise.resolve(s()).catch((e) => console.error(`kubesvc agent: stop: ${(e as Error).message}`));
  };
  try {
    await netns.setupNode({ bridge: BRIDGE, gatewayCidr: `${gatewayIP(podCIDR)}/${podCIDR.bits}`, podCIDR: cidrString(podCIDR), clusterCIDR });
    stops.push(() => netns.teardownNode(BRIDGE), () => netns.close(), () => client.close());

    const registrar = new NodeRegistrar(client, { nodeName: o.nodeName, nodeIP: o.nodeIP, podCIDR: cidrString(podCIDR), kubeletPort });
    const ipamPath = join(dataDir, 'ipam.json');
    const ipam = loadIpam(ipamPath, cidrString(podCIDR));
    // Allocations of pods that start together go out in few writes. Losing the last ones in a crash
    // costs nothing: a restarted agent makes every sandbox again, and a pod then gets any free IP.
    const ipamFile = new LatestFile(ipamPath, (e) => console.error(`kubesvc agent: ${ipamPath}: ${e.message}`));
    stops.push(() => ipamFile.flush());
    const save = (): void => ipamFile.save(() => JSON.stringify(ipam.state));
    // Stops after the pods (stops run in reverse), whose stand-ins it serves until then.
    const standins = new StandinHost();
    const starting = new QuietGate(EVENT_SETTLE_MS);
    stops.push(() => standins.stop());
    const pods = new PodManager(client, {
      client, netns, runner, probes: new RealProbeExecutor(runner), backoff: new Backoff(),
      ipam: { allocate: (uid) => { const ip = ipam.allocate(uid); save(); return ip; }, release: (uid) => { ipam.release(uid); save(); } },
      events: new EventQueue(new EventRecorder(client, 'kubelet', o.nodeName), 'kubelet', { gate: starting }),
      starting,
      nodeName: o.nodeName, nodeIP: o.nodeIP, podCIDR, netnsPrefix: o.netnsPrefix ?? ownNetnsName() ?? `ksvc-${o.nodeName}`, sandboxes: new FifoLimiter(SANDBOX_CONCURRENCY),
      clusterDNS: o.clusterDNS ?? ['10.96.0.10'], clusterDomain: o.clusterDomain ?? 'cluster.local',
      nodeResolvConf: existsSync('/etc/resolv.conf') ? readFileSync('/etc/resolv.conf', 'utf8') : '',
      dataDir, etcNetns: '/etc/netns', allocatable: registrar.allocatable, standins,
    });

    const creds = await ensureAgentCredentials(dataDir, o.nodeIP, o.nodeName);
    const kubelet = await startKubeletServer({ host: o.nodeIP, port: kubeletPort, cert: creds.cert, key: creds.key, token: cfg.token, pods, runner });
    stops.push(() => kubelet.close());

    await registrar.register();
    registrar.startHeartbeat();
    stops.push(() => registrar.stop());

    const routes = new RouteSync(client, netns, o.nodeName, clusterCIDR);
    await routes.start();
    stops.push(() => routes.stop());

    await pods.start();
    // Nearly every pod kubesvc runs has a stand-in (images do not run here), and a host booting
    // when a burst of them arrives holds up all of its first pods: it starts now, after the node registered.
    standins.warm();
    stops.push(() => pods.stop());

    const proxy = o.startProxy && (await o.startProxy({ kubeconfig: o.kubeconfig, client, nodeName: o.nodeName, nodeIP: o.nodeIP, podCIDR: cidrString(podCIDR), clusterCIDR }));
    if (proxy) stops.push(() => proxy.stop());
    const restartProxy = async (): Promise<boolean> => (proxy?.restartProxy ? proxy.restartProxy().then(() => true) : false);
    return { kubeletPort: kubelet.port, restartProxy, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
