// The Endpoints controller: keeps the legacy Endpoints object of every
// selector Service in step with its pods (for `kubectl get ep` and older
// clients). Endpoints carry no owner reference in Kubernetes, so this
// controller deletes them itself when the Service goes.
import type { KubeObject } from '../../api/object.js';
import { EventRecorder } from '../../client/events.js';
import { Informer } from '../../client/informer.js';
import { isNotFoundError, type RestClient } from '../../client/rest.js';
import { Endpoints, Pods, Services, resourcePath } from '../../client/resources.js';
import { WorkQueue } from '../../client/workqueue.js';
import { ServicePodWatch, waitForSync } from '../endpointslice/service-pods.js';
import { newer } from '../endpointslice/tracker.js';
import { TriggerTimeTracker } from '../endpointslice/trigger-time.js';
import { reconcileEndpoints } from './reconciler.js';

export interface EndpointsControllerOptions {
  /** Shared informers; the caller starts them. Missing ones are created, started and stopped here. */
  services?: Informer;
  pods?: Informer;
  endpoints?: Informer;
  workers?: number;
  events?: boolean;
}

export class EndpointsController {
  private readonly queue = new WorkQueue<string>();
  private readonly owned: Informer[] = [];
  private readonly services: Informer;
  private readonly pods: Informer;
  private readonly endpoints: Informer;
  private readonly watch: ServicePodWatch;
  private readonly triggerTimes = new TriggerTimeTracker();
  private readonly recorder?: EventRecorder;
  /** What we last wrote, for when the informer has not caught up yet (avoids needless conflicts). */
  private readonly written = new Map<string, KubeObject>();

  constructor(private readonly client: RestClient, private readonly opts: EndpointsControllerOptions = {}) {
    const own = (i: Informer): Informer => { this.owned.push(i); return i; };
    this.services = opts.services ?? own(new Informer(client, Services));
    this.pods = opts.pods ?? own(new Informer(client, Pods));
    this.endpoints = opts.endpoints ?? own(new Informer(client, Endpoints));
    if (opts.events !== false) this.recorder = new EventRecorder(client, 'endpoint-controller');
    this.watch = new ServicePodWatch(this.services, this.pods, (k) => this.queue.add(k));
    // Someone removed Endpoints we maintain: put them back.
    this.endpoints.on({ delete: (e) => { if (this.services.get(e.metadata.namespace, e.metadata.name!)) this.queue.add(`${e.metadata.namespace}/${e.metadata.name}`); } });
  }

  async start(): Promise<void> {
    await Promise.all(this.owned.map((i) => i.start()));
    await waitForSync([this.services, this.pods, this.endpoints]);
    void this.queue.run((k) => this.sync(k), this.opts.workers ?? 4);
  }

  stop(): void {
    this.queue.shutDown();
    for (const i of this.owned) i.stop();
  }

  private async sync(key: string): Promise<void> {
    const [ns, name] = key.split('/');
    const service = this.services.get(ns, name);
    if (!service) {
      this.triggerTimes.delete(key);
      this.written.delete(key);
      try {
        await this.client.delete(resourcePath(Endpoints, ns, name));
      } catch (e) {
        if (!isNotFoundError(e)) throw e;
      }
      return;
    }
    const pods = this.watch.podsFor(service);
    let current = this.endpoints.get(ns, name);
    const mine = this.written.get(key);
    if (mine && (!current || newer(mine.metadata.resourceVersion, current.metadata.resourceVersion ?? '0'))) current = mine;
    else this.written.delete(key);
    const d = reconcileEndpoints({ service, pods, current, triggerTime: this.triggerTimes.compute(key, service, pods) });
    if (d.action === 'none') return;
    try {
      const out = d.action === 'create'
        ? await this.client.create<KubeObject>(resourcePath(Endpoints, ns), d.endpoints)
        : await this.client.update<KubeObject>(resourcePath(Endpoints, ns, name), d.endpoints);
      this.written.set(key, out);
    } catch (e) {
      this.written.delete(key);
      this.recorder?.emit(service, { type: 'Warning', reason: 'FailedToUpdateEndpoint', message: `Failed to update endpoint ${key}: ${(e as Error).message}` });
      throw e;
    }
  }
}
