// A secondary index over an informer's cache (client-go's Indexer): objects
// grouped by a key such as their namespace. It seeds from the cache and
// follows the informer's events, so it also works on a shared, started informer.
import type { KubeObject } from '../../api/object.js';
import { objectKey, type Informer } from '../../client/informer.js';

export class ObjectIndex<T extends KubeObject = KubeObject> {
  private readonly groups = new Map<string, Map<string, T>>();

  constructor(informer: Informer<T>, private readonly indexKey: (o: T) => string | undefined) {
    for (const o of informer.list()) this.put(o);
    informer.on({
      add: (o) => this.put(o),
      update: (old, o) => { this.remove(old); this.put(o); },
      delete: (o) => this.remove(o),
    });
  }

  private put(o: T): void {
    const k = this.indexKey(o);
    if (k === undefined) return;
    let g = this.groups.get(k);
    if (!g) this.groups.set(k, (g = new Map()));
    g.set(objectKey(o), o);
  }

  private remove(o: T): void {
    const k = this.indexKey(o);
    if (k === undefined) return;
    const g = this.groups.get(k);
    g?.delete(objectKey(o));
    if (g && !g.size) this.groups.delete(k);
  }

  byIndex(k: string): T[] {
    return [...(this.groups.get(k)?.values() ?? [])];
  }
}
