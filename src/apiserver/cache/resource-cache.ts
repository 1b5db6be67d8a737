// In-memory state and recent history of one resource, fed by the storage watch.
// Lists and watches are served from here (as kube-apiserver's cacher does), so
// the datastore only sees writes.

import type { KubeObject } from '../../api/object.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface CacheEvent {
  type: EventType;
  object: KubeObject;
  prevObject?: KubeObject;
  revision: number;
}

export interface CacheWatcher {
  deliver(e: CacheEvent): void;
}

export class ResourceCache {
  private readonly items = new Map<string, KubeObject>();
  private sortedKeys: string[] | undefined;
  private readonly history: CacheEvent[] = [];
  private historyStart = 0; // index of the oldest retained event (ring as a moving window)
  private readonly watchers = new Set<CacheWatcher>();
  /** Events at or below this revision cannot be replayed. */
  private oldestReplayable: number;

  constructor(private readonly capacity: number, initialRevision: number) {
    this.oldestReplayable = initialRevision;
  }

  load(key: string, obj: KubeObject): void {
    this.items.set(key, obj);
    this.sortedKeys = undefined;
  }

  get(key: string): KubeObject | undefined {
    return this.items.get(key);
  }

  get size(): number {
    return this.items.size;
  }

  /** Live objects under the key prefix, in key order. */
  list(prefix: string): KubeObject[] {
    if (!this.sortedKeys) this.sortedKeys = [...this.items.keys()].sort();
    const keys = this.sortedKeys;
    let lo = 0, hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid] < prefix) lo = mid + 1; else hi = mid;
    }
    const out: KubeObject[] = [];
    for (let i = lo; i < keys.length && keys[i].startsWith(prefix); i++) out.push(this.items.get(keys[i])!);
    return out;
  }

  apply(key: string, e: CacheEvent): void {
    if (e.type === 'DELETED') {
      this.items.delete(key);
      this.sortedKeys = undefined;
    } else {
      if (!this.items.has(key)) this.sortedKeys = undefined;
      this.items.set(key, e.object);
    }
    this.history.push(e);
    if (this.history.length - this.historyStart > this.capacity) {
      this.oldestReplayable = this.history[this.historyStart].revision;
      this.historyStart++;
      if (this.historyStart > this.capacity) {
        this.history.splice(0, this.historyStart);
        this.historyStart = 0;
      }
    }
    for (const w of this.watchers) w.deliver(e);
  }

  /** Events newer than revision, or undefined when that history was dropped. */
  eventsSince(revision: number): CacheEvent[] | undefined {
    if (revision < this.oldestReplayable) return undefined;
    const out: CacheEvent[] = [];
    for (let i = this.history.length - 1; i >= this.historyStart; i--) {
      if (this.history[i].revision <= revision) break;
      out.push(this.history[i]);
    }
    return out.reverse();
  }

  /**
   * The objects under prefix as they were at `revision`, rebuilt by undoing newer
   * history; undefined when that history is gone. keyOf maps an object to its key.
   */
  snapshotAt(revision: number, prefix: string, keyOf: (o: KubeObject) => string): KubeObject[] | undefined {
    const newer = this.eventsSince(revision);
    if (!newer) return undefined;
    if (!newer.length) return this.list(prefix);
    const state = new Map<string, KubeObject>();
    for (const o of this.list(prefix)) state.set(keyOf(o), o);
    for (let i = newer.length - 1; i >= 0; i--) {
      const e = newer[i];
      const k = keyOf(e.object);
      if (!k.startsWith(prefix)) continue;
      if (e.type === 'ADDED') state.delete(k);
      else if (e.prevObject) state.set(k, e.prevObject);
      else state.delete(k);
    }
    return [...state.keys()].sort().map((k) => state.get(k)!);
  }

  get oldestRevision(): number {
    return this.oldestReplayable;
  }

  subscribe(w: CacheWatcher): () => void {
    this.watchers.add(w);
    return () => this.watchers.delete(w);
  }
}
