// Keeps one ResourceCache per resource current from a single storage watch on
// /registry/, and lets writers wait until their revision is visible, which gives
// read-your-writes for lists and gets.

import type { Backend, KeyValue, WatchEvent, Watcher } from '../../storage/backend.js';
import type { KubeObject } from '../../api/object.js';
import { resources, resourcePrefix, type ResourceDef } from '../resources.js';
import { ResourceCache, type CacheEvent } from './resource-cache.js';

const HISTORY_PER_RESOURCE = 20000;

export function decodeStored(kv: KeyValue): KubeObject {
  const obj = JSON.parse(kv.value) as KubeObject;
  obj.metadata.resourceVersion = String(kv.modRevision);
  return obj;
}

export class Cacher {
  private readonly caches = new Map<string, ResourceCache>();
  private readonly prefixes: { prefix: string; cache: ResourceCache }[] = [];
  private revision = 0;
  private waiters: { rev: number; resolve: () => void }[] = [];
  private watcher: Watcher | undefined;
  private failed: Error | undefined;

  constructor(private readonly backend: Backend) {}

  async start(): Promise<void> {
    const listed = await this.backend.list('/registry/');
    this.revision = listed.revision;
    for (const r of resources) {
      const c = new ResourceCache(HISTORY_PER_RESOURCE, listed.revision);
      this.caches.set(r.plural + '.' + r.group, c);
      this.prefixes.push({ prefix: resourcePrefix(r), cache: c });
    }
    for (const kv of listed.items) this.cacheFor(kv.key)?.load(kv.key, decodeStored(kv));
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

  private cacheFor(key: string): ResourceCache | undefined {
    for (const p of this.prefixes) if (key.startsWith(p.prefix)) return p.cache;
    return undefined;
  }

  private onEvent(e: WatchEvent): void {
    const rev = e.kv.modRevision;
    const cache = this.cacheFor(e.kv.key);
    if (cache) {
      const ev: CacheEvent =
        e.type === 'delete'
          ? { type: 'DELETED', object: this.deletedObject(e), prevObject: cache.get(e.kv.key), revision: rev }
          : { type: e.type === 'create' ? 'ADDED' : 'MODIFIED', object: decodeStored(e.kv), prevObject: e.prevKv ? cache.get(e.kv.key) : undefined, revision: rev };
      cache.apply(e.kv.key, ev);
    }
    if (rev > this.revision) this.revision = rev;
    if (this.waiters.length) {
      const ready = this.waiters.filter((w) => w.rev <= this.revision);
      this.waiters = this.waiters.filter((w) => w.rev > this.revision);
      for (const w of ready) w.resolve();
    }
  }

  /** A deleted object carries the revision of its deletion, as watch clients expect. */
  private deletedObject(e: WatchEvent): KubeObject {
    const prev = e.prevKv ?? e.kv;
    const obj = JSON.parse(prev.value) as KubeObject;
    obj.metadata.resourceVersion = String(e.kv.modRevision);
    return obj;
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
