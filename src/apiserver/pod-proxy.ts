// Proxies pods/log and pods/exec to the node agent that runs the pod, the way
// kube-apiserver proxies to the kubelet: look up the pod, its node's InternalIP
// and kubelet port, and forward to https://<nodeIP>:<port>/pods/<ns>/<name>/<log|exec>.
//
// - log (GET): the agent's body is streamed back as it arrives (follow works; no
//   buffering, no compression).
// - exec and attach: kubectl 1.32 tries a WebSocket upgrade first (v5.channel.k8s.io ...), then
//   SPDY. Upgrades arrive on the https server's 'upgrade' event; the request is
//   re-sent to the agent and both directions are piped byte for byte, so every
//   subprotocol the agent speaks works unchanged.
// - portforward: the same, for SPDY/3.1 and both WebSocket forms (the agent
//   speaks them all).
//
// Agents are verified as kube-apiserver verifies kubelets: against a CA when one is
// given (agentCA, --kubelet-certificate-authority; `up` issues every agent's
// certificate from the cluster CA and passes it), the certificate naming the node's
// address. Without one they are not verified, as kube-apiserver without that flag.
// Requests carry `Authorization: Bearer <token>` so the agent can authenticate the API
// server; unverified, a process that can impersonate a node IP could read that token.
import { request as httpsRequest } from 'node:https';
import { hasValidBearerToken } from '../util/bearer-auth.js';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { KubeObject } from '../api/object.js';
import { Errors, StatusError } from '../api/status.js';
import type { Store } from './registry/store.js';
import { resourceByKind } from './resources.js';
import { setPodStreamHandler, type SubresourceHandler } from './http/subresources.js';
import { toStatusError } from './http/respond.js';

export interface PodProxyOptions {
  store: Store;
  /** Tokens accepted from clients (the server's token set). */
  tokens: Set<string>;
  /** Token sent to agents. */
  agentToken: string;
  /** PEM CA that agents' serving certificates must chain to; unset, they are not verified. */
  agentCA?: string;
  /** Milliseconds to wait for an agent connection (default 5000). */
  connectTimeoutMs?: number;
}

export interface AgentTarget { host: string; port: number; path: string }

const DEFAULT_KUBELET_PORT = 10250;
const byStore = new WeakMap<Store, PodProxyOptions>();


/** The agent URL for a pod's subresource: pure over the pod and its node. */
export function agentTarget(pod: KubeObject, node: KubeObject | undefined, sub: string, query: string): AgentTarget {
  const name = pod.metadata.name!;
  const nodeName = pod.spec?.nodeName as string | undefined;
  if (!nodeName) throw new StatusError(400, 'BadRequest', `pod ${name} does not have a host assigned`);
  if (!node) throw Errors.internal(`node "${nodeName}" of pod ${name} was not found`);
  const addrs = (node.status?.addresses ?? []) as { type: string; address: string }[];
  const host = addrs.find((a) => a.type === 'InternalIP')?.address ?? addrs.find((a) => a.type === 'ExternalIP')?.address;
  if (!host) throw Errors.internal(`node "${nodeName}" has no InternalIP address`);
  const port = Number(node.status?.daemonEndpoints?.kubeletEndpoint?.Port) || DEFAULT_KUBELET_PORT;
  const path = `/pods/${encodeURIComponent(pod.metadata.namespace!)}/${encodeURIComponent(name)}/${sub}${query}`;
  return { host, port, path };
}

function resolveTarget(store: Store, ns: string, name: string, sub: string, query: string): AgentTarget {
  const pod = store.get(resourceByKind('Pod')!, ns, name);
  const nodeName = pod.spec?.nodeName as string | undefined;
  const node = nodeName ? store.tryGet(resourceByKind('Node')!, undefined, nodeName) : undefined;
  return agentTarget(pod, node, sub, query);
}

/** TLS options toward an agent: verified against agentCA (names checked against the node address) when there is one. */
const agentTLS = (o: PodProxyOptions): { rejectUnauthorized: boolean; ca?: string } =>
  (o.agentCA ? { rejectUnauthorized: true, ca: o.agentCA } : { rejectUnauthorized: false });

const unreachable = (t: AgentTarget, e: Error): StatusError =>
  new StatusError(502, 'ServiceUnavailable', `error dialing the node agent at ${t.host}:${t.port}: ${e.message}`);

