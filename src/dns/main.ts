// `kubesvc dns`: the cluster DNS server as one process — informers into the record
// index, UDP+TCP DNS, metrics/health/ready over HTTP, and a graceful SIGTERM.
import { parseArgs } from 'node:util';
import { loadKubeconfig, RestClient } from '../client/rest.js';
import { defaultConfig, type DnsConfig } from './answer.js';
import { Forwarder, parseUpstreams } from './forward.js';
import { RecordIndex } from './kubernetes/index.js';
import type { PodMode } from './kubernetes/records.js';
import { watchIntoIndex } from './kubernetes/watch.js';
import { DnsMetrics } from './metrics.js';
import { DnsServer } from './server.js';

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
  -h, --help               Show this help
`;

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

    const config: DnsConfig = defaultConfig({ zone, ttl, podMode });
    // ns.dns.<zone> follows the DNS service's ClusterIPs as they change.
    const index = new RecordIndex(() => { config.nsAddrs = index.service(dnsNs, dnsName)?.clusterIPs ?? []; });
    const client = new RestClient(loadKubeconfig(kubeconfig), 'kubesvc-dns');
    const watch = await watchIntoIndex(client, index, { pods: podMode === 'verified' });
    const metrics = new DnsMetrics();
    const forwarder = upstreams.length ? new Forwarder(upstreams, { metrics }) : undefined;
    server = new DnsServer({ host: listen.host, port: listen.port, index, config, forwarder, metrics });
    const at = await server.start();
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
