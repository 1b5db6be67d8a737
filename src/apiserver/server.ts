// Starts the API server: credentials, storage, watch cache, HTTPS listeners,
// built-in namespaces and the in-process namespace lifecycle loop.
import { createServer, type Server } from 'node:https';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { openBackend } from '../storage/open.js';
import type { Backend } from '../storage/backend.js';
import { Cacher } from './cache/cacher.js';
import { Store } from './registry/store.js';
import { buildStrategies } from './registry/strategy-table.js';
import { createHandler } from './http/handler.js';
import { ensureCredentials, kubeconfigYaml, pkiDir } from './auth/pki.js';
import { resourceByKind } from './resources.js';
import { NamespaceLifecycle } from './namespace-lifecycle.js';
import { GarbageCollector } from './garbage-collector.js';
import { isAlreadyExists } from '../storage/backend.js';
import { startAutoCompaction } from '../storage/auto-compact.js';
import { RestClient } from '../client/rest.js';
import { DEFAULT_LB_POOL } from '../api/cluster-defaults.js';
import { StatusError } from '../api/status.js';
import { attachPodProxy } from './pod-proxy.js';
import { listenLoopback } from './loopback.js';
import { ALPN_PROTOCOLS, serveHttp2Beside, type Http2Side } from './http/alpn.js';

/** No limit on a request (watches and log streams are long); idle keep-alive connections live 65 s. */
const SERVER_TIMEOUTS = { requestTimeout: 0, keepAliveTimeout: 65_000 };
/** How long close() waits for the listeners to report every connection gone. */
const CLOSE_WAIT_MS = 3000;

export interface ApiServerOptions {
  dataDir: string;
  /** host:port pairs; port 0 picks a free one. Default 127.0.0.1:6443. */
  listen?: string[];
  datastore?: string;
  serviceCIDR?: string;
  nodePortRange?: string;
  /** Run the controllers (endpoints, workloads, scheduler, LoadBalancer IPs) against this server. Default true. */
  controllers?: boolean;
  /** LoadBalancer address pool for the controller. */
  lbPool?: string;
  /** How long a node may go without posting status before it is marked Unknown (default 50 s). */
  nodeMonitorGracePeriodMs?: number;
  /** How often the node lifecycle controller looks (default 5 s); tests shorten it. */
  nodeMonitorPeriodMs?: number;
  /** Extra addresses the serving certificate must cover. */
  advertiseAddresses?: string[];
  /**
   * PEM CA certificate(s) that node agents' serving certificates must chain to, for logs and
   * exec (kube-apiserver's --kubelet-certificate-authority); unset, agents are not verified.
   */
  kubeletCA?: string;
  quiet?: boolean;
}

export interface ApiServer {
  url: string;
  urls: string[];
  kubeconfigPath: string;
  token: string;
  caCert: string;
  store: Store;
  backend: Backend;
  close(): Promise<void>;
}

const BUILTIN_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

