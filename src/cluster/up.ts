// `kubesvc up`: a whole cluster in the foreground. The host gets one bridge with
// the node network's first address; each node is a netns on it running an
// agent; the control plane runs in this process. stop() removes everything.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { startApiServer, type ApiServer } from '../apiserver/server.js';
import { ensureCA, kubeconfigYaml, pkiDir } from '../apiserver/auth/pki.js';
import { ensureAgentCredentials } from '../agent/credentials.js';
import { RestClient, loadKubeconfig, isAlreadyExistsError } from '../client/rest.js';
import { parseIPv4CIDR } from '../controllers/ipam/cidr.js';
import { AgentProcess, agentArgs } from './agents.js';
import { cleanupCluster, terminate } from './cleanup.js';
import { dnsWorkers, kubeDnsDeployment, kubeDnsService } from './dns.js';
import { HostNet, type RouteInfo } from './host-net.js';
import { ExecIpCommand, ExecNftCommand, findProgram, type IpCommand, type NftCommand } from './ip.js';
import { UpLog } from './log.js';
import { makePlan, overlaps, type ClusterPlan, type PlanInput } from './plan.js';
import { selfCommand } from './self.js';
import { isAlive, procRecord, readState, writeState, type ClusterState, type ProcRecord } from './state.js';

export interface Stoppable { stop(): Promise<void> | void }

/** Starts additional controllers in this process against the API server. */
export type ControllerStarter = (server: ApiServer, plan: ClusterPlan) => Promise<Stoppable | undefined>;

export interface UpOptions extends PlanInput {
  dataDir: string;
  datastore?: string;
  /** `--node-monitor-grace-period` of the node lifecycle controller, in ms. */
  nodeMonitorGracePeriodMs?: number;
  kubeletPort?: number;
  nodeReadyTimeoutMs?: number;
  dnsTimeoutMs?: number;
  /** Seconds agents get between SIGTERM and SIGKILL on shutdown. */
  agentGraceMs?: number;
  startControllers?: ControllerStarter;
  ip?: IpCommand;
  nft?: NftCommand;
  /** Progress lines for the user (stderr by default). */
  say?: (line: string) => void;
  signal?: AbortSignal;
}

