import { join } from 'node:path';
import type { Backend } from './backend.js';
import { SqliteBackend } from './sqlite/sqlite-backend.js';

const FORMS = "'sqlite://<path>' (default <data-dir>/state.db) or 'etcd://host:port[,host:port...]'";

/**
 * Chooses the datastore from a --datastore URL. The backend is returned unstarted.
 * The etcd client (gRPC) loads only when asked for: it is a sizeable share of memory.
 */
export async function openBackend(datastoreUrl: string | undefined, dataDir: string): Promise<Backend> {
  if (datastoreUrl === undefined || datastoreUrl === '') return new SqliteBackend(join(dataDir, 'state.db'));
  if (datastoreUrl.startsWith('sqlite://')) {
    const path = datastoreUrl.slice('sqlite://'.length);
    return new SqliteBackend(path === '' ? join(dataDir, 'state.db') : path);
  }
  if (datastoreUrl.startsWith('etcd://')) {
    const endpoints = parseEtcdEndpoints(datastoreUrl);
    const { EtcdBackend } = await import('./etcd/etcd-backend.js');
    return new EtcdBackend(endpoints);
  }
  throw new Error(`unsupported datastore URL ${JSON.stringify(datastoreUrl)}: expected ${FORMS}`);
}

export function parseEtcdEndpoints(url: string): string[] {
  const hosts = url.slice('etcd://'.length).replace(/\/+$/, '').split(',').map((h) => h.trim());
  const bad = hosts.filter((h) => !/^[^\s/:,]+:\d{1,5}$/.test(h) && !/^\[[0-9a-fA-F:.]+\]:\d{1,5}$/.test(h));
  if (hosts.length === 0 || bad.length > 0) {
    throw new Error(`invalid etcd datastore URL ${JSON.stringify(url)}: expected ${FORMS}`);
  }
  return hosts.map((h) => `http://${h}`);
}