function splitHostPort(hp: string): { host: string; port: number } {
  const i = hp.lastIndexOf(':');
  if (i < 0) throw new Error(`--listen must be HOST:PORT, got "${hp}"`);
  const host = hp.slice(0, i).replace(/^\[|\]$/g, '');
  const port = Number(hp.slice(i + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--listen port must be 0-65535, got "${hp.slice(i + 1)}"`);
  if (host === '0.0.0.0' || host === '::' || host === '') throw new Error('--listen must name a specific address (loopback or a kubesvc bridge), not a wildcard');
  return { host, port };
}

export async function startApiServer(o: ApiServerOptions): Promise<ApiServer> {
  const dataDir = resolve(o.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const listen = (o.listen?.length ? o.listen : ['127.0.0.1:6443']).map(splitHostPort);
  const creds = await ensureCredentials(pkiDir(dataDir), [...listen.map((l) => l.host), ...(o.advertiseAddresses ?? [])]);
  const backend = await openBackend(o.datastore, dataDir);
  await backend.start();
  const cacher = new Cacher(backend);
  await cacher.start();
  const strategies = buildStrategies({ serviceCIDR: o.serviceCIDR, nodePortRange: o.nodePortRange });
  const store = new Store(backend, cacher, (r) => strategies.of(r));
  strategies.repair(store);
  await ensureNamespaces(store);
  const lifecycle = new NamespaceLifecycle(store);
  lifecycle.start();
  const gc = new GarbageCollector(store);
  gc.start();

  const servers: Server[] = [];
  const http2Sides: Http2Side[] = [];
  const urls: string[] = [];
  const handler = createHandler({
    store,
    tokens: new Set([creds.token]),
    serverAddress: `${listen[0].host}:${listen[0].port}`,
    ready: () => cacher.healthy,
  });
  const serve = (req: IncomingMessage, res: ServerResponse): void => void handler(req, res);
  for (const l of listen) {
    const srv = createServer({ cert: creds.cert, key: creds.key, ALPNProtocols: ALPN_PROTOCOLS, ...SERVER_TIMEOUTS }, serve);
    http2Sides.push(serveHttp2Beside(srv, serve, SERVER_TIMEOUTS.keepAliveTimeout));
    attachPodProxy(srv, { store, tokens: new Set([creds.token]), agentToken: creds.token, agentCA: o.kubeletCA });
    await new Promise<void>((res, rej) => {
      srv.once('error', rej);
      srv.listen(l.port, l.host, () => res());
    });
    const port = (srv.address() as AddressInfo).port;
    const host = l.host.includes(':') ? `[${l.host}]` : l.host;
    urls.push(`https://${host}:${port}`);
    servers.push(srv);
  }
  const kubeconfigPath = join(dataDir, 'kubeconfig');
  writeFileSync(kubeconfigPath, kubeconfigYaml(urls[0], creds.caCert, creds.token), { mode: 0o600 });
  await strategies.ensureBuiltins(store, { host: o.advertiseAddresses?.[0] ?? listen[0].host, port: servers.length ? (servers[0].address() as AddressInfo).port : listen[0].port });
  if (!o.quiet) console.error(`kubesvc apiserver: serving on ${urls.join(', ')}; KUBECONFIG=${kubeconfigPath}`);

  // Storage history stays bounded; the watch cache serves recent history itself.
  // The controllers are API clients with its token, as a remote controller manager would be, over the
  // loopback socket (its own URL over TLS when the data directory's path is too long for one).
  const loopback = o.controllers === false ? undefined : await listenLoopback(dataDir, SERVER_TIMEOUTS, serve);
  const controllerClient = o.controllers === false ? undefined : new RestClient({ server: urls[0], token: creds.token, caCert: creds.caCert, socketPath: loopback?.socketPath }, 'kube-controller-manager');
  // Loaded on demand: an API-only server does not carry the controllers' code.
  const manager = controllerClient && (await (await import('../controllers/manager.js')).startControllers(controllerClient, { lbPool: o.lbPool ?? DEFAULT_LB_POOL, nodeMonitorGracePeriodMs: o.nodeMonitorGracePeriodMs, nodeMonitorPeriodMs: o.nodeMonitorPeriodMs }));
  const compaction = startAutoCompaction(backend, { intervalMs: 60_000, keepRevisions: 50_000, onError: (e) => console.error(`kubesvc: compaction failed: ${(e as Error).message}`) });
  return {
    url: urls[0], urls, kubeconfigPath, token: creds.token, caCert: creds.caCert, store, backend,
    async close() {
      compaction.stop();
      await manager?.stop();
      controllerClient?.close();
      await loopback?.close();
      lifecycle.stop();
      gc.stop();
      // Every listener stops accepting before any connection is ended: a client cut off
      // from one address (cluster DNS pods reconnect at once) must not land on another
      // that is still listening, where nothing would end its HTTP/2 connection.
      const closed = servers.map((s) => new Promise<void>((res) => s.close(() => res())));
      for (const h of http2Sides) h.closeSessions();
      for (const s of servers) s.closeAllConnections();
      // Bounded: should the server still count a connection nothing can end, the caller's
      // cleanup (up removes namespaces and links next) must run all the same.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(closed), new Promise<void>((res) => { timer = setTimeout(res, CLOSE_WAIT_MS); })]);
      clearTimeout(timer);
      cacher.stop();
      await backend.close();
    },
  };
}

async function ensureNamespaces(store: Store): Promise<void> {
  const ns = resourceByKind('Namespace')!;
  for (const name of BUILTIN_NAMESPACES) {
    if (store.tryGet(ns, undefined, name)) continue;
    try {
      await store.create(ns, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } }, { dryRun: false, fieldManager: 'kube-apiserver' });
    } catch (e) {
      if (!(isAlreadyExists(e) || (e instanceof StatusError && e.code === 409))) throw e;
    }
  }
}
