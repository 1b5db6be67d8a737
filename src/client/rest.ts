// A small Kubernetes REST client: bearer token, CA pinning, one HTTP/2 connection
// (transport.ts), JSON bodies and newline-delimited watch streams. Every kubesvc
// component (controllers, agents, proxy, DNS) talks to the API server through it.
import { createSecureContext } from 'node:tls';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { Http2Transport, UnixSocketTransport, type Transport } from './transport.js';

export interface ClientConfig {
  server: string;
  token: string;
  caCert: string;
  /** Plain HTTP over this Unix socket instead of TLS to `server` (the API server's in-process controllers). */
  socketPath?: string;
}

/** Reads server, CA and token from a kubeconfig (the current context). */
export function loadKubeconfig(path: string): ClientConfig {
  const kc = parseYaml(readFileSync(path, 'utf8')) as any;
  const ctxName = kc['current-context'];
  const ctx = (kc.contexts ?? []).find((c: any) => c.name === ctxName)?.context ?? kc.contexts?.[0]?.context;
  const cluster = (kc.clusters ?? []).find((c: any) => c.name === ctx?.cluster)?.cluster;
  const user = (kc.users ?? []).find((u: any) => u.name === ctx?.user)?.user;
  if (!cluster?.server || !user?.token) throw new Error(`kubeconfig ${path}: needs a cluster server and a user token`);
  const ca = cluster['certificate-authority-data']
    ? Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8')
    : readFileSync(cluster['certificate-authority'], 'utf8');
  return { server: cluster.server, token: user.token, caCert: ca };
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly reason: string, message: string, readonly body?: unknown) {
    super(message);
    this.name = 'ApiError';
  }
}

export const isNotFoundError = (e: unknown): boolean => e instanceof ApiError && e.status === 404;
export const isConflictError = (e: unknown): boolean => e instanceof ApiError && e.status === 409;
export const isAlreadyExistsError = (e: unknown): boolean => e instanceof ApiError && e.status === 409 && e.reason === 'AlreadyExists';

export interface WatchHandle {
  close(): void;
}

export interface WatchEventRaw {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: any;
}

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';
const PATCH_CT: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
};

export class RestClient {
  private readonly transport: Transport;
  private readonly baseHeaders: Record<string, string>;

  constructor(readonly config: ClientConfig, readonly userAgent = 'kubesvc') {
    const url = new URL(config.server);
    // The CA is parsed once here; given only `ca`, every new TLS connection would parse it again.
    this.transport = config.socketPath ? new UnixSocketTransport(config.socketPath, url.host) : new Http2Transport(url.origin, createSecureContext({ ca: config.caCert }));
    this.baseHeaders = { Authorization: `Bearer ${config.token}`, Accept: 'application/json', 'User-Agent': userAgent };
  }

  close(): void {
    this.transport.close();
  }

  /** Requests and watches sent and not yet ended (what a component that stopped must have none of). */
  inFlight(): number {
    return this.transport.inFlight();
  }

  /** One request; non-2xx answers become ApiError carrying the Status reason. */
  async request<T = any>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const headers: Record<string, string | number> = data !== undefined ? { ...this.baseHeaders, 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(data) } : this.baseHeaders;
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      this.transport.open(method, path, headers, data, {
        onResponse: (status, res) => {
          const chunks: Buffer[] = [];
          let ended = false;
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => { ended = true; resolve({ status, text: Buffer.concat(chunks).toString('utf8') }); });
          res.on('error', reject);
          res.on('close', () => { if (!ended) reject(new Error(`${method} ${path}: connection closed before the answer ended`)); });
        },
        onError: reject,
      }, { idleMs: 30_000 });
    });
    let parsed: any = text;
    try { parsed = text ? JSON.parse(text) : undefined; } catch { /* plain text (logs) */ }
    if (status < 200 || status >= 300) {
      const msg = parsed && typeof parsed === 'object' && parsed.message ? parsed.message : `${method} ${path}: HTTP ${status}`;
      throw new ApiError(status, parsed?.reason ?? '', msg, parsed);
    }
    return parsed as T;
  }

  get<T = any>(path: string): Promise<T> { return this.request('GET', path); }
  create<T = any>(path: string, obj: unknown): Promise<T> { return this.request('POST', path, obj); }
  update<T = any>(path: string, obj: unknown): Promise<T> { return this.request('PUT', path, obj); }
  delete<T = any>(path: string, opts?: Record<string, unknown>): Promise<T> { return this.request('DELETE', path, opts); }
  patch<T = any>(path: string, patch: unknown, type: PatchType = 'merge'): Promise<T> { return this.request('PATCH', path, patch, PATCH_CT[type]); }

  /** Streams watch events until closed; onClose fires once when the stream ends for any reason. */
  watch(path: string, onEvent: (e: WatchEventRaw) => void, onClose: (err?: Error) => void): WatchHandle {
    let closed = false;
    const finish = (err?: Error): void => {
      if (closed) return;
      closed = true;
      onClose(err);
    };
    const exchange = this.transport.open('GET', path, this.baseHeaders, undefined, {
      onResponse: (status, res) => {
        if (status >= 300) {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => {
            let reason = '', msg = `watch ${path}: HTTP ${status}`;
            try { const s = JSON.parse(text); reason = s.reason; msg = s.message ?? msg; } catch { /* keep default */ }
            finish(new ApiError(status, reason, msg));
          });
          res.on('close', () => finish(new ApiError(status, '', `watch ${path}: HTTP ${status}`)));
          return;
        }
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          buf += c;
          let i: number;
          while ((i = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, i);
            buf = buf.slice(i + 1);
            if (!line.trim()) continue;
            try { onEvent(JSON.parse(line) as WatchEventRaw); } catch (e) { finish(e as Error); exchange.abort(); return; }
          }
        });
        res.on('end', () => finish());
        res.on('error', (e) => finish(e));
        // An HTTP/2 stream reset by the server closes without 'end' or 'error'.
        res.on('close', () => finish());
      },
      onError: (e) => finish(e),
    }, { stream: true });
    return { close: () => { closed = true; exchange.abort(); } };
  }
}
