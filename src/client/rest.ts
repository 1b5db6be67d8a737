// A small Kubernetes REST client over node:https: bearer token, CA pinning,
// keep-alive, JSON bodies and newline-delimited watch streams. Every kubesvc
// component (controllers, agents, proxy, DNS) talks to the API server through it.
import { Agent, request, type RequestOptions } from 'node:https';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { createSecureContext, type SecureContext } from 'node:tls';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

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
  private readonly agent: Agent | HttpAgent;
  private readonly url: URL;
  /** Built once: given only `ca`, every new TLS connection would parse the CA again. None over a Unix socket. */
  private readonly tls: SecureContext | undefined;
  private readonly send: typeof request;

  constructor(readonly config: ClientConfig, readonly userAgent = 'kubesvc') {
    this.url = new URL(config.server);
    this.tls = config.socketPath ? undefined : createSecureContext({ ca: config.caCert });
    this.agent = this.tls ? new Agent({ keepAlive: true, maxSockets: 16, secureContext: this.tls }) : new HttpAgent({ keepAlive: true, maxSockets: 16 });
    this.send = config.socketPath ? (httpRequest as typeof request) : request;
  }

  close(): void {
    this.agent.destroy();
  }

  /** `secureContext` reaches tls.connect, though https' option types do not list it. */
  private options(method: string, path: string, headers: Record<string, string | number>, agent: Agent | HttpAgent | false = this.agent): RequestOptions & { secureContext?: SecureContext } {
    const common = { path, method, agent: agent as Agent | false, headers: { Authorization: `Bearer ${this.config.token}`, Accept: 'application/json', 'User-Agent': this.userAgent, ...headers } };
    if (this.config.socketPath) return { ...common, socketPath: this.config.socketPath, headers: { ...common.headers, Host: this.url.host } };
    return { ...common, host: this.url.hostname.replace(/^\[|\]$/g, ''), port: this.url.port || 443, secureContext: this.tls };
  }

  /** One request; non-2xx answers become ApiError carrying the Status reason. */
  async request<T = any>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const headers: Record<string, string | number> = data !== undefined ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(data) } : {};
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = this.send(this.options(method, path, headers), (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.end(data);
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
    // Watches get their own connection so a long stream never blocks short requests.
    const req = this.send(this.options('GET', path, {}, false), (res) => {
      if ((res.statusCode ?? 0) >= 300) {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          let reason = '', msg = `watch ${path}: HTTP ${res.statusCode}`;
          try { const s = JSON.parse(text); reason = s.reason; msg = s.message ?? msg; } catch { /* keep default */ }
          finish(new ApiError(res.statusCode ?? 0, reason, msg));
        });
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
          try { onEvent(JSON.parse(line) as WatchEventRaw); } catch (e) { finish(e as Error); req.destroy(); return; }
        }
      });
      res.on('end', () => finish());
      res.on('error', (e) => finish(e));
    });
    req.on('error', (e) => finish(e));
    req.end();
    return { close: () => { closed = true; req.destroy(); } };
  }
}
