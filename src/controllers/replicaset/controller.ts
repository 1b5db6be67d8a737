// ReplicaSet controller shell: watches ReplicaSets and pods, claims pods by
// selector, creates/deletes to reach spec.replicas and writes status.
import type { KubeObject } from '../../api/object.js';
import { jsonEqual } from '../../api/object.js';
import { fromLabelSelectorObject, matchesLabels, type LabelSelector } from '../../api/selectors/labels.js';
import { EventRecorder } from '../../client/events.js';
import type { Informer } from '../../client/informer.js';
import { isConflictError, isNotFoundError, type RestClient } from '../../client/rest.js';
import { Pods, ReplicaSets, resourcePath } from '../../client/resources.js';
import { WorkQueue } from '../../client/workqueue.js';
import { rfc3339 } from '../../util/time.js';
import { claimObjects } from './claim.js';
import { BURST_REPLICAS, replicaSetDiff, slowStartBatches } from './diff.js';
import { Expectations } from './expectations.js';
import { InformerSet, keyOf, splitKey } from './informers.js';
import { controllerRef, getControllerOf, isPodActive, isPodReady, msUntilAvailable } from './pod-util.js';
import { replicaSetStatus } from './status.js';
import { podFromTemplate } from './template.js';

export interface ReplicaSetControllerOptions {
  pods?: Informer;
  replicaSets?: Informer;
  workers?: number;
  burstReplicas?: number;
  recorder?: EventRecorder;
}

export class ReplicaSetController {
  private readonly informers: InformerSet;
  private readonly pods: Informer;
  private readonly replicaSets: Informer;
  private readonly queue = new WorkQueue<string>();
  private readonly expectations = new Expectations();
  private readonly recorder: EventRecorder;
  private stopped = false;
  private running: Promise<void> | undefined;

  constructor(private readonly client: RestClient, private readonly opts: ReplicaSetControllerOptions = {}) {
    this.informers = new InformerSet(client);
    this.pods = this.informers.use(opts.pods, Pods);
    this.replicaSets = this.informers.use(opts.replicaSets, ReplicaSets);
    this.recorder = opts.recorder ?? new EventRecorder(client, 'replicaset-controller');
    this.replicaSets.on({
      add: (rs) => this.queue.add(keyOf(rs)),
      update: (_o, rs) => this.queue.add(keyOf(rs)),
      delete: (rs) => { this.expectations.forget(keyOf(rs)); this.queue.add(keyOf(rs)); },
    });
    this.pods.on({
      add: (p) => this.podAdded(p),
      update: (o, p) => this.podUpdated(o, p),
      delete: (p) => this.podDeleted(p),
    });
  }

  async start(): Promise<void> {
    await this.informers.start(() => this.stopped);
    for (const rs of this.replicaSets.list()) this.queue.add(keyOf(rs));
    this.running = this.queue.run((k) => this.syncOrRetry(k), this.opts.workers ?? 4);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.shutDown();
    this.informers.stop();
    await this.running;
  }

  // --- event routing -------------------------------------------------------

  private ownerOf(p: KubeObject): KubeObject | undefined {
    const ref = getControllerOf(p);
    if (!ref || ref.kind !== 'ReplicaSet') return undefined;
    const rs = this.replicaSets.get(p.metadata.namespace, ref.name);
    return rs?.metadata.uid === ref.uid ? rs : undefined;
  }

  private matchingReplicaSets(p: KubeObject): KubeObject[] {
    return this.replicaSets.list().filter((rs) => {
      if (rs.metadata.namespace !== p.metadata.namespace) return false;
      const sel = selectorOf(rs);
      return !!sel && matchesLabels(sel, p.metadata.labels);
    });
  }

  private podAdded(p: KubeObject): void {
    if (p.metadata.deletionTimestamp) return this.podDeleted(p);
    if (getControllerOf(p)) {
      const rs = this.ownerOf(p);
      if (!rs) return;
      this.expectations.creationObserved(keyOf(rs));
      this.queue.add(keyOf(rs));
      return;
    }
    for (const rs of this.matchingReplicaSets(p)) this.queue.add(keyOf(rs));
  }

  private podUpdated(old: KubeObject, p: KubeObject): void {
    if (old.metadata.resourceVersion === p.metadata.resourceVersion) return;
    if (p.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) {
      const rs = this.ownerOf(p);
      if (rs) this.expectations.deletionObserved(keyOf(rs), keyOf(p));
    }
    const oldRef = getControllerOf(old), ref = getControllerOf(p);
    if (oldRef && oldRef.uid !== ref?.uid) {
      const prev = this.ownerOf(old);
      if (prev) this.queue.add(keyOf(prev));
    }
    if (ref) {
      const rs = this.ownerOf(p);
      if (!rs) return;
      this.queue.add(keyOf(rs));
      // A pod that just turned ready becomes available only after minReadySeconds.
      const min = rs.spec?.minReadySeconds ?? 0;
      if (min > 0 && !isPodReady(old) && isPodReady(p)) this.queue.addAfter(keyOf(rs), min * 1000 + 1000);
      return;
    }
    if (!jsonEqual(old.metadata.labels, p.metadata.labels) || oldRef) {
      for (const rs of this.matchingReplicaSets(p)) this.queue.add(keyOf(rs));
    }
  }

  private podDeleted(p: KubeObject): void {
    const rs = this.ownerOf(p);
    if (!rs) return;
    this.expectations.deletionObserved(keyOf(rs), keyOf(p));
    this.queue.add(keyOf(rs));
  }

