// Runs one probe attempt. The agent lives in the node netns, so httpGet and
// tcpSocket reach the pod IP over the node bridge, as the kubelet does; exec
// probes join the container's namespaces.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { ProcessRunner } from '../runtime/process.js';
import { execArgv, type ContainerTarget, type Identity } from '../runtime/argv.js';

export interface ProbeTarget {
  podIP: string;
  container: ContainerTarget;
  identity: Identity;
  /** Exec probes run at the container's CPU priority. */
  nice?: number;
  env: Record<string, string>;
  /** Container ports, for named probe ports. */
  ports: { name?: string; containerPort: number }[];
}

export type ProbeOutcome = { ok: boolean; message?: string };

export interface ProbeExecutor {
  run(probe: any, target: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome>;
}

function resolvePort(port: unknown, t: ProbeTarget): number {
  if (typeof port === 'number') return port;
  const named = t.ports.find((p) => p.name === port);
  if (named) return named.containerPort;
  const n = Number(port);
  if (Number.isInteger(n) && n > 0) return n;
  throw new Error(`probe port ${String(port)} not found`);
}

export class RealProbeExecutor implements ProbeExecutor {
  constructor(private readonly runner: ProcessRunner) {}

  async run(probe: any, t: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
    try {
      if (probe.httpGet) return await this.http(probe.httpGet, t, timeoutMs);
      if (probe.tcpSocket) return await this.tcp(probe.tcpSocket.host || t.podIP, resolvePort(probe.tcpSocket.port, t), timeoutMs);
      // gRPC health checking is approximated by a TCP connect.
      if (probe.grpc) return await this.tcp(t.podIP, probe.grpc.port, timeoutMs);
      if (probe.exec) return await this.exec(probe.exec.command ?? [], t, timeoutMs);
      return { ok: false, message: 'probe has no handler' };
    } catch (e) {
      return { ok: false, message: (e as Error).message };
    }
  }

  private http(h: any, t: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
    const https = String(h.scheme ?? 'HTTP').toUpperCase() === 'HTTPS';
    const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.32', Accept: '*/*' };
    for (const x of h.httpHeaders ?? []) headers[x.name] = x.value;
    const opts = { host: h.host || t.podIP, port: resolvePort(h.port, t), path: h.path || '/', method: 'GET', headers, timeout: timeoutMs, rejectUnauthorized: false, agent: false as const };
    return new Promise((resolve) => {
      const req = (https ? httpsRequest : httpRequest)(opts, (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        resolve(code >= 200 && code < 400 ? { ok: true } : { ok: false, message: `HTTP probe failed with statuscode: ${code}` });
      });
      req.on('timeout', () => req.destroy(new Error(`Get "http://${opts.host}:${opts.port}${opts.path}": context deadline exceeded`)));
      req.on('error', (e) => resolve({ ok: false, message: e.message }));
      req.end();
    });
  }

  private tcp(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
    return new Promise((resolve) => {
      const s = connect({ host, port, timeout: timeoutMs });
      s.on('connect', () => { s.destroy(); resolve({ ok: true }); });
      s.on('timeout', () => { s.destroy(); resolve({ ok: false, message: `dial tcp ${host}:${port}: i/o timeout` }); });
      s.on('error', (e) => resolve({ ok: false, message: e.message }));
    });
  }

  private async exec(command: string[], t: ProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
    const r = await this.runner.run(execArgv(t.container, t.identity, command), { timeoutMs, env: t.env, nice: t.nice });
    return r.code === 0 ? { ok: true } : { ok: false, message: (r.stdout + r.stderr).trim() || `command exited ${r.code}` };
  }
}
