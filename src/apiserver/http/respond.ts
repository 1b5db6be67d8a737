import type { ServerResponse } from 'node:http';
import { StatusError, Errors } from '../../api/status.js';
import { StorageError } from '../../storage/backend.js';

export function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json', warnings: string[] = []): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string | string[]> = { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private' };
  if (warnings.length) headers.Warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  res.writeHead(code, headers);
  res.end(text);
}

export function toStatusError(e: unknown): StatusError {
  if (e instanceof StatusError) return e;
  if (e instanceof StorageError) {
    if (e.code === 'Unavailable') return Errors.serviceUnavailable(`storage is unavailable: ${e.message}`);
    if (e.code === 'Compacted') return Errors.gone(e.message);
  }
  const msg = e instanceof Error ? e.message : String(e);
  return Errors.internal(msg);
}

export function sendError(res: ServerResponse, e: unknown): void {
  const se = toStatusError(e);
  if (se.code >= 500) console.error('kubesvc apiserver:', e instanceof Error ? e.stack : e);
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, se.code, se.toStatus());
}
