// The proxier shell: informers feed the ProxyCore, a bounded-frequency runner
// drives syncs through ExecNft (in the node's namespace), and after each sync
// the health-check servers, conntrack cleanup and metrics follow.
import { createServer, type Server } from 'node:http';
import type { KubeObject } from '../api/object.js';
import { Informer } from '../client/informer.js';
import { EndpointSlices, Nodes, Services } from '../client/resources.js';
import type { RestClient } from '../client/rest.js';
import { ExecNft } from '../nft/exec.js';
import { isNotFound } from '../nft/errors.js';
import type { NftInterface } from '../nft/interface.js';
import { ExecConntrack, type Conntrack } from './conntrack-exec.js';
import { FifoLimiter } from '../util/fifo-limiter.js';
import { ProxyCore } from './core.js';
import { HealthCheckServers } from './healthcheck.js';
import { ProxyMetrics } from './metrics.js';
import { TABLE } from './names.js';
import { BoundedFrequencyRunner, realClock } from './runner.js';

const CONNTRACK_AT_ONCE = 4;

export interface ProxyOptions {
  client: RestClient;
  nodeName: string;
  /** NodePort addresses; default: the Node's IPv4 InternalIP/ExternalIP addresses. */
  nodeIPs?: string[];
  /** Run nft/conntrack in this named netns; undefined when the process already runs in the node's. */
  netns?: string;
  serviceCIDR: string;
  clusterCIDR: string;
  /** host:port for /metrics (Prometheus text). */
  metricsAddress?: string;
  /** host:port for /healthz. */
  healthzBindAddress?: string;
  /** Addresses healthCheckNodePort servers bind; default nodeIPs. */
  healthCheckAddresses?: string[];
  table?: string;
  nft?: NftInterface;
  conntrack?: Conntrack;
  minSyncIntervalMs?: number;
  syncIntervalMs?: number;
  retryIntervalMs?: number;
  fullSyncIntervalMs?: number;
  log?: (msg: string) => void;
}

export interface Proxy {
  core: ProxyCore;
  metrics: ProxyMetrics;
  /** Resolves after a sync that started after this call. */
  syncNow(): Promise<void>;
  /** Stops; removes the table unless keepTable (a crash stand-in for restart tests). */
  stop(o?: { keepTable?: boolean }): Promise<void>;
}

const nodeAddresses = (n: KubeObject | undefined): string[] =>
  ((n?.status?.addresses ?? []) as { type: string; address: string }[])
    .filter((a) => (a.type === 'InternalIP' || a.type === 'ExternalIP') && /^\d+\.\d+\.\d+\.\d+$/.test(a.address)).map((a) => a.address);

function listen(addr: string, handler: Parameters<typeof createServer>[1]): Promise<Server> {
  const i = addr.lastIndexOf(':');
  const s = createServer(handler);
  return new Promise((resolve, reject) => { s.once('error', reject); s.listen(Number(addr.slice(i + 1)), addr.slice(0, i).replace(/^\[|\]$/g, ''), () => resolve(s)); });
}

