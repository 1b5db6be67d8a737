// The agent's kubelet-style HTTPS endpoint on the node IP: container logs, exec,
// attach and port-forward, for the API server to proxy to. Callers must present the bearer token
// of the agent's own kubeconfig.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hasValidBearerToken } from '../../util/bearer-auth.js';
import type { Duplex } from 'node:stream';
import type { ProcessRunner } from '../runtime/process.js';
import { streamLogs } from '../runtime/logs.js';
import { parseLogQuery } from '../runtime/logfmt.js';
import type { PodManager } from '../pod/manager.js';
import type { PodWorker } from '../pod/worker.js';
import { handleExec } from './exec.js';
import { handleAttach } from './attach.js';
import { handlePortForward } from './portforward.js';
import { connectInNetns } from '../net/netns-connect.js';
import { netnsPath } from '../net/names.js';

export interface KubeletServerOptions {
  host: string;
  port: number;
  cert: string;
  key: string;
  token: string;
  pods: PodManager;
  runner: ProcessRunner;
}

const authorized = (req: IncomingMessage, token: string): boolean => hasValidBearerToken(req, new Set([token]));

const VERBS = ['log', 'exec', 'attach', 'portforward'] as const;
type Verb = typeof VERBS[number];
const KUBELET_PATHS: Record<string, Verb> = { containerLogs: 'log', exec: 'exec', attach: 'attach' };

/** /pods/ns/name/{log,exec,attach,portforward} and the kubelet's /{containerLogs,exec,attach}/ns/name/container and /portForward/ns/name. */
export function route(pathname: string): { verb: Verb; ns: string; pod: string; container?: string } | undefined {
  const p = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (p[0] === 'pods' && p.length === 4 && (VERBS as readonly string[]).includes(p[3])) return { verb: p[3] as Verb, ns: p[1], pod: p[2] };
  if (KUBELET_PATHS[p[0]] && p.length === 4) return { verb: KUBELET_PATHS[p[0]], ns: p[1], pod: p[2], container: p[3] };
  if (p[0] === 'portForward' && p.length === 3) return { verb: 'portforward', ns: p[1], pod: p[2] };
  return undefined;
}

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }));
}

async function serveLogs(w: PodWorker, q: URLSearchParams, containerName: string | undefined, res: ServerResponse): Promise<void> {
  const lq = parseLogQuery(q, Date.now());
  const name = containerName ?? lq.container;
  const c = w.findContainer(name);
  if (!c) return status(res, 400, 'BadRequest', `container ${name} is not valid for pod ${w.pod.metadata.name}`);
  const path = c.logFile(lq.previous);
  if (!path) return status(res, 400, 'BadRequest', `previous terminated container "${c.spec.name}" in pod "${w.pod.metadata.name}" not found`);
  const attempt = c.attempt;
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
  let closed = false;
  res.on('close', () => (closed = true));
  await streamLogs(path, lq, { write: (s) => res.write(s), closed: () => closed }, () => !lq.previous && c.attempt === attempt && c.isRunning() && !closed);
  res.end();
}

export async function startKubeletServer(o: KubeletServerOptions): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer({ cert: o.cert, key: o.key }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://kubelet');
    if (url.pathname === '/healthz') { res.end('ok'); return; }
    if (!authorized(req, o.token)) return status(res, 401, 'Unauthorized', 'Unauthorized');
    const r = route(url.pathname);
    if (!r) return status(res, 404, 'NotFound', `no handler for ${url.pathname}`);
    const w = o.pods.find(r.ns, r.pod);
    if (!w) return status(res, 404, 'NotFound', `pod ${r.ns}/${r.pod} not found on this node`);
    if (r.verb === 'exec' || r.verb === 'attach') return status(res, 400, 'BadRequest', `${r.verb} needs a WebSocket upgrade (v5.channel.k8s.io)`);
    if (r.verb === 'portforward') return status(res, 400, 'BadRequest', 'port-forward needs an upgrade (SPDY/3.1 or WebSocket)');
    serveLogs(w, url.searchParams, r.container, res).catch((e) => { if (!res.headersSent) status(res, 500, 'InternalError', (e as Error).message); else res.destroy(); });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const reject = (code: number, msg: string): void => { socket.end(`HTTP/1.1 ${code} ${msg}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`); };
    if (!authorized(req, o.token)) return reject(401, 'Unauthorized');
    const r = route(url.pathname);
    if (!r || r.verb === 'log') return reject(404, 'Not Found');
    const w = o.pods.find(r.ns, r.pod);
    if (!w) return reject(404, 'Not Found');
    if (r.verb === 'portforward') {
      const nsPath = netnsPath(w.netnsName);
      return handlePortForward(req, socket, head, url.searchParams, { sandbox: w.netnsName, uid: w.uid, connect: (port) => connectInNetns(nsPath, port) });
    }
    const containerName = r.container ?? url.searchParams.get('container') ?? undefined;
    if (r.verb === 'attach') return handleAttach(req, socket, head, url.searchParams, w.findContainer(containerName));
    handleExec(req, socket, head, url.searchParams, w.findContainer(containerName), o.runner);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
