// Watch streams: newline-delimited {"type","object"} events over a chunked
// response, with Kubernetes' resourceVersion semantics.
import type { ServerResponse } from 'node:http';
import { Errors } from '../../api/status.js';
import type { Cacher } from '../cache/cacher.js';
import { parseItem, type CacheEvent, type CachedItem } from '../cache/resource-cache.js';
import { apiVersionOf, resourcePrefix, type ResourceDef } from '../resources.js';
import type { ItemFilter } from './filter.js';
import { toTable, partialMetadata, type IncludeObject } from './table.js';
import { TABLE_CONTENT_TYPE, type Representation } from './negotiate.js';

export interface WatchParams {
  namespace?: string;
  filter?: ItemFilter;
  resourceVersion?: string;
  timeoutSeconds?: number;
  bookmarks: boolean;
  sendInitialEvents: boolean;
  representation: Representation;
  include: IncludeObject;
  bookmarkIntervalMs?: number;
}

type WireType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

// Cached items are immutable, so one encoding per (item, event type) serves every watcher.
const encoded = new WeakMap<CachedItem, Partial<Record<WireType, string>>>();

function encodedEvent(type: WireType, item: CachedItem): string {
  let m = encoded.get(item);
  if (!m) encoded.set(item, (m = {}));
  return (m[type] ??= `{"type":"${type}","object":${item.json}}\n`);
}

export function serveWatch(res: ServerResponse, r: ResourceDef, cacher: Cacher, p: WatchParams): void {
  const cache = cacher.of(r);
  const prefix = resourcePrefix(r, p.namespace);
  const matches = (i: CachedItem | undefined): boolean => !!i && i.key.startsWith(prefix) && (!p.filter || p.filter(i));

  let headersSent = false;
  const write = (type: WireType, item: CachedItem): void => {
    if (p.representation === 'table') {
      res.write(JSON.stringify({ type, object: toTable(r, [parseItem(item)], {}, p.include, !headersSent) }) + '\n');
      headersSent = true;
    } else if (p.representation === 'partial-metadata') {
      res.write(JSON.stringify({ type, object: partialMetadata(parseItem(item)) }) + '\n');
    } else {
      res.write(encodedEvent(type, item));
    }
  };
  const writeControl = (type: 'BOOKMARK' | 'ERROR', object: unknown): void => {
    res.write(JSON.stringify({ type, object }) + '\n');
  };

  res.writeHead(200, {
    'Content-Type': p.representation === 'table' ? TABLE_CONTENT_TYPE : 'application/json',
    'Cache-Control': 'no-cache, private',
  });
  res.flushHeaders();

  let lastRevision = cacher.currentRevision;
  const bookmark = (extra?: Record<string, string>): void => {
    const meta: Record<string, unknown> = { resourceVersion: String(lastRevision) };
    if (extra) meta.annotations = extra;
    writeControl('BOOKMARK', { kind: r.kind, apiVersion: apiVersionOf(r), metadata: meta });
  };

  function deliver(e: CacheEvent): void {
    if (e.revision > lastRevision) lastRevision = e.revision;
    if (e.type === 'ADDED') {
      if (matches(e.item)) write('ADDED', e.item);
    } else if (e.type === 'DELETED') {
      if (matches(e.item)) write('DELETED', e.item);
    } else {
      const now = matches(e.item);
      const before = e.prevItem ? matches(e.prevItem) : now;
      if (now && before) write('MODIFIED', e.item);
      else if (now) write('ADDED', e.item);
      else if (before) write('DELETED', e.item);
    }
  }

  const rv = p.resourceVersion;
  const fromStart = rv === undefined || rv === '' || rv === '0' || p.sendInitialEvents;
  // Initial state and subscription happen in one synchronous step, so no event falls between.
  if (fromStart) {
    for (const i of cache.listItems(prefix)) if (!p.filter || p.filter(i)) write('ADDED', i);
    if (p.sendInitialEvents && p.bookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
  } else {
    const from = Number(rv);
    if (!Number.isInteger(from) || from < 0) {
      writeControl('ERROR', Errors.badRequest(`invalid resource version: ${rv}`).toStatus());
      res.end();
      return;
    }
    const replay = cache.eventsSince(from);
    if (!replay) {
      writeControl('ERROR', Errors.gone(`too old resource version: ${from} (${cache.oldestRevision})`).toStatus());
      res.end();
      return;
    }
    for (const e of replay) deliver(e);
  }

  const unsubscribe = cache.subscribe({ deliver });
  const timers: NodeJS.Timeout[] = [];
  const finish = (): void => {
    unsubscribe();
    for (const t of timers) clearTimeout(t);
    if (!res.writableEnded) res.end();
  };
  const freshBookmark = (): void => {
    // Every event of this resource up to the global revision has been delivered synchronously.
    lastRevision = Math.max(lastRevision, cacher.currentRevision);
    bookmark();
  };
  if (p.timeoutSeconds && p.timeoutSeconds > 0) {
    const ms = p.timeoutSeconds * 1000;
    // A bookmark shortly before the server ends the watch lets the client resume from there.
    if (p.bookmarks) timers.push(setTimeout(freshBookmark, Math.max(0, ms - Math.min(2000, ms / 2))));
    timers.push(setTimeout(finish, ms));
  }
  if (p.bookmarks) timers.push(setInterval(freshBookmark, p.bookmarkIntervalMs ?? 15000));
  res.on('close', finish);
}