export async function startProxy(o: ProxyOptions): Promise<Proxy> {
  const log = o.log ?? ((m: string) => console.error(`kubesvc proxy: ${m}`));
  const nft = o.nft ?? new ExecNft({ table: o.table ?? TABLE, netns: o.netns });
  const conntrack = o.conntrack ?? new ExecConntrack(o.netns);
  // One `conntrack -D` process per filter: a few at a time, so removing many endpoints does not hold the next sync back for long.
  const conntrackRuns = new FifoLimiter(CONNTRACK_AT_ONCE);
  const metrics = new ProxyMetrics();
  const core = new ProxyCore(nft, { node: { name: o.nodeName, ips: o.nodeIPs ?? [] }, serviceCIDR: o.serviceCIDR, clusterCIDR: o.clusterCIDR, fullSyncIntervalMs: o.fullSyncIntervalMs });
  const health = new HealthCheckServers(o.healthCheckAddresses ?? o.nodeIPs ?? [], (e) => log(e.message));
  let lastSuccess = 0;
  let waiters: (() => void)[] = [];
  let synced = false;

  const sync = async (): Promise<void> => {
    if (!synced) return;
    const started = waiters;
    waiters = [];
    const t0 = performance.now();
    let mode = 'partial';
    try {
      const r = await core.sync();
      mode = r.full ? 'full' : 'partial';
      metrics.syncDuration.observe({ mode }, (performance.now() - t0) / 1000);
      metrics.syncs.inc({ mode, result: 'success' });
      metrics.objects.set({ kind: 'chains' }, r.chains);
      metrics.objects.set({ kind: 'rules' }, r.rules);
      metrics.objects.set({ kind: 'elements' }, r.elements);
      metrics.operations.set(r.operations);
      for (const l of r.latencies) metrics.programming.observe(Math.max(0, l) / 1000);
      lastSuccess = Date.now();
      metrics.lastSync.set(lastSuccess / 1000);
      health.sync(core.healthChecks.values());
      await Promise.all(r.conntrack.map((f) => conntrackRuns.run(() => conntrack.clear(f)).catch((e) => { metrics.conntrackFailures.inc(); log((e as Error).message); })));
    } catch (e) {
      metrics.syncs.inc({ mode, result: 'error' });
      log(`sync failed (next one is full): ${(e as Error).message}`);
      waiters.push(...started);
      throw e;
    }
    for (const w of started) w();
  };
  const runner = new BoundedFrequencyRunner(sync, {
    minIntervalMs: o.minSyncIntervalMs ?? 50, maxIntervalMs: o.syncIntervalMs ?? 30_000, retryIntervalMs: o.retryIntervalMs ?? 1000, clock: realClock,
  });
  const kick = (pending: boolean): void => { if (pending) runner.run(); };

  const services = new Informer(o.client, Services).on({
    add: (s) => kick(core.onService(undefined, s)),
    update: (a, b) => kick(core.onService(a, b)),
    delete: (s) => kick(core.onService(s, undefined)),
  });
  const slices = new Informer(o.client, EndpointSlices).on({
    add: (s) => kick(core.onSlice(s, false)),
    update: (_a, b) => kick(core.onSlice(b, false)),
    delete: (s) => kick(core.onSlice(s, true)),
  });
  const nodes = new Informer(o.client, Nodes, { fieldSelector: `metadata.name=${o.nodeName}` });
  if (!o.nodeIPs) {
    const onNode = (n: KubeObject): void => kick(core.setNode({ name: o.nodeName, ips: nodeAddresses(n) }));
    nodes.on({ add: onNode, update: (_a, b) => onNode(b) });
  }
  const servers: Server[] = [];
  // What stop() and a start that fails half-way (API down, address taken) both release.
  const abandon = async (): Promise<void> => {
    services.stop(); slices.stop(); nodes.stop();
    health.close();
    for (const srv of servers) srv.close();
    await nft.close?.();
  };
  try {
    await Promise.all([services.start(), slices.start(), nodes.start()]);
    synced = true;

    if (o.metricsAddress) {
      servers.push(await listen(o.metricsAddress, (req, res) => {
        if (req.url !== '/metrics') { res.writeHead(404).end(); return; }
        metrics.registry.metrics().then((text) => res.writeHead(200, { 'Content-Type': metrics.registry.contentType }).end(text), () => res.writeHead(500).end());
      }));
    }
    if (o.healthzBindAddress) {
      const staleMs = 2 * (o.syncIntervalMs ?? 30_000);
      servers.push(await listen(o.healthzBindAddress, (_req, res) => {
        const healthy = lastSuccess > 0 && (Date.now() - lastSuccess < staleMs || !core.pending());
        res.writeHead(healthy ? 200 : 503, { 'Content-Type': 'application/json' })
          .end(JSON.stringify({ lastUpdated: new Date(lastSuccess).toISOString(), currentTime: new Date().toISOString() }));
      }));
    }
  } catch (e) {
    await abandon();
    throw e;
  }
  runner.start();

  return {
    core, metrics,
    syncNow: () => new Promise<void>((resolve) => { waiters.push(resolve); runner.run(); }),
    async stop(s = {}) {
      runner.stop();
      await runner.whenIdle();
      if (!s.keepTable) {
        await deleteProxyTable(nft).catch((e: Error) => log(`removing table: ${e.message}`));
      }
      await abandon();
    },
  };
}

/** Removes the proxy's table (shutdown); a table already gone is fine. */
export async function deleteProxyTable(nft: NftInterface): Promise<void> {
  try {
    await nft.run(nft.newTransaction().delete({ kind: 'table' }));
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}
