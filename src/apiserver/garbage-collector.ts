// Garbage collection over ownerReferences, as kube-controller-manager's GC does:
// dependents of a deleted owner are deleted (background), orphaned (finalizer
// `orphan`), or deleted before their owner (finalizer `foregroundDeletion`).
// Event-driven from the watch cache, with a periodic sweep as a safety net.
import { deepClone, type KubeObject } from '../api/object.js';
import { resources, resourcePrefix, storageKey, type ResourceDef } from './resources.js';
import type { CachedItem } from './cache/resource-cache.js';
import type { Store } from './registry/store.js';
import { deleteObject } from './registry/delete.js';

interface Ref { r: ResourceDef; ns?: string; name: string }

export class GarbageCollector {
  private readonly byUid = new Map<string, Ref>();
  private readonly dependents = new Map<string, Set<string>>(); // owner uid -> dependent uids
  private readonly ownersOf = new Map<string, readonly string[]>();
  private readonly pending = new Set<string>(); // uids to examine
  private unsubscribes: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sweep: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly store: Store) {}

  start(): void {
    for (const r of resources) {
      const cache = this.store.cacher.of(r);
      for (const i of cache.listItems(resourcePrefix(r))) this.index(r, i);
      // From the cached items' own index fields: decoding every event's object was 3–4 % of the
      // server's CPU in a burst of pod writes.
      this.unsubscribes.push(cache.subscribe({
        deliver: (e) => {
          if (e.type === 'DELETED') this.unindex(e.item);
          else this.index(r, e.item);
        },
      }));
    }
    for (const uid of this.byUid.keys()) this.pending.add(uid);
    this.schedule();
    this.sweep = setInterval(() => { for (const u of this.ownersOf.keys()) this.pending.add(u); this.schedule(); }, 30_000);
    this.sweep.unref();
  }

  stop(): void {
    for (const u of this.unsubscribes) u();
    if (this.timer) clearTimeout(this.timer);
    if (this.sweep) clearInterval(this.sweep);
  }

  private index(r: ResourceDef, i: CachedItem): void {
    const uid = i.uid;
    if (!uid) return;
    this.byUid.set(uid, { r, ns: i.fields['metadata.namespace'] || undefined, name: i.fields['metadata.name'] });
    const owners = i.ownerUids ?? [];
    const before = this.ownersOf.get(uid) ?? [];
    for (const ou of before) if (!owners.includes(ou)) this.dependents.get(ou)?.delete(uid);
    for (const ou of owners) {
      let s = this.dependents.get(ou);
      if (!s) this.dependents.set(ou, (s = new Set()));
      s.add(uid);
    }
    if (owners.length) this.ownersOf.set(uid, owners);
    else this.ownersOf.delete(uid);
    if (owners.length || i.deleting) this.pending.add(uid);
    this.schedule();
  }

  private unindex(i: CachedItem): void {
    const uid = i.uid;
    if (!uid) return;
    this.byUid.delete(uid);
    for (const ou of this.ownersOf.get(uid) ?? []) {
      this.dependents.get(ou)?.delete(uid);
      this.pending.add(ou); // a foreground owner may now be free to go
    }
    this.ownersOf.delete(uid);
    for (const d of this.dependents.get(uid) ?? []) this.pending.add(d);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.pending.size === 0) return;
    this.timer = setTimeout(() => { this.timer = undefined; void this.drain(); }, 5);
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.pending.size) {
        const uid = this.pending.values().next().value as string;
        this.pending.delete(uid);
        try {
          await this.process(uid);
        } catch (e) {
          const code = (e as { code?: number }).code;
          if (code !== 404 && code !== 409) console.error(`kubesvc gc: ${(e as Error).message}`);
          if (code === 409) this.pending.add(uid);
        }
      }
    } finally {
      this.running = false;
      if (this.pending.size) this.schedule();
    }
  }

  private get(uid: string): { ref: Ref; obj: KubeObject } | undefined {
    const ref = this.byUid.get(uid);
    if (!ref) return undefined;
    const obj = this.store.tryGet(ref.r, ref.ns, ref.name);
    return obj && obj.metadata.uid === uid ? { ref, obj } : undefined;
  }

  private async process(uid: string): Promise<void> {
    const cur = this.get(uid);
    if (!cur) return;
    const { ref, obj } = cur;
    const fins = obj.metadata.finalizers ?? [];
    const deps = [...(this.dependents.get(uid) ?? [])];
    if (obj.metadata.deletionTimestamp && fins.includes('orphan')) {
      for (const d of deps) await this.dropOwnerRef(d, uid);
      return this.removeFinalizer(ref, obj, 'orphan');
    }
    if (obj.metadata.deletionTimestamp && fins.includes('foregroundDeletion')) {
      const live = deps.filter((d) => this.get(d));
      for (const d of live) {
        const dep = this.get(d)!;
        if (!dep.obj.metadata.deletionTimestamp) await deleteObject(this.store, dep.ref.r, dep.ref.ns, dep.ref.name, { propagationPolicy: 'Foreground' }, false);
      }
      if (live.length === 0) await this.removeFinalizer(ref, obj, 'foregroundDeletion');
      return;
    }
    // A dependent whose owners are all gone is deleted (background policy).
    const owners = obj.metadata.ownerReferences ?? [];
    if (owners.length && !obj.metadata.deletionTimestamp && owners.every((o) => !this.ownerExists(o.uid, o.kind, ref.ns))) {
      await deleteObject(this.store, ref.r, ref.ns, ref.name, { propagationPolicy: 'Background', preconditions: { uid } }, false);
    }
  }

  private ownerExists(uid: string, _kind: string, _ns: string | undefined): boolean {
    return this.get(uid) !== undefined;
  }

  private async dropOwnerRef(depUid: string, ownerUid: string): Promise<void> {
    const dep = this.get(depUid);
    if (!dep) return;
    const next = deepClone(dep.obj);
    next.metadata.ownerReferences = (next.metadata.ownerReferences ?? []).filter((o) => o.uid !== ownerUid);
    if (!next.metadata.ownerReferences.length) delete next.metadata.ownerReferences;
    await this.store.writeRaw(dep.ref.r, storageKey(dep.ref.r, dep.ref.ns, dep.ref.name), dep.obj, next, false);
  }

  private async removeFinalizer(ref: Ref, obj: KubeObject, f: string): Promise<void> {
    const next = deepClone(obj);
    next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((x) => x !== f);
    if (!next.metadata.finalizers.length) delete next.metadata.finalizers;
    await this.store.writeRaw(ref.r, storageKey(ref.r, ref.ns, ref.name), obj, next, false);
  }
}
