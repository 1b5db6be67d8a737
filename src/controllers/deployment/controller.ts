// Deployment controller shell: watches Deployments, their ReplicaSets and
// pods, claims ReplicaSets by selector and runs one DeploymentSync per key.
import { deepClone, jsonEqual, type KubeObject } from '../../api/object.js';
import { fromLabelSelectorObject, isEverything, matchesLabels, type LabelSelector } from '../../api/selectors/labels.js';
import { EventRecorder } from '../../client/events.js';
import type { Informer } from '../../client/informer.js';
import { isConflictError, isNotFoundError, type RestClient } from '../../client/rest.js';
import { Deployments, Pods, ReplicaSets, resourcePath } from '../../client/resources.js';
import { WorkQueue } from '../../client/workqueue.js';
import { claimObjects } from '../replicaset/claim.js';
import { InformerSet, keyOf, splitKey } from '../replicaset/informers.js';
import { controllerRef, getControllerOf } from '../replicaset/pod-util.js';
import { DeploymentSync } from './sync.js';

export interface DeploymentControllerOptions {
  pods?: Informer;
  replicaSets?: Informer;
  deployments?: Informer;
  workers?: number;
  recorder?: EventRecorder;
}

export class DeploymentController {
  private readonly informers: InformerSet;
  private readonly pods: Informer;
  private readonly replicaSets: Informer;
  private readonly deployments: Informer;
  private readonly queue = new WorkQueue<string>();
  private readonly recorder: EventRecorder;
  private stopped = false;
  private running: Promise<void> | undefined;

  constructor(private readonly client: RestClient, private readonly opts: DeploymentControllerOptions = {}) {
    this.informers = new InformerSet(client);
    this.pods = this.informers.use(opts.pods, Pods);
    this.replicaSets = this.informers.use(opts.replicaSets, ReplicaSets);
    this.deployments = this.informers.use(opts.deployments, Deployments);
    this.recorder = opts.recorder ?? new EventRecorder(client, 'deployment-controller');
    this.deployments.on({
      add: (d) => this.queue.add(keyOf(d)),
      update: (_o, d) => this.queue.add(keyOf(d)),
      delete: (d) => this.queue.add(keyOf(d)),
    });
    this.replicaSets.on({
      add: (rs) => this.rsChanged(rs),
      update: (o, rs) => {
        if (getControllerOf(o)?.uid !== getControllerOf(rs)?.uid) this.rsChanged(o);
        this.rsChanged(rs, !jsonEqual(o.metadata.labels, rs.metadata.labels));
      },
      delete: (rs) => this.rsChanged(rs),
    });
    // Recreate waits for old pods to go away.
    this.pods.on({ delete: (p) => this.podDeleted(p) });
  }

  async start(): Promise<void> {
    await this.informers.start(() => this.stopped);
    for (const d of this.deployments.list()) this.queue.add(keyOf(d));
    this.running = this.queue.run((k) => this.syncOrRetry(k), this.opts.workers ?? 4);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.shutDown();
    this.informers.stop();
    await this.running;
  }

  private ownerOf(rs: KubeObject): KubeObject | undefined {
    const ref = getControllerOf(rs);
    if (!ref || ref.kind !== 'Deployment') return undefined;
    const d = this.deployments.get(rs.metadata.namespace, ref.name);
    return d?.metadata.uid === ref.uid ? d : undefined;
  }

  private rsChanged(rs: KubeObject, labelsChanged = true): void {
    const owner = this.ownerOf(rs);
    if (owner) return this.queue.add(keyOf(owner));
    if (getControllerOf(rs) || !labelsChanged) return;
    for (const d of this.deployments.list()) {
      if (d.metadata.namespace !== rs.metadata.namespace) continue;
      const sel = selectorOf(d);
      if (sel && matchesLabels(sel, rs.metadata.labels)) this.queue.add(keyOf(d));
    }
  }

  private podDeleted(p: KubeObject): void {
    const ref = getControllerOf(p);
    if (!ref || ref.kind !== 'ReplicaSet') return;
    const rs = this.replicaSets.get(p.metadata.namespace, ref.name);
    const d = rs && this.ownerOf(rs);
    if (d && d.spec?.strategy?.type === 'Recreate') this.queue.add(keyOf(d));
  }

  /** A conflict only means the cache lagged our own or others' writes: retry without noise. */
  private async syncOrRetry(key: string): Promise<void> {
    try {
      await this.sync(key);
    } catch (e) {
      if (!isConflictError(e)) throw e;
      this.queue.addAfter(key, 20);
    }
  }

  private async sync(key: string): Promise<void> {
    const [ns, name] = splitKey(key);
    const cached = this.deployments.get(ns, name);
    if (!cached) return;
    const d = deepClone(cached);
    const selector = selectorOf(d);
    if (!selector) return;
    if (isEverything(selector)) {
      this.recorder.emit(d, { type: 'Warning', reason: 'SelectingAll', message: 'This deployment is selecting all pods. A non-empty selector is required.' });
      return;
    }
    const inNs = this.replicaSets.list().filter((rs) => rs.metadata.namespace === ns);
    const claim = claimObjects(d, selector, inNs);
    const adopted = await Promise.all(claim.adopt.map((rs) => this.setOwner(rs, [...(rs.metadata.ownerReferences ?? []), controllerRef(d)])));
    await Promise.all(claim.release.map((rs) => this.setOwner(rs, (rs.metadata.ownerReferences ?? []).filter((r) => r.uid !== d.metadata.uid))));
    const adoptedUids = new Set(claim.adopt.map((rs) => rs.metadata.uid));
    const rsList = [
      ...claim.claimed.filter((rs) => !adoptedUids.has(rs.metadata.uid)).map((rs) => deepClone(rs)),
      ...adopted.filter((rs): rs is KubeObject => !!rs),
    ];
    const pods = d.spec?.strategy?.type === 'Recreate'
      ? this.pods.list().filter((p) => p.metadata.namespace === ns && matchesLabels(selector, p.metadata.labels))
      : [];
    const r = await new DeploymentSync(this.client, this.recorder, d, rsList, pods).run();
    if (r.requeueAfterMs !== undefined) this.queue.addAfter(key, r.requeueAfterMs);
  }

  private async setOwner(rs: KubeObject, refs: KubeObject['metadata']['ownerReferences']): Promise<KubeObject | undefined> {
    try {
      const stored = await this.client.patch<KubeObject>(resourcePath(ReplicaSets, rs.metadata.namespace, rs.metadata.name),
        { metadata: { ownerReferences: refs?.length ? refs : null, resourceVersion: rs.metadata.resourceVersion } }, 'merge');
      return { apiVersion: 'apps/v1', kind: 'ReplicaSet', ...stored };
    } catch (e) {
      if (isNotFoundError(e) || isConflictError(e)) return undefined;
      throw e;
    }
  }
}

function selectorOf(o: KubeObject): LabelSelector | undefined {
  try {
    return fromLabelSelectorObject(o.spec?.selector);
  } catch {
    return undefined;
  }
}
