// Follows Services and Pods for controllers keyed by Service: keeps each
// namespace's selectors and pods at hand and turns pod events into the keys of
// the Services they concern (old and new labels both count).
import type { KubeObject } from '../../api/object.js';
import { matchesLabels, type LabelSelector } from '../../api/selectors/labels.js';
import { objectKey, type Informer } from '../../client/informer.js';
import { ObjectIndex } from './object-index.js';
import { podChange, serviceSelector } from './pod-services.js';

export class ServicePodWatch {
  private readonly selectors = new Map<string, Map<string, LabelSelector>>();
  private readonly pods: ObjectIndex;

  constructor(services: Informer, podInformer: Informer, private readonly enqueue: (key: string) => void) {
    this.pods = new ObjectIndex(podInformer, (p) => p.metadata.namespace);
    for (const s of services.list()) this.setService(s);
    services.on({
      add: (s) => { this.setService(s); enqueue(objectKey(s)); },
      update: (_old, s) => { this.setService(s); enqueue(objectKey(s)); },
      delete: (s) => { this.selectors.get(s.metadata.namespace!)?.delete(objectKey(s)); enqueue(objectKey(s)); },
    });
    podInformer.on({
      add: (p) => this.enqueueFor(p, [p.metadata.labels]),
      update: (old, p) => {
        const c = podChange(old, p);
        if (c.labelsChanged) this.enqueueFor(p, [old.metadata.labels, p.metadata.labels]);
        else if (c.endpointsChanged) this.enqueueFor(p, [p.metadata.labels]);
      },
      delete: (p) => this.enqueueFor(p, [p.metadata.labels]),
    });
  }

  private setService(s: KubeObject): void {
    const ns = s.metadata.namespace!;
    let m = this.selectors.get(ns);
    if (!m) this.selectors.set(ns, (m = new Map()));
    const sel = serviceSelector(s);
    if (sel) m.set(objectKey(s), sel);
    else m.delete(objectKey(s));
  }

  private enqueueFor(pod: KubeObject, labelSets: (Record<string, string> | undefined)[]): void {
    const m = this.selectors.get(pod.metadata.namespace!);
    if (!m) return;
    for (const [key, sel] of m) if (labelSets.some((l) => matchesLabels(sel, l))) this.enqueue(key);
  }

  /** Pods of the Service's namespace that its selector matches. */
  podsFor(service: KubeObject): KubeObject[] {
    const sel = serviceSelector(service);
    if (!sel) return [];
    return this.pods.byIndex(service.metadata.namespace!).filter((p) => matchesLabels(sel, p.metadata.labels));
  }
}

/** Resolves once an informer someone else started has synced. */
export async function waitForSync(informers: Informer[], pollMs = 10): Promise<void> {
  while (!informers.every((i) => i.hasSynced)) await new Promise((r) => setTimeout(r, pollMs));
}
