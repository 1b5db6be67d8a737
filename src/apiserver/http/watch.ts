// Watch streams: newline-delimited {"type","object"} events over a chunked
// response, with Kubernetes' resourceVersion semantics.
import type { ServerResponse } from 'node:http';
import type { KubeObject } from '../../api/object.js';
import { Errors } from '../../api/status.js';
import type { Cacher } from '../cache/cacher.js';
import type { CacheEvent } from '../cache/resource-cache.js';
import { apiVersionOf, resourcePrefix, type ResourceDef } from '../resources.js';
import type { ObjectFilter } from './filter.js';
import { toTable, partialMetadata, type IncludeObject } from './table.js';
import { TABLE_CONTENT_TYPE, type Representation } from './negotiate.js';

export interface WatchParams {
  namespace?: string;
  filter?: ObjectFilter;
  resourceVersion?: string;
  timeoutSeconds?: number;
  bookmarks: boolean;
  sendInitialEvents: boolean;
  representation: Representation;
  include: IncludeObject;
  bookmarkIntervalMs?: number;
}

type WireType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

// Cached objects are immutable, so one encoding per (object, event type) serves every watcher.
const encoded = new WeakMap<KubeObject, Partial<Record<WireType, string>>>();

function encodedEvent(type: WireType, obj: KubeObject): string {
  let m = encoded.get(obj);
  if (!m) encoded.set(obj, (m = {}));
  return (m[type] ??= JSON.stringify({ type, object: obj }) + '\n');
}

export function serveWatch(res: ServerResponse, r: ResourceDef, cacher: Cacher, p: WatchParams): void {
  const cache = cacher.of(r);
  const prefix = resourcePrefix(r, p.namespace);
  const matches = (o: KubeObject | undefined): boolean =>
    !!o && (!p.namespace || o.metadata.namespace === p.namespace) && (!p.filter || p.filter(o));

  let headersSent = false;
  const write = (type: WireType, object: unknown): void => {
    if (p.representation === 'json' && (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED')) {
      res.write(encodedEvent(type, object as KubeObject));
      return;
    }
    let payload = object;
    if (p.representation === 'table' && type !== 'ERROR' && type !== 'BOOKMARK') {
      payload = toTable(r, [object as KubeObject], {}, p.include, !headersSent);
      headersSent = true;
    } else if (p.representation === 'partial-metadata' && type !== 'ERROR' && type !== 'BOOKMARK') {
      payload = partialMetadata(object as KubeObject);
    }
    res.write(JSON.stringify({ type, object: payload }) + '\n');
  };

  res.writeHead(200, {
    'Content-Type': p.representation === 'table' ? TABLE_CONTENT_TYPE : 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  res.flushHeaders();

  let lastRevision = cacher.currentRevision;
  const bookmark = (extra?: Record<string, string>): void => {
    const meta: Record<string, unknown> = { resourceVersion: String(lastRevision) };
    if (extra) meta.annotations = extra;
    write('BOOKMARK', { kind: r.kind, apiVersion: apiVersionOf(r), metadata: meta });
  };

  const rv = p.resourceVersion;
  const fromStart = rv === undefined || rv === '' || rv === '0' || p.sendInitialEvents;
  // Initial state and subscription happen in one synchronous step, so no event falls between.
  if (fromStart) {
    for (const o of cache.list(prefix)) if (matches(o)) write('ADDED', o);
    if (p.sendInitialEvents && p.bookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
  } else {
    const from = Number(rv);
    if (!Number.isInteger(from) || from < 0) {
      write('ERROR', Errors.badRequest(`invalid resource version: ${rv}`).toStatus());
      res.end();
      return;
    }
    const replay = cache.eventsSince(from);
    if (!replay) {
      write('ERROR', Errors.gone(`too old resource version: ${from} (${cache.oldestRevision})`).toStatus());
      res.end();
      return;
    }
    for (const e of replay) deliver(e);
  }

  function deliver(e: CacheEvent): void {
    if (e.revision > lastRevision) lastRevision = e.revision;
    if (e.type === 'ADDED') {
      if (matches(e.object)) write('ADDED', e.object);
    } else if (e.type === 'DELETED') {
      if (matches(e.object)) write('DELETED', e.object);
    } else {
      const now = matches(e.object);
      const before = e.prevObject ? matches(e.prevObject) : now;
      if (now && before) write('MODIFIED', e.object);
      else if (now) write('ADDED', e.object);
      else if (before) write('DELETED', e.object);
    }
  }

  const unsubscribe = cache.subscribe({ deliver });
  const timers: NodeJS.Timeout[] = [];
  const finish = (): void => {
    unsubscribe();
    for (const t of timers) clearTimeout(t);
    if (!res.writableEnded) res.end();
  };
  if (p.timeoutSeconds && p.timeoutSeconds > 0) {
    const ms = p.timeoutSeconds * 1000;
    // A bookmark shortly before the server ends the watch lets the client resume from there.
    if (p.bookmarks) timers.push(setTimeout(() => { lastRevision = Math.max(lastRevision, cacher.currentRevision); bookmark(); }, Math.max(0, ms - Math.min(2000, ms / 2))));
    timers.push(setTimeout(finish, ms));
  }
  if (p.bookmarks) {
    const iv = setInterval(() => {
      lastRevision = Math.max(lastRevision, cacher.currentRevision);
      bookmark();
    }, p.bookmarkIntervalMs ?? 15000);
    timers.push(iv);
  }
  res.on('close', finish);
}