/** The non-upgrade path (setPodStreamHandler): pods/log, and exec/attach/portforward without an upgrade. */
export const podStreamHandler: SubresourceHandler = async (ctx, _r, ns, name, method) => {
  const o = byStore.get(ctx.store);
  if (!o) throw Errors.internal('the pod proxy is not attached to this server');
  const sub = ctx.url.pathname.split('/').pop()!;
  if (sub === 'exec' || sub === 'attach' || sub === 'portforward') {
    // Reached only without an Upgrade header.
    throw Errors.badRequest('Upgrade request required');
  }
  if (method !== 'GET') throw Errors.methodNotAllowed();
  const t = resolveTarget(ctx.store, ns!, name, 'log', ctx.url.search);
  await new Promise<void>((resolve, reject) => {
    const up = httpsRequest({
      host: t.host, port: t.port, path: t.path, method: 'GET', ...agentTLS(o), agent: false,
      headers: { Authorization: `Bearer ${o.agentToken}`, Accept: ctx.req.headers.accept ?? '*/*', 'User-Agent': 'kubesvc-apiserver' },
    }, (ar) => {
      const headers: Record<string, string> = { 'Content-Type': String(ar.headers['content-type'] ?? 'text/plain'), 'Cache-Control': 'no-cache, private' };
      ctx.res.writeHead(ar.statusCode ?? 502, headers);
      ctx.res.flushHeaders();
      ar.on('data', (c: Buffer) => ctx.res.write(c));
      ar.on('end', () => { ctx.res.end(); resolve(); });
      ar.on('error', () => { ctx.res.destroy(); resolve(); });
    });
    let connected = false;
    up.setTimeout(o.connectTimeoutMs ?? 5000, () => { if (!connected) up.destroy(new Error('timed out connecting')); });
    up.on('socket', (s) => s.once('secureConnect', () => { connected = true; up.setTimeout(0); }));
    up.on('error', (e) => {
      if (ctx.res.headersSent) { ctx.res.destroy(); resolve(); } else reject(unreachable(t, e));
    });
    // The client going away ends the agent stream too (follow).
    ctx.res.on('close', () => up.destroy());
    up.end();
  });
};

function writeStatus(socket: Duplex, e: unknown): void {
  const se = toStatusError(e);
  const body = JSON.stringify(se.toStatus());
  const text = { 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 405: 'Method Not Allowed', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' }[se.code] ?? 'Error';
  socket.end(`HTTP/1.1 ${se.code} ${text}\r\nContent-Type: application/json\r\nCache-Control: no-cache, private\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

const UPGRADE_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|attach|portforward)$/;
const HOP_BY_HOP = new Set(['authorization', 'host', 'proxy-authorization', 'impersonate-user', 'impersonate-group']);

/** The request line and headers re-sent to the agent: the client's, with our Host and credentials. */
export function upgradeRequestHead(req: IncomingMessage, t: AgentTarget, token: string): string {
  const lines = [`${req.method} ${t.path} HTTP/1.1`, `Host: ${t.host}:${t.port}`, `Authorization: Bearer ${token}`];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    if (!HOP_BY_HOP.has(raw[i].toLowerCase())) lines.push(`${raw[i]}: ${raw[i + 1]}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

function onUpgrade(o: PodProxyOptions, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  socket.on('error', () => socket.destroy());
  try {
    const url = new URL(req.url ?? '/', 'https://kubesvc');
    if (!hasValidBearerToken(req, o.tokens)) throw Errors.unauthorized();
    const m = UPGRADE_PATH.exec(url.pathname);
    if (!m) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
    const [ns, name, sub] = [decodeURIComponent(m[1]), decodeURIComponent(m[2]), m[3]];
    const t = resolveTarget(o.store, ns, name, sub, url.search);
    const upstream: TLSSocket = tlsConnect({ host: t.host, port: t.port, ...agentTLS(o) });
    let connected = false;
    const timer = setTimeout(() => { if (!connected) upstream.destroy(new Error('timed out connecting')); }, o.connectTimeoutMs ?? 5000);
    upstream.once('secureConnect', () => {
      connected = true;
      clearTimeout(timer);
      upstream.write(upgradeRequestHead(req, t, o.agentToken));
      if (head.length) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', (e) => {
      clearTimeout(timer);
      if (!connected) writeStatus(socket, unreachable(t, e));
      else socket.destroy();
    });
    upstream.on('close', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
  } catch (e) {
    writeStatus(socket, e);
  }
}

/**
 * Attaches the pod proxy to one of the API server's HTTPS servers: handles upgrades
 * (exec, attach, portforward) on it and installs the log/exec stream handler for this store.
 */
export function attachPodProxy(server: HttpsServer | HttpServer, o: PodProxyOptions): void {
  byStore.set(o.store, o);
  setPodStreamHandler(podStreamHandler);
  // Upgraded sockets leave the HTTP server's bookkeeping (closeAllConnections does not
  // see them) but still hold close() open: end them when the server closes.
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
    onUpgrade(o, req, socket, head);
  });
  const close = server.close.bind(server);
  server.close = ((cb?: (err?: Error) => void) => {
    for (const s of upgraded) s.destroy();
    return close(cb);
  }) as typeof server.close;
}
