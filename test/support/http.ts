// Raw HTTPS access to a kubesvc API server for tests: plain requests with the
// server's CA and bearer token, and a line-oriented watch stream reader.
import { Agent, request as httpsRequest } from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { loadKubeconfig } from '../../src/client/rest.js';

export interface ApiTarget {
  url: string;
  caCert: string;
  token: string;
}

/** The server, CA and bearer token of a kubeconfig that kubesvc wrote. */
export function kubeconfigTarget(path: string): ApiTarget {
  const { server, caCert, token } = loadKubeconfig(path);
  return { url: server, caCert, token };
}

export interface ApiResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** Parsed body; throws with the raw text if it is not JSON. */
  json<T = Record<string, unknown>>(): T;
}

export interface RequestOptions {
  body?: string | Buffer | object;
  contentType?: string;
  /** undefined: the server's token; null: no Authorization header; a string: that token. */
  token?: string | null;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export interface StatusBody {
  kind: string;
  apiVersion: string;
  metadata: Record<string, unknown>;
  status: string;
  message: string;
  reason: string;
  details?: { name?: string; group?: string; kind?: string; causes?: { reason?: string; message?: string; field?: string }[] };
  code: number;
}

export interface WatchEventLine<T = Record<string, unknown>> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

export function apiClient(target: ApiTarget) {
  const agent = new Agent({ ca: target.caCert, keepAlive: true, maxSockets: 32 });

  function headersFor(o: RequestOptions, hasBody: boolean): Record<string, string> {
    const h: Record<string, string> = { Accept: 'application/json', ...o.headers };
    const token = o.token === undefined ? target.token : o.token;
    if (token !== null) h.Authorization = `Bearer ${token}`;
    if (hasBody) h['Content-Type'] = o.contentType ?? 'application/json';
    return h;
  }

  function encode(body: RequestOptions['body']): Buffer | undefined {
    if (body === undefined) return undefined;
    if (Buffer.isBuffer(body)) return body;
    return Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  }

  function request(method: string, path: string, o: RequestOptions = {}): Promise<ApiResponse> {
    const payload = encode(o.body);
    const url = new URL(path, target.url);
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        url,
        { method, agent, headers: { ...headersFor(o, payload !== undefined), ...(payload ? { 'Content-Length': String(payload.length) } : {}) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text,
              json<T>(): T {
                try {
                  return JSON.parse(text) as T;
                } catch {
                  throw new Error(`${method} ${path}: response is not JSON (HTTP ${res.statusCode}): ${text.slice(0, 500)}`);
                }
              },
            });
          });
          res.on('error', reject);
        },
      );
      req.setTimeout(o.timeoutMs ?? 30_000, () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /**
   * Opens a watch (path must already carry watch=true). Events are queued as they
   * arrive; next() waits for the next one, or resolves undefined once the stream ended.
   */
  function watch(path: string, o: RequestOptions = {}): Promise<WatchStream> {
    const url = new URL(path, target.url);
    return new Promise((resolve, reject) => {
      const req = httpsRequest(url, { method: 'GET', agent: new Agent({ ca: target.caCert }), headers: headersFor(o, false) }, (res) => {
        resolve(new WatchStream(res, () => req.destroy()));
      });
      req.on('error', reject);
      req.end();
    });
  }

  return { request, watch, close: () => agent.destroy() };
}

export class WatchStream {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  private queue: WatchEventLine[] = [];
  private waiters: ((e: WatchEventLine | undefined) => void)[] = [];
  private partial = '';
  ended = false;
  endedAt = 0;
  /** Raw text when the response is not a stream of events (e.g. an error Status). */
  raw = '';
  readonly done: Promise<void>;

  constructor(private readonly res: IncomingMessage, private readonly abort: () => void) {
    this.status = res.statusCode ?? 0;
    this.headers = res.headers;
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      this.raw += chunk;
      const lines = (this.partial + chunk).split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) this.push(JSON.parse(line) as WatchEventLine);
    });
    this.done = new Promise((resolve) => {
      const finish = (): void => {
        if (this.ended) return;
        if (this.partial.trim()) {
          try {
            this.push(JSON.parse(this.partial) as WatchEventLine);
          } catch {
            // a non-JSON tail; left in raw
          }
        }
        this.ended = true;
        this.endedAt = Date.now();
        for (const w of this.waiters.splice(0)) w(undefined);
        resolve();
      };
      res.on('end', finish);
      res.on('close', finish);
      res.on('error', finish);
    });
  }

  private push(e: WatchEventLine): void {
    const w = this.waiters.shift();
    if (w) w(e);
    else this.queue.push(e);
  }

  /** The next event, or undefined if the stream ended; rejects after timeoutMs. */
  next(timeoutMs = 5000): Promise<WatchEventLine | undefined> {
    const q = this.queue.shift();
    if (q) return Promise.resolve(q);
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no watch event within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (e: WatchEventLine | undefined): void => {
        clearTimeout(timer);
        resolve(e);
      };
      this.waiters.push(waiter);
    });
  }

  /** Collects events until the predicate matches one (inclusive) or timeoutMs passes. */
  async until(pred: (e: WatchEventLine) => boolean, timeoutMs = 5000): Promise<WatchEventLine[]> {
    const seen: WatchEventLine[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`watch: condition not met within ${timeoutMs} ms; saw ${JSON.stringify(seen.map(describeEvent))}`);
      const e = await this.next(left).catch(() => undefined);
      if (!e) {
        if (this.ended) throw new Error(`watch ended before the condition was met; saw ${JSON.stringify(seen.map(describeEvent))}`);
        continue;
      }
      seen.push(e);
      if (pred(e)) return seen;
    }
  }

  /** Events that arrive within ms (the stream stays open). */
  async drain(ms: number): Promise<WatchEventLine[]> {
    const out: WatchEventLine[] = [];
    const deadline = Date.now() + ms;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) return out;
      const e = await this.next(left).catch(() => undefined);
      if (!e) {
        if (this.ended) return out;
        continue;
      }
      out.push(e);
    }
  }

  close(): void {
    this.abort();
    this.res.destroy();
  }
}

export function describeEvent(e: WatchEventLine): string {
  const m = (e.object as { metadata?: { name?: string; resourceVersion?: string } }).metadata;
  return `${e.type} ${m?.name ?? ''}@${m?.resourceVersion ?? ''}`;
}

export function nameOf(e: WatchEventLine): string | undefined {
  return (e.object as { metadata?: { name?: string } }).metadata?.name;
}

export function rvOf(o: unknown): number {
  return Number((o as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion);
}