export interface Cluster {
  plan: ClusterPlan;
  dataDir: string;
  kubeconfigPath: string;
  nodeKubeconfigPath: string;
  server: ApiServer;
  agents: AgentProcess[];
  logPath: string;
  warnings: string[];
  /** Nodes that became Ready (empty when no agent is available in this build). */
  readyNodes: string[];
  dnsReady: boolean;
  stop(): Promise<void>;
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((res) => {
    const done = (): void => { clearTimeout(t); signal?.removeEventListener('abort', done); res(); };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

export class AbortedError extends Error {
  constructor() { super('interrupted'); this.name = 'AbortedError'; }
}

const isKsvcDev = (dev?: string): boolean => !!dev && (dev.startsWith('ksvc-') || /^ks[0-9a-f]{7}0$/.test(dev));

/** Host routes that would make ours ambiguous. Returns the ones to skip (another cluster has them) or throws. */
function checkRoutes(plan: ClusterPlan, routes: RouteInfo[], warn: (s: string) => void): { skipCluster: boolean; skipService: boolean } {
  const node = parseIPv4CIDR(plan.nodeCIDR)!;
  const clash = (cidr: string): RouteInfo | undefined => {
    const r = parseIPv4CIDR(cidr)!;
    return routes.find((x) => x.dst !== 'default' && x.type !== 'unreachable' && (() => {
      const d = parseIPv4CIDR(x.dst.includes('/') ? x.dst : `${x.dst}/32`);
      return !!d && d.prefix > 0 && overlaps(d, r);
    })());
  };
  const n = clash(plan.nodeCIDR);
  if (n) throw new Error(`--node-cidr ${node.cidr} overlaps the host route ${n.dst} dev ${n.dev}: pick another --node-cidr (a second cluster needs its own, e.g. 172.30.1.0/24)`);
  const out = { skipCluster: false, skipService: false };
  for (const [flag, cidr, key] of [['cluster-cidr', plan.clusterCIDR, 'skipCluster'], ['service-cidr', plan.serviceCIDR, 'skipService']] as const) {
    const c = clash(cidr);
    if (!c) continue;
    if (!isKsvcDev(c.dev)) throw new Error(`--${flag} ${cidr} overlaps the host route ${c.dst} dev ${c.dev}: pick another --${flag}`);
    warn(`--${flag} ${cidr} is already routed to another kubesvc cluster (${c.dev}); the host will not reach this cluster's ${flag === 'cluster-cidr' ? 'pods' : 'services'} directly (pass a different --${flag} to avoid this)`);
    out[key] = true;
  }
  return out;
}

export async function startCluster(o: UpOptions): Promise<Cluster> {
  const plan = makePlan(o);
  const { names } = plan;
  const dataDir = resolve(o.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const say = o.say ?? ((l: string) => process.stderr.write(`${l}\n`));
  const log = new UpLog(join(dataDir, 'up.log'));
  const warnings: string[] = [];
  const warn = (s: string): void => { warnings.push(s); log.line('up', `warning: ${s}`); say(`warning: ${s}`); };
  const ipBin = findProgram('ip') ?? 'ip';
  const ip = o.ip ?? new ExecIpCommand(ipBin);
  const nft = o.nft ?? new ExecNftCommand();
  const net = new HostNet(ip);
  const t0 = Date.now();
  log.line('up', `starting cluster "${plan.names.name}" with ${plan.nodes.length} node(s) in ${dataDir}`);

  // A live run with this name is an error; a dead one is reclaimed.
  const prev = readState(names.name, dataDir);
  if (prev && prev.up.pid !== process.pid && isAlive(prev.up)) {
    await log.close();
    throw new Error(`cluster "${names.name}" is already running (pid ${prev.up.pid}, data dir ${prev.dataDir}): stop it with Ctrl-C / SIGTERM, or run: kubesvc down --name ${names.name}`);
  }
  const reclaimed = await cleanupCluster(names.name, { ip, nft, dataDir, log: (l) => log.line('up', l) });
  const n = reclaimed.netns.length + reclaimed.links.length + reclaimed.killed.length + reclaimed.etcDirs.length;
  if (n) say(`reclaimed leftovers of a previous run of "${names.name}": ${[...reclaimed.netns, ...reclaimed.links].join(' ')}${reclaimed.killed.length ? ` (stopped pids ${reclaimed.killed.join(' ')})` : ''}`);

  const addrs = await net.hostAddrs();
  const node = parseIPv4CIDR(plan.nodeCIDR)!;
  const taken = addrs.find((a) => { const r = parseIPv4CIDR(`${a.local}/32`)!; return overlaps(r, node); });
  if (taken) throw new Error(`--node-cidr ${plan.nodeCIDR}: ${taken.local} is already on ${taken.ifname} (another cluster?): pick another --node-cidr`);
  const skip = checkRoutes(plan, await net.routes(), warn);

  const self: ProcRecord = procRecord(process.pid, 'up')!;
  const state: ClusterState = {
    name: names.name, dataDir, nodeCIDR: plan.nodeCIDR, bridge: names.bridge, bridgeIP: plan.bridgeIP, clientIP: plan.clientIP,
    prefixLen: plan.prefixLen, apiPort: plan.apiPort, up: self, agents: [], startedAt: new Date().toISOString(),
  };
  writeState(state);

  let server: ApiServer | undefined;
  let controllers: Stoppable | undefined;
  const agents: AgentProcess[] = [];
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopped ??= (async () => {
    log.line('up', 'stopping');
    const live = agents.filter((a) => a.running && a.pid).map((a) => a.pid!);
    await terminate(live, o.agentGraceMs ?? 5000);
    try { await controllers?.stop(); } catch (e) { log.line('up', `controllers: ${(e as Error).message}`); }
    try { await server?.close(); } catch (e) { log.line('up', `server: ${(e as Error).message}`); }
    const r = await cleanupCluster(names.name, { ip, nft, dataDir, log: (l) => log.line('up', l) });
    log.line('up', `removed netns [${r.netns.join(' ')}] links [${r.links.join(' ')}]`);
    await log.close();
  })());

  try {
    const abortIfAsked = (): void => { if (o.signal?.aborted) throw new AbortedError(); };
    await net.createBridge(names.bridge, `${plan.bridgeIP}/${plan.prefixLen}`);
    for (const nd of plan.nodes) await net.addBridgedNetns(nd.netns, nd.veth, names.bridge, `${nd.ip}/${plan.prefixLen}`);
    // Replies from the host to pods must stay on our bridge: contain the cluster CIDR
    // on it, then route each node's pod CIDR via that node (host-gw).
    if (!skip.skipCluster) {
      await net.addRoute(plan.clusterCIDR, names.bridge);
      for (const nd of plan.nodes) await net.addRoute(nd.podCIDR, names.bridge, nd.ip);
    }
    if (!skip.skipService) await net.addRoute(plan.serviceCIDR, names.bridge, plan.nodes[0].ip);
    abortIfAsked();

    try {
      server = await startApiServer({
        dataDir, datastore: o.datastore, serviceCIDR: plan.serviceCIDR, nodePortRange: plan.nodePortRange, lbPool: plan.lbPool, quiet: true, nodeMonitorGracePeriodMs: o.nodeMonitorGracePeriodMs,
        listen: [`127.0.0.1:${plan.apiPort}`, `${plan.bridgeIP}:${plan.apiPort}`], advertiseAddresses: [plan.bridgeIP],
        // Agents' serving certificates are issued from this CA below.
        kubeletCA: await ensureCA(pkiDir(dataDir)),
      });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new Error(`API port ${plan.apiPort} is already in use (another cluster?): pass --api-port`);
      throw e;
    }
    log.line('up', `API server on ${server.urls.join(', ')}`);
    // startApiServer runs the controller manager itself; the hook is for extra controllers.
    if (o.startControllers) controllers = await o.startControllers(server, plan);

    const nodeKubeconfigPath = join(dataDir, 'node-kubeconfig');
    writeFileSync(nodeKubeconfigPath, kubeconfigYaml(`https://${plan.bridgeIP}:${plan.apiPort}`, server.caCert, server.token), { mode: 0o600 });
    const dnsKubeconfigPath = join(dataDir, 'dns-kubeconfig');
    writeFileSync(dnsKubeconfigPath, kubeconfigYaml(`https://${plan.bridgeIP}:${plan.apiPort}`, server.caCert, server.token), { mode: 0o600 });

    const selfCmd = selfCommand();
    const env = { ...process.env, KUBESVC_CLUSTER_NAME: names.name, KUBESVC_NETNS_PREFIX: names.netnsPrefix };
    for (const nd of plan.nodes) {
      const nodeDir = join(dataDir, 'nodes', nd.name);
      mkdirSync(nodeDir, { recursive: true, mode: 0o700 });
      await ensureAgentCredentials(nodeDir, nd.ip, nd.name, pkiDir(dataDir));
      const argv = [ipBin, 'netns', 'exec', nd.netns, ...selfCmd, ...agentArgs(plan, nd, { ipBin, self: selfCmd, kubeconfig: nodeKubeconfigPath, dataDir: nodeDir, kubeletPort: o.kubeletPort ?? 10250 })];
      agents.push(new AgentProcess(nd, argv, env, log));
    }
    for (const a of agents) {
      const rec = await a.record(ipBin);
      if (rec) state.agents.push(rec);
    }
    writeState(state);

    const client = new RestClient(loadKubeconfig(server.kubeconfigPath), 'kubesvc-up');
    try {
      const readyNodes = await waitNodesReady(client, plan, agents, t0, o.nodeReadyTimeoutMs ?? 60_000, o.signal, warn);
      abortIfAsked();
      log.line('up', `nodes Ready after ${Date.now() - t0} ms: ${readyNodes.join(' ')}`);
      let dnsReady = false;
      const m = { clusterIP: plan.dnsIP, self: selfCmd, kubeconfig: dnsKubeconfigPath, workers: dnsWorkers(availableParallelism()) };
      await ensureObject(client, '/api/v1/namespaces/kube-system/services', kubeDnsService(m));
      await ensureObject(client, '/apis/apps/v1/namespaces/kube-system/deployments', kubeDnsDeployment(m));
      if (readyNodes.length) {
        dnsReady = await waitDnsRunning(client, o.dnsTimeoutMs ?? 30_000, o.signal, warn);
        abortIfAsked();
      }
      return { plan, dataDir, kubeconfigPath: server.kubeconfigPath, nodeKubeconfigPath, server, agents, logPath: log.path, warnings, readyNodes, dnsReady, stop };
    } finally {
      client.close();
    }
  } catch (e) {
    await stop();
    throw e;
  }
}

async function ensureObject(client: RestClient, path: string, obj: Record<string, unknown>): Promise<void> {
  try {
    await client.create(path, obj);
  } catch (e) {
    if (!isAlreadyExistsError(e)) throw e;
  }
}

interface NodeLike { metadata: { name: string }; status?: { conditions?: { type: string; status: string; lastHeartbeatTime?: string }[] } }

/** Waits until every planned Node reports Ready with a heartbeat from this run. */
async function waitNodesReady(client: RestClient, plan: ClusterPlan, agents: AgentProcess[], t0: number, timeoutMs: number, signal: AbortSignal | undefined, warn: (s: string) => void): Promise<string[]> {
  const want = new Set(plan.nodes.map((n) => n.name));
  const since = Math.floor(t0 / 1000) * 1000 - 1000;
  const deadline = Date.now() + timeoutMs;
  while (true) {
    if (signal?.aborted) throw new AbortedError();
    const list = await client.get<{ items: NodeLike[] }>('/api/v1/nodes');
    const ready = list.items.filter((nd) => want.has(nd.metadata.name) && nd.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True' && (!c.lastHeartbeatTime || Date.parse(c.lastHeartbeatTime) >= since))).map((nd) => nd.metadata.name);
    if (ready.length === want.size) return ready.sort();
    const dead = agents.filter((a) => !a.running);
    if (dead.length) {
      if (dead.some((a) => a.tail.some((l) => /unknown command "agent"/.test(l)))) {
        warn('this build has no node agent (`kubesvc agent` is an unknown command): the cluster has no nodes');
        return [];
      }
      const a = dead[0];
      throw new Error(`the agent of ${a.node.name} exited (${a.exitSignal ?? `code ${a.exitCode}`}) before its node was Ready:\n  ${a.tail.slice(-8).join('\n  ')}`);
    }
    if (Date.now() > deadline) {
      const missing = [...want].filter((w) => !ready.includes(w));
      throw new Error(`nodes not Ready after ${Math.round(timeoutMs / 1000)} s: ${missing.join(', ')} (see the agent lines in the log)`);
    }
    await sleep(100, signal);
  }
}

interface PodLike { metadata: { name: string }; status?: { phase?: string; conditions?: { type: string; status: string }[]; containerStatuses?: { state?: { waiting?: { reason?: string; message?: string } } }[] } }

/** Waits for the DNS pods to be Running and Ready; only warns when they are not. */
async function waitDnsRunning(client: RestClient, timeoutMs: number, signal: AbortSignal | undefined, warn: (s: string) => void): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  // Without a Deployment controller no pod ever appears: stop waiting early.
  const firstPodDeadline = Date.now() + Math.min(timeoutMs, 10_000);
  let pods: PodLike[] = [];
  while (Date.now() < deadline && (pods.length || Date.now() < firstPodDeadline)) {
    if (signal?.aborted) throw new AbortedError();
    pods = (await client.get<{ items: PodLike[] }>('/api/v1/namespaces/kube-system/pods?labelSelector=k8s-app%3Dkube-dns')).items;
    const running = pods.filter((p) => p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    if (pods.length && running.length === pods.length) return true;
    await sleep(200, signal);
  }
  if (!pods.length) warn(`no cluster DNS pods after ${Math.round(Math.min(timeoutMs, 10_000) / 1000)} s (is the Deployment controller wired in?): kube-dns has no endpoints`);
  else {
    const why = pods.map((p) => {
      const w = p.status?.containerStatuses?.[0]?.state?.waiting;
      return `${p.metadata.name}: ${p.status?.phase ?? 'Unknown'}${w?.reason ? ` (${w.reason}${w.message ? `: ${w.message}` : ''})` : ''}`;
    });
    warn(`cluster DNS pods are not Running and Ready after ${Math.round(timeoutMs / 1000)} s: ${why.join('; ')}`);
  }
  return false;
}
