// `kubesvc dns`: the cluster DNS server as one process — informers into the record
// index, UDP+TCP DNS, metrics/health/ready over HTTP, and a graceful SIGTERM.
import { parseArgs } from 'node:util';
import { AggregatorRegistry, type RegistryContentType } from 'prom-client';
import { loadKubeconfig, RestClient } from '../client/rest.js';
import { defaultConfig, type DnsConfig } from './answer.js';
import { Forwarder, parseUpstreams } from './forward.js';
import { RecordIndex } from './kubernetes/index.js';
import type { PodMode } from './kubernetes/records.js';
import { watchIntoIndex } from './kubernetes/watch.js';
import { DnsMetrics, serveMetrics } from './metrics.js';
import { DnsServer } from './server.js';
import { forkWorkers, isWorker, tellPrimary } from './workers.js';

export const dnsHelp = `Usage: kubesvc dns [flags]

Serves cluster DNS (the Kubernetes DNS specification 1.1.0) from Services,
EndpointSlices and Pods watched on the API server; forwards other names.

Flags:
  --kubeconfig PATH        API server credentials (default: $KUBECONFIG)
  --listen ADDR:PORT       DNS over UDP and TCP (default: 127.0.0.1:53)
  --metrics ADDR:PORT      Prometheus /metrics, /health, /ready (default: the listen address, port 9153)
  --zone DOMAIN            Cluster domain (default: cluster.local)
  --ttl SECONDS            TTL of cluster records and negative answers (default: 5)
  --upstream IP:PORT,...   Resolvers for names outside the zone (default: none; such queries get REFUSED)
  --pods MODE              Pod records a-b-c-d.<ns>.pod.<zone>: verified (a pod with that IP
                           exists in the namespace; default), insecure (any address), disabled
  --dns-service NS/NAME    Service whose ClusterIP is ns.dns.<zone> (default: kube-system/kube-dns)
  --workers N              Answer from N processes sharing one UDP socket and TCP listener,
                           each with its own informers; metrics are summed over them
                           (default: 1; \`kubesvc up\` runs 2 per DNS pod on 2+ CPUs:
                           on 2 CPUs shared with dnsperf, 2 workers answered 1.12x
                           dnsmasq's QPS and 1 worker 0.92x; \`npx tsx bench/dns.ts
                           --workers 1,2\` measures yours)
  -h, --help               Show this help
`;

/** 1: the portable choice for a bare `kubesvc dns`; `kubesvc up` asks for 2 where the CPUs are there (src/cluster/dns.ts). */
const DEFAULT_WORKERS = 1;

/**
 * `--workers N` in the primary: forks N copies of this command line (each sees
 * itself as a worker and serves), then serves /metrics summed over them, /health,
 * and /ready once every worker's informers have synced.
 */
