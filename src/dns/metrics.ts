// Prometheus metrics for the DNS server, on its own registry, served as text on
// a separate HTTP port with /health and /ready for the kube-dns pods' probes.
// The query path only bumps plain numbers; prom-client reads them at scrape time
// (its own observe/inc hash labels on every call, several µs a query).
import { createServer, type Server } from 'node:http';
import { Counter, Registry } from 'prom-client';

const KNOWN_TYPES = new Set(['A', 'AAAA', 'SRV', 'PTR', 'TXT', 'CNAME', 'NS', 'SOA', 'MX', 'ANY', 'HTTPS', 'AXFR', 'IXFR']);
const BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5];

/** One labelled count; the query path may hold on to it and bump n itself. */
export interface Slot { labels: Record<string, string>; n: number }

class Tally {
  readonly counts = new Map<string, Slot>();
  slot(key: string, labels: () => Record<string, string>): Slot {
    let e = this.counts.get(key);
    if (!e) this.counts.set(key, (e = { labels: labels(), n: 0 }));
    return e;
  }
  add(key: string, labels: () => Record<string, string>): void {
    this.slot(key, labels).n++;
  }
}

/** A counter whose value lives in a Tally, copied in when Prometheus scrapes. */
function tallyCounter(registry: Registry, name: string, help: string, labelNames: string[], tally: Tally): void {
  new Counter({
    name, help, labelNames, registers: [registry],
    collect() {
      this.reset();
      for (const { labels, n } of tally.counts.values()) this.inc(labels, n);
    },
  });
}

interface Hist { buckets: number[]; sum: number; count: number }

/** A response counter and its protocol's latency histogram, resolved once (see DnsMetrics.responseSlot). */
export interface ResponseSlot { count: Slot; hist: Hist }

export class DnsMetrics {
  readonly registry = new Registry();
  private readonly responses = new Tally();
  private readonly cache = new Tally();
  private readonly forwards = new Tally();
  private readonly dropped = new Tally();
  private readonly hist = new Map<string, Hist>();

  constructor() {
    tallyCounter(this.registry, 'kubesvc_dns_responses_total', 'DNS responses by protocol, query type and rcode.', ['proto', 'type', 'rcode'], this.responses);
    tallyCounter(this.registry, 'kubesvc_dns_cache_total', 'Cache lookups by cache (response, forward) and result (hit, miss).', ['cache', 'result'], this.cache);
    tallyCounter(this.registry, 'kubesvc_dns_forward_requests_total', 'Queries sent to upstream resolvers, by outcome.', ['result'], this.forwards);
    tallyCounter(this.registry, 'kubesvc_dns_dropped_total', 'Packets dropped without a response (unparseable or not a query).', [], this.dropped);
    const hist = this.hist;
    const name = 'kubesvc_dns_request_duration_seconds';
    // A histogram prom-client formats from our bucket counts.
    this.registry.registerMetric({
      name, help: 'Time from receiving a query to sending its response.', type: 'histogram', aggregator: 'sum',
      get: async () => ({
        name, help: 'Time from receiving a query to sending its response.', type: 'histogram', aggregator: 'sum',
        values: [...hist].flatMap(([proto, h]) => {
          let acc = 0;
          return [
            ...BUCKETS.map((le, i) => ({ metricName: `${name}_bucket`, labels: { proto, le }, value: (acc += h.buckets[i]) })),
            { metricName: `${name}_bucket`, labels: { proto, le: '+Inf' }, value: h.count },
            { metricName: `${name}_sum`, labels: { proto }, value: h.sum },
            { metricName: `${name}_count`, labels: { proto }, value: h.count },
          ];
        }),
      }),
      // Zeroed in place: response slots hold on to these objects.
      reset: () => { for (const h of hist.values()) { h.buckets.fill(0); h.sum = 0; h.count = 0; } },
    } as any);
  }

  response(proto: string, type: string, rcode: string, seconds: number): void {
    this.record(this.responseSlot(proto, type, rcode), seconds);
  }

  /** Where response() counts (proto, type, rcode): cached answers keep theirs and call record(). */
  responseSlot(proto: string, type: string, rcode: string): ResponseSlot {
    const t = KNOWN_TYPES.has(type) ? type : 'other';
    let hist = this.hist.get(proto);
    if (!hist) this.hist.set(proto, (hist = { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 }));
    return { count: this.responses.slot(`${proto}|${t}|${rcode}`, () => ({ proto, type: t, rcode })), hist };
  }

  record(slot: ResponseSlot, seconds: number): void {
    slot.count.n++;
    const h = slot.hist;
    let i = 0;
    while (i < BUCKETS.length && seconds > BUCKETS[i]) i++;
    if (i < BUCKETS.length) h.buckets[i]++;
    h.sum += seconds;
    h.count++;
  }

  cacheResult(cache: 'response' | 'forward', hit: boolean): void {
    this.cacheSlot(cache, hit).n++;
  }

  cacheSlot(cache: 'response' | 'forward', hit: boolean): Slot {
    return this.cache.slot(`${cache}|${hit}`, () => ({ cache, result: hit ? 'hit' : 'miss' }));
  }

  drop(): void {
    this.dropped.add('', () => ({}));
  }

  forward(result: 'ok' | 'timeout' | 'error'): void {
    this.forwards.add(result, () => ({ result }));
  }

  /** Serves /metrics, /health and /ready (ready() decides) on host:port. */
  serve(host: string, port: number, ready: () => boolean): Promise<Server> {
    return serveMetrics(host, port, ready, this.registry.contentType, () => this.registry.metrics());
  }
}

/** /metrics from scrape(), /health, and /ready (ready() decides) on host:port. */
export async function serveMetrics(host: string, port: number, ready: () => boolean, contentType: string, scrape: () => Promise<string>): Promise<Server> {
  const srv = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      scrape().then((text) => {
        res.writeHead(200, { 'Content-Type': contentType });
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
