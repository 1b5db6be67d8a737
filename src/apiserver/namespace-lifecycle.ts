// Deletes the content of terminating namespaces, then releases them, as the
// namespace controller does: the namespace shows Terminating until it is empty.
import { deepClone } from '../api/object.js';
import { resources, resourceByKind, storageKey } from './resources.js';
import type { Store } from './registry/store.js';
import { deleteObject } from './registry/delete.js';

export class NamespaceLifecycle {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly store: Store, private readonly intervalMs = 200) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const nsDef = resourceByKind('Namespace')!;
      for (const ns of this.store.list(nsDef, undefined)) {
        if (ns.metadata.deletionTimestamp) await this.finalize(ns.metadata.name!);
      }
    } catch (e) {
      console.error(`kubesvc: namespace lifecycle: ${(e as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  private async finalize(name: string): Promise<void> {
    let remaining = 0;
    for (const r of resources) {
      if (!r.namespaced) continue;
      for (const o of this.store.list(r, name)) {
        remaining++;
        if (o.metadata.deletionTimestamp) continue;
        try {
          await deleteObject(this.store, r, name, o.metadata.name!, { propagationPolicy: 'Background' }, false);
        } catch (e) {
          if ((e as { code?: number }).code !== 404 && (e as { code?: number }).code !== 409) throw e;
        }
      }
    }
    if (remaining > 0) return;
    const nsDef = resourceByKind('Namespace')!;
    const ns = this.store.tryGet(nsDef, undefined, name);
    if (!ns) return;
    const fins = (ns.spec?.finalizers ?? []).filter((f: string) => f !== 'kubernetes');
    const next = deepClone(ns);
    next.spec = { ...next.spec, finalizers: fins };
    await this.store.writeRaw(nsDef, storageKey(nsDef, undefined, name), ns, next, false);
  }
}
