// The load-balancer controller: gives LoadBalancer Services of our class an
// ingress IP from the pool (MetalLB's controller role; the node agents'
// announcers then attract the traffic). Services that cannot get one stay
// <pending> with an AllocationFailed event and are retried, oldest first,
// whenever an address is released.
import { EventRecorder, type EventSpec } from '../../client/events.js';
import { Informer, objectKey } from '../../client/informer.js';
import { isNotFoundError, type RestClient } from '../../client/rest.js';
import { Services, resourcePath } from '../../client/resources.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { KubeObject } from '../../api/object.js';
import { LBPool } from './pool.js';
import { ingressIPs, isOurs, lbRequestOf, serviceKey, statusPatch, statusShows } from './service.js';

export interface LoadBalancerControllerOptions {
  /** `--lb-pool`: ranges, CIDRs or addresses, comma-separated. */
  pool: string;
  /** A shared, not yet started or already synced, Services informer; one is made when absent. */
  services?: Informer;
  /** Services with this loadBalancerClass are ours too (unset always is). */
  loadBalancerClass?: string;
  /** How often pending Services are retried even without a release. */
  resyncMs?: number;
  log?: (msg: string) => void;
}

type Svc = KubeObject & { spec?: any; status?: any };

const olderFirst = (a: Svc, b: Svc): number =>
  (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || serviceKey(a).localeCompare(serviceKey(b));

/** Resource versions are opaque, but ours are integers; anything else compares as "unknown". */
const rvBefore = (a: string | undefined, b: string | undefined): boolean =>
  !!a && !!b && /^\d+$/.test(a) && /^\d+$/.test(b) && BigInt(a) < BigInt(b);

export class LoadBalancerController {
  readonly pool: LBPool;
  private readonly informer: Informer;
  private readonly ownInformer: boolean;
  private readonly queue = new WorkQueue<string>();
  private readonly events: EventRecorder;
  private readonly pending = new Set<string>();
  /** What we last wrote to each status, to see through a lagging cache. */
  private readonly written = new Map<string, { ip: string | undefined; rv: string }>();
  private readonly log: (msg: string) => void;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly client: RestClient, private readonly opts: LoadBalancerControllerOptions) {
    this.pool = new LBPool(opts.pool);
    this.ownInformer = !opts.services;
    this.informer = opts.services ?? new Informer(client, Services);
    this.events = new EventRecorder(client, 'loadbalancer-controller');
    this.log = opts.log ?? ((m) => console.error(`kubesvc loadbalancer: ${m}`));
  }

  async start(): Promise<void> {
    const enqueue = (o: KubeObject): void => this.queue.add(objectKey(o));
    this.informer.on({ add: enqueue, update: (_o, n) => enqueue(n), delete: enqueue });
    if (!this.informer.hasSynced) await this.informer.start();
    const ours = (this.informer.list() as Svc[]).filter((s) => isOurs(s, this.opts.loadBalancerClass)).sort(olderFirst);
    const held = ours.flatMap((svc) => {
      const ip = ingressIPs(svc).find((i) => this.pool.contains(i));
      const r = lbRequestOf(svc);
      return ip && 'req' in r ? [{ svc: serviceKey(svc), ip, req: r.req }] : [];
    });
    for (const p of this.pool.rebuild(held)) this.log(`repair: ${p}`);
    for (const s of this.informer.list()) enqueue(s);
    this.running = this.queue.run((k) => this.reconcile(k));
    this.timer = setInterval(() => this.retryPending(), this.opts.resyncMs ?? 30_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.queue.shutDown();
    if (this.ownInformer) this.informer.stop();
    await this.running;
  }

  private async reconcile(key: string): Promise<void> {
    const [ns, name] = key.split('/');
    const svc = this.informer.get(ns, name) as Svc | undefined;
    if (!svc) {
      this.written.delete(key);
      this.pending.delete(key);
      return this.release(key);
    }
    if (!isOurs(svc, this.opts.loadBalancerClass)) {
      const had = this.pool.ipOf(key);
      this.pending.delete(key);
      this.release(key);
      // A Service that stopped being a LoadBalancer keeps its old status unless we clear it.
      if (svc.spec?.type !== 'LoadBalancer' && ingressIPs(svc).some((ip) => this.pool.contains(ip))) {
        await this.writeStatus(svc, undefined);
        if (had) this.emit(svc, { type: 'Normal', reason: 'DeletedLoadBalancer', message: `Released IP ${had}` });
      }
      return;
    }
    const r = lbRequestOf(svc);
    const before = this.pool.ipOf(key);
    const res = 'req' in r ? this.pool.assign(key, r.req) : ({ ok: false, reason: r.error } as const);
    if (!res.ok) {
      if ('error' in r) this.release(key);
      else if (before) this.retryPending(key);
      this.pending.add(key);
      if (!this.shows(svc, undefined)) await this.writeStatus(svc, undefined);
      this.emit(svc, { type: 'Warning', reason: 'AllocationFailed', message: `Failed to allocate IP for "${key}": ${res.reason}` });
      return;
    }
    this.pending.delete(key);
    if (before && before !== res.ip) this.retryPending(key);
    if (this.shows(svc, res.ip)) return;
    this.emit(svc, { type: 'Normal', reason: 'EnsuringLoadBalancer', message: 'Ensuring load balancer' });
    await this.writeStatus(svc, res.ip);
    this.emit(svc, { type: 'Normal', reason: 'IPAllocated', message: `Assigned IP ["${res.ip}"]` });
    this.emit(svc, { type: 'Normal', reason: 'EnsuredLoadBalancer', message: 'Ensured load balancer' });
  }

  private release(key: string): void {
    if (this.pool.release(key).ip) this.retryPending(key);
  }

  /** Pending Services get another try, oldest first (the queue is FIFO). */
  private retryPending(except?: string): void {
    const svcs = [...this.pending].filter((k) => k !== except).map((k) => this.informer.get(...(k.split('/') as [string, string])) as Svc | undefined);
    for (const s of svcs.filter((s): s is Svc => !!s).sort(olderFirst)) this.queue.add(serviceKey(s));
  }

  private shows(svc: Svc, ip: string | undefined): boolean {
    const w = this.written.get(serviceKey(svc));
    if (w && rvBefore(svc.metadata.resourceVersion, w.rv)) return w.ip === ip;
    return statusShows(svc, ip);
  }

  private async writeStatus(svc: Svc, ip: string | undefined): Promise<void> {
    const key = serviceKey(svc);
    try {
      const out = await this.client.patch<Svc>(resourcePath(Services, svc.metadata.namespace, svc.metadata.name, 'status'), statusPatch(ip), 'merge');
      this.written.set(key, { ip, rv: out.metadata.resourceVersion ?? '' });
    } catch (e) {
      if (!isNotFoundError(e)) throw e;
    }
  }

  private emit(svc: Svc, e: EventSpec): void {
    this.events.emit(svc, e);
  }
}
