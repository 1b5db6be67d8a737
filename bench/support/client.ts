// A small HTTPS client for benchmarks: keep-alive, bearer token, JSON bodies.
import { Agent, request } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BenchClient {
  call(method: string, path: string, body?: unknown, contentType?: string): Promise<{ status: number; body: string }>;
  stream(path: string, onLine: (line: string) => void): { close(): void };
  agent: Agent;
}

export function benchClient(base: string, dataDir: string, maxSockets = 8): BenchClient {
  const ca = readFileSync(join(dataDir, 'pki', 'ca.crt'));
  const token = readFileSync(join(dataDir, 'pki', 'admin.token'), 'utf8').trim();
  const agent = new Agent({ keepAlive: true, maxSockets, ca });
  const url = new URL(base);
  const headers = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
  return {
    agent,
    call(method, path, body, contentType = 'application/json') {
      return new Promise((resolve, reject) => {
        const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
        const req = request({ host: url.hostname, port: url.port, path, method, agent, headers: { ...headers, ...(data ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(data) } : {}) } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        });
        req.on('error', reject);
        req.end(data);
      });
    },
    stream(path, onLine) {
      const streamAgent = new Agent({ keepAlive: false, ca });
      const req = request({ host: url.hostname, port: url.port, path, method: 'GET', agent: streamAgent, headers }, (res) => {
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          buf += c;
          let i;
          while ((i = buf.indexOf('\n')) >= 0) {
            onLine(buf.slice(0, i));
            buf = buf.slice(i + 1);
          }
        });
      });
      req.on('error', () => {});
      req.end();
      return { close: () => { req.destroy(); streamAgent.destroy(); } };
    },
  };
}

export function percentile(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (i < items.length) await fn(items[i++]);
  }));
}

export const fmt = (ms: number): string => `${ms.toFixed(2)} ms`;