async function runPrimary(n: number, listen: { host: string; port: number }, metricsAt: { host: string; port: number }): Promise<number> {
  const log = (l: string): void => console.error(`kubesvc dns: ${l}`);
  const pool = await forkWorkers(n, log);
  const aggregate = new AggregatorRegistry<RegistryContentType>();
  const http = await serveMetrics(metricsAt.host, metricsAt.port, () => pool.synced(), aggregate.contentType, () => aggregate.clusterMetrics());
  const metricsPort = (http.address() as { port: number }).port;
  console.log(`kubesvc dns ready on ${listen.host}:${pool.port} (udp+tcp), ${n} workers; metrics on ${metricsAt.host}:${metricsPort}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await pool.stop();
  http.closeAllConnections();
  await new Promise<void>((resolve) => http.close(() => resolve()));
  return 0;
}

export function splitHostPort(s: string, flag: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(s) ?? /^([^:]+):(\d+)$/.exec(s);
  if (!m || Number(m[2]) > 65535) throw new Error(`${flag}: "${s}" is not ADDR:PORT`);
  return { host: m[1], port: Number(m[2]) };
}

export async function runDns(args: string[]): Promise<number> {
  let server: DnsServer | undefined;
  try {
    const { values } = parseArgs({
      args,
      options: {
        kubeconfig: { type: 'string' }, listen: { type: 'string', default: '127.0.0.1:53' }, metrics: { type: 'string' },
        zone: { type: 'string', default: 'cluster.local' }, ttl: { type: 'string', default: '5' }, upstream: { type: 'string' },
        pods: { type: 'string', default: 'verified' }, 'dns-service': { type: 'string', default: 'kube-system/kube-dns' },
        workers: { type: 'string', default: String(DEFAULT_WORKERS) },
      },
      strict: true,
    });
    const kubeconfig = values.kubeconfig ?? process.env.KUBECONFIG;
    if (!kubeconfig) throw new Error('--kubeconfig (or $KUBECONFIG) is required');
    const listen = splitHostPort(values.listen!, '--listen');
    const metricsAt = values.metrics ? splitHostPort(values.metrics, '--metrics') : { host: listen.host, port: 9153 };
    const ttl = Number(values.ttl);
    if (!Number.isInteger(ttl) || ttl < 0) throw new Error(`--ttl: "${values.ttl}" is not a whole number of seconds`);
    const podMode = values.pods as PodMode;
    if (!['verified', 'insecure', 'disabled'].includes(podMode)) throw new Error(`--pods: "${values.pods}" is not verified, insecure or disabled`);
    const [dnsNs, dnsName] = values['dns-service']!.split('/');
    const zone = values.zone!.toLowerCase().replace(/^\.|\.$/g, '');
    const upstreams = values.upstream ? parseUpstreams(values.upstream) : [];
    const workers = Number(values.workers);
    if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new Error(`--workers: "${values.workers}" is not a count from 1 to 64`);
    if (workers > 1 && !isWorker()) return await runPrimary(workers, listen, metricsAt);

    const config: DnsConfig = defaultConfig({ zone, ttl, podMode });
    // ns.dns.<zone> follows the DNS service's ClusterIPs as they change.
    const index = new RecordIndex(() => { config.nsAddrs = index.service(dnsNs, dnsName)?.clusterIPs ?? []; });
    const client = new RestClient(loadKubeconfig(kubeconfig), 'kubesvc-dns');
    const watch = await watchIntoIndex(client, index, { pods: podMode === 'verified' });
    const metrics = new DnsMetrics();
    const forwarder = upstreams.length ? new Forwarder(upstreams, { metrics }) : undefined;
    server = new DnsServer({ host: listen.host, port: listen.port, index, config, forwarder, metrics });
    const at = await server.start();
    if (isWorker()) {
      // The primary serves metrics (summed over workers) and readiness; this worker reports in.
      new AggregatorRegistry<RegistryContentType>();
      AggregatorRegistry.setRegistries([metrics.registry]);
      tellPrimary('ready', at);
      const poll = setInterval(() => { if (watch.synced()) { clearInterval(poll); tellPrimary('synced'); } }, 50);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      clearInterval(poll);
      watch.stop();
      forwarder?.close();
      await server.close();
      client.close();
      // The IPC channel to the primary would keep this process alive.
      process.disconnect?.();
      return 0;
    }
    const http = await metrics.serve(metricsAt.host, metricsAt.port, () => watch.synced());
    const metricsPort = (http.address() as { port: number }).port;
    console.log(`kubesvc dns ready on ${at.host}:${at.port} (udp+tcp), zone ${zone}, ${index.serviceCount()} services; metrics on ${metricsAt.host}:${metricsPort}` +
      (upstreams.length ? `; upstream ${values.upstream}` : '; no upstream'));
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    watch.stop();
    forwarder?.close();
    await server.close();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
    client.close();
    return 0;
  } catch (e) {
    await server?.close();
    process.stderr.write(`kubesvc dns: ${(e as Error).message}\n`);
    return 1;
  }
}
