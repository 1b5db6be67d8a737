// healthCheckNodePort servers (kube-proxy's pkg/proxy/healthcheck): one HTTP
// server per LoadBalancer+Local service, on the node's IPs, answering 200 when
// this node has local endpoints and 503 otherwise, so load balancers skip it.
import { createServer, type Server } from 'node:http';
import type { HealthCheck } from './core.js';

interface Entry { hc: HealthCheck; servers: Server[] }

export class HealthCheckServers {
  private readonly byPort = new Map<number, Entry>();

  constructor(private readonly addresses: string[], private readonly onError: (e: Error) => void = () => {}) {}

  /** Starts, updates and stops servers to match `checks` (keyed by ns/name). */
  sync(checks: Iterable<HealthCheck>): void {
    const want = new Map<number, HealthCheck>();
    for (const hc of checks) want.set(hc.port, hc);
    for (const [port, e] of this.byPort) {
      if (want.has(port)) continue;
      for (const s of e.servers) s.close();
      this.byPort.delete(port);
    }
    for (const [port, hc] of want) {
      const e = this.byPort.get(port);
      if (e) { e.hc = hc; continue; }
      const entry: Entry = { hc, servers: [] };
      for (const addr of this.addresses) {
        const s = createServer((_req, res) => {
          const { namespace, name, localEndpoints } = entry.hc;
          res.writeHead(localEndpoints > 0 ? 200 : 503, { 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff' });
          res.end(JSON.stringify({ service: { namespace, name }, localEndpoints, serviceProxyHealthy: true }));
        });
        s.on('error', (err) => this.onError(new Error(`healthcheck ${addr}:${port}: ${err.message}`)));
        s.listen(port, addr);
        entry.servers.push(s);
      }
      this.byPort.set(port, entry);
    }
  }

  ports(): number[] { return [...this.byPort.keys()]; }

  close(): void { this.sync([]); }
}
