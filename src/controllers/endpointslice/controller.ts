// The EndpointSlice controller: list/watch Services, Pods and its own slices,
// reconcile one Service per queue key with the pure reconciler, write the
// result. A pod event is handled as soon as a worker is free; keys already
// queued coalesce, nothing waits on a timer.
import type { KubeObject } from '../../api/object.js';
import { EventRecorder } from '../../client/events.js';
import { Informer } from '../../client/informer.js';
import { isNotFoundError, type RestClient } from '../../client/rest.js';
import { EndpointSlices, Pods, Services, resourcePath } from '../../client/resources.js';
import { WorkQueue } from '../../client/workqueue.js';
import { ObjectIndex } from './object-index.js';
import { reconcileSlices, servesEndpointSlices } from './reconciler.js';
import { ServicePodWatch, waitForSync } from './service-pods.js';
import { SliceTracker } from './tracker.js';
import { TriggerTimeTracker } from './trigger-time.js';
import {
  DefaultMaxEndpointsPerSlice, EndpointSliceControllerName, LabelManagedBy, LabelServiceName,
  type EndpointSlice,
} from './types.js';

export interface EndpointSliceControllerOptions {
  /** Shared informers; the caller starts them. Missing ones are created, started and stopped here. */
  services?: Informer;
  pods?: Informer;
  endpointSlices?: Informer;
  /** With a node informer, zones come from node labels and pods on unknown nodes are held back. */
  nodes?: Informer;
  maxEndpointsPerSlice?: number;
  workers?: number;
  /** Emit Warning events on failed syncs (default true). */
  events?: boolean;
}

const managedSliceSelector = `${LabelManagedBy}=${EndpointSliceControllerName}`;

export class EndpointSliceController {
  private readonly queue = new WorkQueue<string>();
  private readonly owned: Informer[] = [];
  private readonly services: Informer;
  private readonly pods: Informer;
  private readonly slices: Informer;
  private readonly nodes?: Informer;
  private readonly watch: ServicePodWatch;
  private readonly slicesByService: ObjectIndex;
  private readonly tracker = new SliceTracker();
  private readonly triggerTimes = new TriggerTimeTracker();
  private readonly waitingForCache = new Set<string>();
  private readonly recorder?: EventRecorder;
  private running?: Promise<void>;

  constructor(private readonly client: RestClient, private readonly opts: EndpointSliceControllerOptions = {}) {
    const own = (i: Informer): Informer => { this.owned.push(i); return i; };
    this.services = opts.services ?? own(new Informer(client, Services));
    this.pods = opts.pods ?? own(new Informer(client, Pods));
    this.slices = opts.endpointSlices ?? own(new Informer(client, EndpointSlices, { labelSelector: managedSliceSelector }));
    this.nodes = opts.nodes;
    if (opts.events !== false) this.recorder = new EventRecorder(client, 'endpoint-slice-controller');
    this.slicesByService = new ObjectIndex(this.slices, (s) => (isManaged(s) ? sliceOwnerKey(s) : undefined));
    this.watch = new ServicePodWatch(this.services, this.pods, (k) => this.queue.add(k));
    this.slices.on({
      add: (s) => this.onSlice(s as EndpointSlice, false),
      update: (_o, s) => this.onSlice(s as EndpointSlice, false),
      delete: (s) => this.onSlice(s as EndpointSlice, true),
    });
  }

  async start(): Promise<void> {
    await Promise.all(this.owned.map((i) => i.start()));
    await waitForSync([this.services, this.pods, this.slices, ...(this.nodes ? [this.nodes] : [])]);
    this.running = this.queue.run((k) => this.sync(k), this.opts.workers ?? 4);
  }

  stop(): void {
    this.queue.shutDown();
    for (const i of this.owned) i.stop();
  }

  /** Someone else changed or removed one of our slices (or our write arrived): look again. */
  private onSlice(s: EndpointSlice, deleted: boolean): void {
    if (!isManaged(s)) return;
    const key = sliceOwnerKey(s);
    if (!key) return;
    const resync = deleted ? this.tracker.handleDeletion(key, s) : this.tracker.shouldSync(key, s);
    if (resync || this.waitingForCache.delete(key)) this.queue.add(key);
  }

  private async sync(key: string): Promise<void> {
    const [ns, name] = key.split('/');
    const service = this.services.get(ns, name);
    if (!service) {
      // The garbage collector removes the slices through their owner reference.
      this.triggerTimes.delete(key);
      this.tracker.deleteOwner(key);
      return;
    }
    if (!servesEndpointSlices(service)) return;
    const existing = this.slicesByService.byIndex(key) as EndpointSlice[];
    if (this.tracker.stale(key, existing)) {
      this.waitingForCache.add(key);
      this.queue.addAfter(key, 1000);
      return;
    }
    const pods = this.watch.podsFor(service);
    const r = reconcileSlices({
      service, pods, existingSlices: existing,
      maxEndpointsPerSlice: this.opts.maxEndpointsPerSlice ?? DefaultMaxEndpointsPerSlice,
      nodes: this.nodes ? new Map(this.nodes.list().map((n) => [n.metadata.name!, n])) : undefined,
      triggerTime: this.triggerTimes.compute(key, service, pods),
    });
    try {
      await this.write(key, service, r);
    } catch (e) {
      this.recorder?.emit(service, { type: 'Warning', reason: 'FailedToUpdateEndpointSlices', message: `Error updating Endpoint Slices for Service ${key}: ${(e as Error).message}` });
      throw e;
    }
    if (r.errors.length) throw new Error(r.errors.join('; '));
  }

  private async write(key: string, service: KubeObject, r: { create: EndpointSlice[]; update: EndpointSlice[]; delete: EndpointSlice[] }): Promise<void> {
    const ns = service.metadata.namespace!;
    for (const s of r.create) this.tracker.wrote(key, await this.client.create<EndpointSlice>(resourcePath(EndpointSlices, ns), s));
    for (const s of r.update) this.tracker.wrote(key, await this.client.update<EndpointSlice>(resourcePath(EndpointSlices, ns, s.metadata.name), s));
    for (const s of r.delete) {
      try {
        await this.client.delete(resourcePath(EndpointSlices, ns, s.metadata.name));
      } catch (e) {
        if (!isNotFoundError(e)) throw e;
      }
      this.tracker.expectDeletion(key, s);
    }
  }

  /** Settles when the workers have exited after stop(). */
  get done(): Promise<void> {
    return this.running ?? Promise.resolve();
  }
}

const isManaged = (s: KubeObject): boolean => s.metadata.labels?.[LabelManagedBy] === EndpointSliceControllerName;

function sliceOwnerKey(s: KubeObject): string | undefined {
  const svc = s.metadata.labels?.[LabelServiceName];
  return svc ? `${s.metadata.namespace}/${svc}` : undefined;
}
