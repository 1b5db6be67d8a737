// Keeps one ResourceCache per resource current from a single storage watch on
// /registry/, and lets writers wait until their revision is visible, which gives
// read-your-writes for lists and gets.

import type { Backend, WatchEvent, Watcher } from '../../storage/backend.js';
import type { KubeObject } from '../../api/object.js';
import { fieldsFor } from '../../api/selectors/field-labels.js';
import { resources, resourcePrefix, type ResourceDef } from '../resources.js';
import { ResourceCache, CacheEvent, type CachedItem } from './resource-cache.js';

const HISTORY_PER_RESOURCE = 20000;

/** How many writes of this process may wait for their storage event (see storing). */
const MAX_PENDING_WRITES = 1000;

/** The cached form of a stored value at a revision; `decoded` is value already decoded (the cacher's to change). */
export function makeItem(r: ResourceDef, key: string, value: string, revision: number, decoded?: KubeObject): CachedItem {
  const obj = decoded ?? (JSON.parse(value) as KubeObject);
  obj.metadata ??= {};
  obj.metadata.resourceVersion = String(revision);
  const { apiVersion, kind, metadata, ...rest } = obj;
  const json = JSON.stringify({ apiVersion, kind, metadata, ...rest });
  const bodyAt = json.indexOf('"metadata":');
  // A writer's labels may be shared with objects it still holds; the cache's must not change.
  const labels = decoded && metadata.labels ? { ...metadata.labels } : metadata.labels;
  const owners = metadata.ownerReferences?.length ? metadata.ownerReferences.map((o) => o.uid) : undefined;
  return { key, json, bodyAt: bodyAt > 0 ? bodyAt : 1, labels, fields: fieldsFor(r.plural, obj), revision, uid: metadata.uid, ownerUids: owners, deleting: !!metadata.deletionTimestamp };
}

export class Cacher {
  private readonly caches = new Map<string, ResourceCache>();
  private readonly prefixes: { prefix: string; cache: ResourceCache; r: ResourceDef }[] = [];
  private revision = 0;
  private waiters: { rev: number; resolve: () => void }[] = [];
  private watcher: Watcher | undefined;
  private failed: Error | undefined;
  private readonly pendingWrites = new Map<string, { value: string; obj: KubeObject }>();

  constructor(private readonly backend: Backend) {}

  /**
   * Encodes obj for a write of this process under key. When the storage watch brings that value
   * back, the cache takes obj instead of decoding it again (one JSON parse less per write); the
   * writer must not change obj afterwards.
   */
  storing(key: string, obj: KubeObject): string {
    const value = JSON.stringify(obj);
    // Failed writes leave theirs behind; a bound keeps them from piling up.
    if (this.pendingWrites.size >= MAX_PENDING_WRITES) this.pendingWrites.clear();
    this.pendingWrites.set(key, { value, obj });
    return value;
  }

  async start(): Promise<void> {
    const listed = await this.backend.list('/registry/');
    this.revision = listed.revision;
    for (const r of resources) {
      const c = new ResourceCache(HISTORY_PER_RESOURCE, listed.revision);
      this.caches.set(r.plural + '.' + r.group, c);
      this.prefixes.push({ prefix: resourcePrefix(r), cache: c, r });
    }
    for (const kv of listed.items) {
      const p = this.entryFor(kv.key);
      if (p) p.cache.load(makeItem(p.r, kv.key, kv.value, kv.modRevision));
    }
    this.watcher = this.backend.watch('/registry/', listed.revision, (e) => this.onEvent(e), (err) => {
      this.failed = err;
      console.error(`kubesvc: storage watch failed: ${err.message}`);
    });
  }

  stop(): void {
    this.watcher?.close();
    for (const w of this.waiters) w.resolve();
    this.waiters = [];
  }

  get currentRevision(): number {
    return this.revision;
  }

  get healthy(): boolean {
    return !this.failed;
  }

  of(r: ResourceDef): ResourceCache {
    return this.caches.get(r.plural + '.' + r.group)!;
  }

  private entryFor(key: string): { cache: ResourceCache; r: ResourceDef } | undefined {
    for (const p of this.prefixes) if (key.startsWith(p.prefix)) return p;
    return undefined;
  }

  private onEvent(e: WatchEvent): void {
    const rev = e.kv.modRevision;
    const p = this.entryFor(e.kv.key);
    if (p) {
      const key = e.kv.key;
      const prev = p.cache.getItem(key);
      const mine = this.pendingWrites.get(key);
      if (mine) this.pendingWrites.delete(key);
      // A deleted object carries the revision of its deletion, as watch clients expect.
      const item = e.type === 'delete'
        ? makeItem(p.r, key, (e.prevKv ?? e.kv).value, rev)
        : makeItem(p.r, key, e.kv.value, rev, mine && mine.value === e.kv.value ? mine.obj : undefined);
      const type = e.type === 'delete' ? 'DELETED' : e.type === 'create' ? 'ADDED' : 'MODIFIED';
      p.cache.apply(new CacheEvent(type, item, prev, rev));
    }
    if (rev > this.revision) this.revision = rev;
    if (this.waiters.length) {
      const ready = this.waiters.filter((w) => w.rev <= this.revision);
      this.waiters = this.waiters.filter((w) => w.rev > this.revision);
      for (const w of ready) w.resolve();
    }
  }

  waitFor(rev: number, timeoutMs = 5000): Promise<void> {
    if (rev <= this.revision) return Promise.resolve();
    return new Promise((resolve) => {
      const w = { rev, resolve };
      this.waiters.push(w);
      setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        resolve();
      }, timeoutMs).unref();
    });
  }
}
