// Prometheus metrics for the DNS server, on its own registry, served as text on
// a separate HTTP port with /health and /ready for the kube-dns pods' probes.
import { createServer, type Server } from 'node:http';
import { Counter, Histogram, Registry } from 'prom-client';

const KNOWN_TYPES = new Set(['A', 'AAAA', 'SRV', 'PTR', 'TXT', 'CNAME', 'NS', 'SOA', 'MX', 'ANY', 'HTTPS', 'AXFR', 'IXFR']);

export class DnsMetrics {
  readonly registry = new Registry();
  private readonly responses = new Counter({ name: 'kubesvc_dns_responses_total', help: 'DNS responses by protocol, query type and rcode.', labelNames: ['proto', 'type', 'rcode'], registers: [this.registry] });
  private readonly duration = new Histogram({
    name: 'kubesvc_dns_request_duration_seconds', help: 'Time from receiving a query to sending its response.', labelNames: ['proto'],
    buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5], registers: [this.registry],
  });
  private readonly cache = new Counter({ name: 'kubesvc_dns_cache_total', help: 'Cache lookups by cache (response, forward) and result (hit, miss).', labelNames: ['cache', 'result'], registers: [this.registry] });
  private readonly dropped = new Counter({ name: 'kubesvc_dns_dropped_total', help: 'Packets dropped without a response (unparseable or not a query).', registers: [this.registry] });
  private readonly forwards = new Counter({ name: 'kubesvc_dns_forward_requests_total', help: 'Queries sent to upstream resolvers, by outcome.', labelNames: ['result'], registers: [this.registry] });
  // Resolving label children once keeps the per-query cost to an increment.
  private readonly children = new Map<string, { inc(): void }>();
  private readonly durationChildren = new Map<string, { observe(v: number): void }>();

  response(proto: string, type: string, rcode: string, seconds: number): void {
    const t = KNOWN_TYPES.has(type) ? type : 'other';
    const k = `${proto}|${t}|${rcode}`;
    let c = this.children.get(k);
    if (!c) this.children.set(k, (c = this.responses.labels(proto, t, rcode)));
    c.inc();
    let h = this.durationChildren.get(proto);
    if (!h) this.durationChildren.set(proto, (h = this.duration.labels(proto)));
    h.observe(seconds);
  }

  cacheResult(cache: 'response' | 'forward', hit: boolean): void {
    this.cache.labels(cache, hit ? 'hit' : 'miss').inc();
  }

  drop(): void {
    this.dropped.inc();
  }

  forward(result: 'ok' | 'timeout' | 'error'): void {
    this.forwards.labels(result).inc();
  }

  /** Serves /metrics, /health and /ready (ready() decides) on host:port. */
  async serve(host: string, port: number, ready: () => boolean): Promise<Server> {
    const srv = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/metrics') {
        this.registry.metrics().then((text) => {
          res.writeHead(200, { 'Content-Type': this.registry.contentType });
          res.end(text);
        }, (e) => { res.writeHead(500); res.end(String(e)); });
      } else if (path === '/health') {
        res.writeHead(200).end('OK');
      } else if (path === '/ready') {
        const ok = ready();
        res.writeHead(ok ? 200 : 503).end(ok ? 'OK' : 'not ready');
      } else {
        res.writeHead(404).end('not found');
      }
    });
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(port, host, () => { srv.off('error', reject); resolve(); });
    });
    return srv;
  }
}