  // --- sync ----------------------------------------------------------------

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
    const rs = this.replicaSets.get(ns, name);
    if (!rs) {
      this.expectations.forget(key);
      return;
    }
    const selector = selectorOf(rs);
    if (!selector) return; // invalid selectors are rejected by validation; nothing sane to do
    const needsSync = this.expectations.satisfied(key);
    const active = this.pods.list().filter((p) => p.metadata.namespace === ns && isPodActive(p));
    const claim = claimObjects(rs, selector, active);
    await Promise.all([
      ...claim.adopt.map((p) => this.adopt(rs, p)),
      ...claim.release.map((p) => this.release(rs, p)),
    ]);
    const owned = claim.claimed;
    let createError: string | undefined;
    if (needsSync && !rs.metadata.deletionTimestamp) createError = await this.manage(key, rs, owned);
    await this.writeStatus(rs, this.currentPods(rs, selector), createError);
    const now = Date.now();
    const min = rs.spec?.minReadySeconds ?? 0;
    const waits = owned.map((p) => msUntilAvailable(p, min, now)).filter((x): x is number => x !== undefined);
    if (waits.length) this.queue.addAfter(key, Math.min(...waits) + 50);
    if (createError) throw new Error(createError);
  }

  /** Pods after this sync's writes, as far as the cache knows. */
  private currentPods(rs: KubeObject, selector: LabelSelector): KubeObject[] {
    return this.pods.list().filter((p) =>
      p.metadata.namespace === rs.metadata.namespace && getControllerOf(p)?.uid === rs.metadata.uid && matchesLabels(selector, p.metadata.labels));
  }

  private async adopt(rs: KubeObject, p: KubeObject): Promise<void> {
    const refs = [...(p.metadata.ownerReferences ?? []), controllerRef(rs)];
    await this.patchPod(p, { metadata: { ownerReferences: refs, resourceVersion: p.metadata.resourceVersion } });
  }

  private async release(rs: KubeObject, p: KubeObject): Promise<void> {
    const refs = (p.metadata.ownerReferences ?? []).filter((r) => r.uid !== rs.metadata.uid);
    await this.patchPod(p, { metadata: { ownerReferences: refs.length ? refs : null, resourceVersion: p.metadata.resourceVersion } });
  }

  private async patchPod(p: KubeObject, patch: unknown): Promise<void> {
    try {
      await this.client.patch(resourcePath(Pods, p.metadata.namespace, p.metadata.name), patch, 'merge');
    } catch (e) {
      // Gone or changed meanwhile: the resulting event brings a fresh sync.
      if (!isNotFoundError(e) && !isConflictError(e)) throw e;
    }
  }

  /** Creates or deletes pods; returns the message of a failed create, if any. */
  private async manage(key: string, rs: KubeObject, owned: KubeObject[]): Promise<string | undefined> {
    const diff = replicaSetDiff(rs, owned, this.opts.burstReplicas ?? BURST_REPLICAS);
    if (diff.create > 0) {
      this.expectations.expectCreations(key, diff.create);
      let left = diff.create;
      for (const size of slowStartBatches(diff.create)) {
        const results = await Promise.allSettled(Array.from({ length: size }, () => this.createPod(rs)));
        left -= size;
        const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed.length) {
          // The failures and the batches never tried will not show up in the informer.
          this.expectations.creationObserved(key, failed.length + left);
          return `${(failed[0].reason as Error).message}`;
        }
      }
    }
    if (diff.delete.length) {
      this.expectations.expectDeletions(key, diff.delete.map(keyOf));
      await Promise.all(diff.delete.map(async (p) => {
        try {
          await this.client.delete(resourcePath(Pods, p.metadata.namespace, p.metadata.name));
          this.recorder.emit(rs, { type: 'Normal', reason: 'SuccessfulDelete', message: `Deleted pod: ${p.metadata.name}` });
        } catch (e) {
          this.expectations.deletionObserved(key, keyOf(p));
          if (!isNotFoundError(e)) {
            this.recorder.emit(rs, { type: 'Warning', reason: 'FailedDelete', message: `Error deleting: ${(e as Error).message}` });
            throw e;
          }
        }
      }));
    }
    return undefined;
  }

  private async createPod(rs: KubeObject): Promise<void> {
    try {
      const pod = await this.client.create<KubeObject>(resourcePath(Pods, rs.metadata.namespace), podFromTemplate(rs));
      this.recorder.emit(rs, { type: 'Normal', reason: 'SuccessfulCreate', message: `Created pod: ${pod.metadata.name}` });
    } catch (e) {
      this.recorder.emit(rs, { type: 'Warning', reason: 'FailedCreate', message: `Error creating: ${(e as Error).message}` });
      throw e;
    }
  }

  private async writeStatus(rs: KubeObject, pods: KubeObject[], createError: string | undefined): Promise<void> {
    let cur = rs;
    for (let attempt = 0; attempt < 2; attempt++) {
      const status = { ...(cur.status ?? {}), ...replicaSetStatus(cur, pods, Date.now(), createError, rfc3339()) };
      if (!status.conditions) delete status.conditions;
      if (jsonEqual(status, cur.status ?? {})) return;
      try {
        await this.client.update(resourcePath(ReplicaSets, cur.metadata.namespace, cur.metadata.name, 'status'), { ...cur, status });
        return;
      } catch (e) {
        if (isNotFoundError(e)) return;
        if (!isConflictError(e) || attempt) throw e;
        cur = await this.client.get<KubeObject>(resourcePath(ReplicaSets, rs.metadata.namespace, rs.metadata.name));
      }
    }
  }
}

function selectorOf(rs: KubeObject): LabelSelector | undefined {
  try {
    return fromLabelSelectorObject(rs.spec?.selector);
  } catch {
    return undefined;
  }
}
