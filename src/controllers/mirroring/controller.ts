// The EndpointSlice mirroring controller: Endpoints that users write for
// selector-less Services are mirrored into EndpointSlices, so proxies and DNS,
// which read only slices, reach what those Endpoints point at.
import type { KubeObject } from '../../api/object.js';
import { Informer, objectKey } from '../../client/informer.js';
import { isNotFoundError, type RestClient } from '../../client/rest.js';
import { EndpointSlices, Endpoints, Services, resourcePath } from '../../client/resources.js';
import { WorkQueue } from '../../client/workqueue.js';
import { ObjectIndex } from '../endpointslice/object-index.js';
import { waitForSync } from '../endpointslice/service-pods.js';
import { SliceTracker } from '../endpointslice/tracker.js';
import { LabelManagedBy, LabelServiceName, MirroringControllerName, type EndpointSlice } from '../endpointslice/types.js';
import { reconcileMirror } from './reconciler.js';

export interface MirroringControllerOptions {
  /** Shared informers; the caller starts them. Missing ones are created, started and stopped here. */
  services?: Informer;
  endpoints?: Informer;
  endpointSlices?: Informer;
  maxEndpointsPerSlice?: number;
  workers?: number;
}

const isMirrored = (s: KubeObject): boolean => s.metadata.labels?.[LabelManagedBy] === MirroringControllerName;
const ownerKey = (s: KubeObject): string | undefined => {
  const n = s.metadata.labels?.[LabelServiceName];
  return n ? `${s.metadata.namespace}/${n}` : undefined;
};

export class MirroringController {
  private readonly queue = new WorkQueue<string>();
  private readonly owned: Informer[] = [];
  private readonly services: Informer;
  private readonly endpoints: Informer;
  private readonly slices: Informer;
  private readonly slicesByName: ObjectIndex;
  private readonly tracker = new SliceTracker();
  private readonly waitingForCache = new Set<string>();

  constructor(private readonly client: RestClient, private readonly opts: MirroringControllerOptions = {}) {
    const own = (i: Informer): Informer => { this.owned.push(i); return i; };
    this.services = opts.services ?? own(new Informer(client, Services));
    this.endpoints = opts.endpoints ?? own(new Informer(client, Endpoints));
    this.slices = opts.endpointSlices ?? own(new Informer(client, EndpointSlices, { labelSelector: `${LabelManagedBy}=${MirroringControllerName}` }));
    this.slicesByName = new ObjectIndex(this.slices, (s) => (isMirrored(s) ? ownerKey(s) : undefined));
    const enqueue = (o: KubeObject): void => this.queue.add(objectKey(o));
    for (const inf of [this.services, this.endpoints]) inf.on({ add: enqueue, update: (_o, n) => enqueue(n), delete: enqueue });
    this.slices.on({
      add: (s) => this.onSlice(s as EndpointSlice, false),
      update: (_o, s) => this.onSlice(s as EndpointSlice, false),
      delete: (s) => this.onSlice(s as EndpointSlice, true),
    });
  }

  async start(): Promise<void> {
    await Promise.all(this.owned.map((i) => i.start()));
    await waitForSync([this.services, this.endpoints, this.slices]);
    void this.queue.run((k) => this.sync(k), this.opts.workers ?? 2);
  }

  stop(): void {
    this.queue.shutDown();
    for (const i of this.owned) i.stop();
  }

  private onSlice(s: EndpointSlice, deleted: boolean): void {
    const key = isMirrored(s) ? ownerKey(s) : undefined;
    if (!key) return;
    const resync = deleted ? this.tracker.handleDeletion(key, s) : this.tracker.shouldSync(key, s);
    if (resync || this.waitingForCache.delete(key)) this.queue.add(key);
  }

  private async sync(key: string): Promise<void> {
    const [ns, name] = key.split('/');
    const existing = this.slicesByName.byIndex(key) as EndpointSlice[];
    if (this.tracker.stale(key, existing)) {
      this.waitingForCache.add(key);
      this.queue.addAfter(key, 1000);
      return;
    }
    const c = reconcileMirror({
      endpoints: this.endpoints.get(ns, name), service: this.services.get(ns, name),
      existingSlices: existing, maxEndpointsPerSlice: this.opts.maxEndpointsPerSlice,
    });
    for (const s of c.create) this.tracker.wrote(key, await this.client.create<EndpointSlice>(resourcePath(EndpointSlices, ns), s));
    for (const s of c.update) this.tracker.wrote(key, await this.client.update<EndpointSlice>(resourcePath(EndpointSlices, ns, s.metadata.name), s));
    for (const s of c.delete) {
      try {
        await this.client.delete(resourcePath(EndpointSlices, ns, s.metadata.name));
      } catch (e) {
        if (!isNotFoundError(e)) throw e;
      }
      this.tracker.expectDeletion(key, s);
    }
  }
}
