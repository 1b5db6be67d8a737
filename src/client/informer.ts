// List-then-watch with a local cache, as client-go's shared informer: handlers
// see add/update/delete; a broken watch resumes from the last resourceVersion,
// and an expired one (410) relists and reconciles the cache.
import type { KubeObject } from '../api/object.js';
import { ApiError, type RestClient, type WatchHandle, type WatchEventRaw } from './rest.js';
import { resourcePath, type ResourceRef } from './resources.js';

export interface InformerHandlers<T> {
  add?(obj: T): void;
  update?(oldObj: T, newObj: T): void;
  delete?(obj: T): void;
}

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Delay before re-establishing a failed watch. */
  retryMs?: number;
}

export const objectKey = (o: KubeObject): string => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name!);

export class Informer<T extends KubeObject = KubeObject> {
  private readonly items = new Map<string, T>();
  private readonly handlers: InformerHandlers<T>[] = [];
  private rv = '';
  private watchHandle: WatchHandle | undefined;
  private stopped = false;
  private synced = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly client: RestClient, readonly resource: ResourceRef, private readonly opts: InformerOptions = {}) {}

  on(h: InformerHandlers<T>): this {
    this.handlers.push(h);
    return this;
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  get resourceVersion(): string {
    return this.rv;
  }

  list(): T[] {
    return [...this.items.values()];
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.items.get(namespace ? `${namespace}/${name}` : name);
  }

  /** Resolves once the initial list is in the cache and handlers have seen it. */
  async start(): Promise<void> {
    await this.relist();
    this.synced = true;
    this.startWatch();
  }

  stop(): void {
    this.stopped = true;
    this.watchHandle?.close();
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }

  private query(extra: Record<string, string | undefined>): Record<string, string | undefined> {
    return { labelSelector: this.opts.labelSelector, fieldSelector: this.opts.fieldSelector, ...extra };
  }

  private async relist(): Promise<void> {
    const list = await this.client.get<{ metadata: { resourceVersion: string }; items: T[] }>(
      resourcePath(this.resource, this.opts.namespace, undefined, undefined, this.query({})),
    );
    const seen = new Set<string>();
    for (const raw of list.items) {
      const obj = { apiVersion: this.apiVersion(), kind: this.resource.kind, ...raw } as T;
      const k = objectKey(obj);
      seen.add(k);
      const old = this.items.get(k);
      this.items.set(k, obj);
      if (!old) this.emit('add', obj);
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.emit('update', obj, old);
    }
    for (const [k, old] of [...this.items]) {
      if (!seen.has(k)) {
        this.items.delete(k);
        this.emit('delete', old);
      }
    }
    this.rv = list.metadata.resourceVersion;
  }

  private apiVersion(): string {
    return this.resource.group ? `${this.resource.group}/${this.resource.version}` : this.resource.version;
  }

  private startWatch(): void {
    if (this.stopped) return;
    const path = resourcePath(this.resource, this.opts.namespace, undefined, undefined, this.query({ watch: 'true', resourceVersion: this.rv, allowWatchBookmarks: 'true' }));
    this.watchHandle = this.client.watch(path, (e) => this.onEvent(e), (err) => this.onWatchClosed(err));
  }

  private expired = false;

  private onEvent(e: WatchEventRaw): void {
    if (e.type === 'ERROR') {
      if (e.object?.code === 410) this.expired = true;
      return;
    }
    const rv = e.object?.metadata?.resourceVersion;
    if (e.type === 'BOOKMARK') {
      if (rv) this.rv = rv;
      return;
    }
    const obj = e.object as T;
    const k = objectKey(obj);
    const old = this.items.get(k);
    if (e.type === 'DELETED') {
      this.items.delete(k);
      this.emit('delete', old ?? obj);
    } else {
      this.items.set(k, obj);
      if (old) this.emit('update', obj, old);
      else this.emit('add', obj);
    }
    if (rv) this.rv = rv;
  }

  private onWatchClosed(err?: Error): void {
    if (this.stopped) return;
    const gone = this.expired || (err instanceof ApiError && err.status === 410);
    this.expired = false;
    const delay = err && !gone ? (this.opts.retryMs ?? 500) : 0;
    this.retryTimer = setTimeout(async () => {
      try {
        if (gone) await this.relist();
        this.startWatch();
      } catch {
        this.onWatchClosed(new Error('relist failed'));
      }
    }, delay);
  }

  private emit(kind: 'add' | 'update' | 'delete', obj: T, old?: T): void {
    for (const h of this.handlers) {
      try {
        if (kind === 'add') h.add?.(obj);
        else if (kind === 'update') h.update?.(old!, obj);
        else h.delete?.(obj);
      } catch (e) {
        console.error(`kubesvc informer ${this.resource.plural}: handler failed: ${(e as Error).stack}`);
      }
    }
  }
}
