// In-memory state and recent history of one resource, fed by the storage watch.
// Lists and watches are served from here (as kube-apiserver's cacher does), so
// the datastore only sees writes. Objects are kept as their JSON encoding plus the
// few fields selectors need: lists and watch events are written without
// re-encoding, and memory stays proportional to the stored bytes.

import type { KubeObject } from '../../api/object.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface CachedItem {
  readonly key: string;
  /** The whole object, apiVersion, kind and metadata first, resourceVersion set. */
  readonly json: string;
  /** Offset of `"metadata"` in json: a typed list's item is `{` + json.slice(bodyAt). */
  readonly bodyAt: number;
  readonly labels: Record<string, string> | undefined;
  /** Field-selector values (metadata.name, spec.nodeName, ...). */
  readonly fields: Record<string, string>;
  readonly revision: number;
  /** What the garbage collector indexes, so it never decodes an event's object. */
  readonly uid: string | undefined;
  /** uids of metadata.ownerReferences; undefined when there are none. */
  readonly ownerUids: readonly string[] | undefined;
  /** metadata.deletionTimestamp is set. */
  readonly deleting: boolean;
}

export const parseItem = (i: CachedItem): KubeObject => JSON.parse(i.json) as KubeObject;

// An object decoded for a write's answer keeps its cached JSON beside it, so the answer is sent
// without encoding it again (a pod is encoded once per write otherwise, three writes per pod start).
const encodings = new WeakMap<KubeObject, string>();

/** The cached JSON an object was decoded from by getForAnswer, if it came that way. */
export const encodingOf = (o: KubeObject): string | undefined => encodings.get(o);

export class CacheEvent {
  constructor(
    readonly type: EventType,
    readonly item: CachedItem,
    readonly prevItem: CachedItem | undefined,
    readonly revision: number,
  ) {}

  /** A fresh decoding per call: subscribers may keep or change it freely. */
  get object(): KubeObject {
    return parseItem(this.item);
  }

  get prevObject(): KubeObject | undefined {
    return this.prevItem && parseItem(this.prevItem);
  }
}

export interface CacheWatcher {
  deliver(e: CacheEvent): void;
}

export class ResourceCache {
  private readonly items = new Map<string, CachedItem>();
  private sortedKeys: string[] | undefined;
  private readonly history: CacheEvent[] = [];
  private historyStart = 0; // index of the oldest retained event (a moving window)
  private readonly watchers = new Set<CacheWatcher>();
  /** Events at or below this revision cannot be replayed. */
  private oldestReplayable: number;

  constructor(private readonly capacity: number, initialRevision: number) {
    this.oldestReplayable = initialRevision;
  }

  load(item: CachedItem): void {
    this.items.set(item.key, item);
    this.sortedKeys = undefined;
  }

  getItem(key: string): CachedItem | undefined {
    return this.items.get(key);
  }

  get(key: string): KubeObject | undefined {
    const i = this.items.get(key);
    return i && parseItem(i);
  }

  /** get() for an object sent back unchanged as a write's answer (see encodingOf); nothing may change it. */
  getForAnswer(key: string): KubeObject | undefined {
    const i = this.items.get(key);
    if (!i) return undefined;
    const o = parseItem(i);
    encodings.set(o, i.json);
    return o;
  }

  get size(): number {
    return this.items.size;
  }

  /** Live items under the key prefix, in key order. */
  listItems(prefix: string): CachedItem[] {
    if (!this.sortedKeys) this.sortedKeys = [...this.items.keys()].sort();
    const keys = this.sortedKeys;
    let lo = 0, hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid] < prefix) lo = mid + 1; else hi = mid;
    }
    const out: CachedItem[] = [];
    for (let i = lo; i < keys.length && keys[i].startsWith(prefix); i++) out.push(this.items.get(keys[i])!);
    return out;
  }

  list(prefix: string): KubeObject[] {
    return this.listItems(prefix).map(parseItem);
  }

  apply(e: CacheEvent): void {
    const key = e.item.key;
    if (e.type === 'DELETED') {
      this.items.delete(key);
      this.sortedKeys = undefined;
    } else {
      if (!this.items.has(key)) this.sortedKeys = undefined;
      this.items.set(key, e.item);
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
   * The items under prefix as they were at `revision`, rebuilt by undoing newer
   * history; undefined when that history is gone.
   */
  snapshotAt(revision: number, prefix: string): CachedItem[] | undefined {
    const newer = this.eventsSince(revision);
    if (!newer) return undefined;
    if (!newer.length) return this.listItems(prefix);
    const state = new Map<string, CachedItem>();
    for (const i of this.listItems(prefix)) state.set(i.key, i);
    for (let i = newer.length - 1; i >= 0; i--) {
      const e = newer[i];
      if (!e.item.key.startsWith(prefix)) continue;
      if (e.type === 'ADDED' || !e.prevItem) state.delete(e.item.key);
      else state.set(e.item.key, e.prevItem);
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
