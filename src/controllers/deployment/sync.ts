// One Deployment sync (sync.go, rolling.go, recreate.go, progress.go): the
// decisions are the pure functions beside this file; this sequences the writes.
import { deepClone, jsonEqual, type KubeObject } from '../../api/object.js';
import { isAlreadyExistsError, isNotFoundError } from '../../client/rest.js';
import type { EventRecorder } from '../../client/events.js';
import type { RestClient } from '../../client/rest.js';
import { ReplicaSets, resourcePath } from '../../client/resources.js';
import { rfc3339 } from '../../util/time.js';
import { controllerRef, getControllerOf } from '../replicaset/pod-util.js';
import { getCondition, newCondition, Reasons, setCondition } from './conditions.js';
import { computeHash } from './hash.js';
import { calculateStatus, deploymentComplete, hasProgressDeadline, rolloutStatus } from './progress.js';
import {
  activeReplicaSets, actualReplicaCount, equalIgnoreHash, findNewReplicaSet, findOldReplicaSets, maxRevision,
  REVISION, revisionOf, setNewReplicaSetAnnotations, TEMPLATE_HASH_LABEL,
} from './replicasets.js';
import { reconcileNewReplicaSet, reconcileOldReplicaSets, newRSNewReplicas, type ScaleChange } from './rolling.js';
import { isScalingEvent, proportionalScale } from './scale.js';
import { DeploymentWriter } from './writer.js';

export interface SyncResult {
  /** Look again after this long (progress deadline, availability), if set. */
  requeueAfterMs?: number;
}

export class DeploymentSync {
  private readonly w: DeploymentWriter;
  private requeueAfterMs: number | undefined;

  /** `d` and `rsList` are private copies; they are updated as writes land. */
  constructor(
    private readonly client: RestClient,
    private readonly recorder: EventRecorder,
    private readonly d: KubeObject,
    private rsList: KubeObject[],
    private readonly pods: KubeObject[],
  ) {
    this.w = new DeploymentWriter(client, recorder);
  }

  async run(): Promise<SyncResult> {
    const d = this.d;
    if (d.metadata.deletionTimestamp) {
      await this.syncStatusOnly();
      return {};
    }
    await this.checkPausedConditions();
    if (d.spec?.paused || isScalingEvent(d, this.rsList)) await this.scaleOnly();
    else if (d.spec?.strategy?.type === 'Recreate') await this.rolloutRecreate();
    else await this.rolloutRolling();
    return { requeueAfterMs: this.requeueAfterMs };
  }

  // --- strategies ----------------------------------------------------------

  private async rolloutRolling(): Promise<void> {
    const { newRS, oldRSs } = await this.replicaSetsAndSyncRevision(true);
    const all = () => [...this.olds(oldRSs), ...(newRS ? [this.cur(newRS)] : [])];
    if (newRS) {
      const target = reconcileNewReplicaSet(this.d, all(), this.cur(newRS));
      if (target !== undefined && (await this.apply([{ rs: this.cur(newRS), replicas: target }]))) return this.syncRolloutStatus(all(), this.cur(newRS));
    }
    const changes = reconcileOldReplicaSets(this.d, activeReplicaSets(this.olds(oldRSs)), newRS && this.cur(newRS));
    if (await this.apply(changes)) return this.syncRolloutStatus(all(), newRS && this.cur(newRS));
    if (deploymentComplete(this.d, this.d.status ?? {})) await this.cleanup(this.olds(oldRSs));
    return this.syncRolloutStatus(all(), newRS && this.cur(newRS));
  }

  private async rolloutRecreate(): Promise<void> {
    let { newRS, oldRSs } = await this.replicaSetsAndSyncRevision(false);
    const all = () => [...this.olds(oldRSs), ...(newRS ? [this.cur(newRS)] : [])];
    const downs = activeReplicaSets(this.olds(oldRSs)).map((rs) => ({ rs, replicas: 0 }));
    if (await this.apply(downs)) return this.syncRolloutStatus(all(), newRS && this.cur(newRS));
    if (this.oldPodsRunning(newRS, this.olds(oldRSs))) return this.syncRolloutStatus(all(), newRS && this.cur(newRS));
    if (!newRS) ({ newRS, oldRSs } = await this.replicaSetsAndSyncRevision(true));
    if (newRS) await this.apply([{ rs: this.cur(newRS), replicas: this.d.spec?.replicas ?? 1 }]);
    if (deploymentComplete(this.d, this.d.status ?? {})) await this.cleanup(this.olds(oldRSs));
    return this.syncRolloutStatus(all(), newRS && this.cur(newRS));
  }

  /** sync(): a paused Deployment or a pure resize, without rolling anything. */
  private async scaleOnly(): Promise<void> {
    const { newRS, oldRSs } = await this.replicaSetsAndSyncRevision(false);
    await this.apply(proportionalScale(this.d, newRS && this.cur(newRS), this.olds(oldRSs)));
    if (this.d.spec?.paused) await this.cleanup(this.olds(oldRSs));
    const all = [...this.olds(oldRSs), ...(newRS ? [this.cur(newRS)] : [])];
    await this.w.updateStatus(this.d, calculateStatus(this.d, all, newRS && this.cur(newRS), rfc3339()));
  }

  private async syncStatusOnly(): Promise<void> {
    const { newRS, oldRSs } = await this.replicaSetsAndSyncRevision(false);
    const all = [...this.olds(oldRSs), ...(newRS ? [this.cur(newRS)] : [])];
    await this.w.updateStatus(this.d, calculateStatus(this.d, all, newRS && this.cur(newRS), rfc3339()));
  }

  // --- helpers -------------------------------------------------------------

  /** The freshest copy of an RS this sync has seen. */
  private cur(rs: KubeObject): KubeObject {
    return this.rsList.find((x) => x.metadata.uid === rs.metadata.uid) ?? rs;
  }

  private olds(oldRSs: KubeObject[]): KubeObject[] {
    return oldRSs.map((rs) => this.cur(rs));
  }

  private remember(rs: KubeObject): void {
    this.rsList = [...this.rsList.filter((x) => x.metadata.uid !== rs.metadata.uid), rs];
  }

  /** Applies scale changes in order; true if any replica count changed. */
  private async apply(changes: ScaleChange[]): Promise<boolean> {
    let scaled = false;
    for (const c of changes) {
      const r = await this.w.scaleReplicaSet(this.cur(c.rs), c.replicas, this.d);
      this.remember(r.rs);
      scaled ||= r.scaled;
    }
    return scaled;
  }

  private oldPodsRunning(newRS: KubeObject | undefined, oldRSs: KubeObject[]): boolean {
    if (actualReplicaCount(oldRSs) > 0) return true;
    const owned = new Set(this.rsList.map((rs) => rs.metadata.uid));
    return this.pods.some((p) => {
      const ref = getControllerOf(p);
      if (!ref || !owned.has(ref.uid) || ref.uid === newRS?.metadata.uid) return false;
      return p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded';
    });
  }

  private async checkPausedConditions(): Promise<void> {
    const d = this.d;
    if (!hasProgressDeadline(d)) return;
    const cond = getCondition(d.status?.conditions, 'Progressing');
    if (cond?.reason === Reasons.TimedOut) return;
    const pausedCond = cond?.reason === Reasons.Paused;
    const now = rfc3339();
    let c;
    if (d.spec?.paused && !pausedCond) c = newCondition('Progressing', 'Unknown', Reasons.Paused, 'Deployment is paused', now);
    else if (!d.spec?.paused && pausedCond) c = newCondition('Progressing', 'Unknown', Reasons.Resumed, 'Deployment is resumed', now);
    if (!c) return;
    await this.w.updateStatus(d, { ...d.status, conditions: setCondition(deepClone(d.status?.conditions ?? []), c) });
  }

  /** getAllReplicaSetsAndSyncRevision + getNewReplicaSet. */
  private async replicaSetsAndSyncRevision(create: boolean): Promise<{ newRS?: KubeObject; oldRSs: KubeObject[] }> {
    const d = this.d;
    const existing = findNewReplicaSet(d, this.rsList);
    const oldRSs = findOldReplicaSets(existing, this.rsList);
    const newRevision = maxRevision(oldRSs) + 1;
    const now = rfc3339();
    if (existing) {
      const copy = deepClone(existing);
      const changed = setNewReplicaSetAnnotations(d, copy, newRevision, true);
      const minReady = d.spec?.minReadySeconds ?? 0;
      if (changed || (copy.spec?.minReadySeconds ?? 0) !== minReady) {
        copy.spec = { ...copy.spec, minReadySeconds: minReady };
        this.remember(await this.w.updateReplicaSet(copy));
      }
      const newRS = this.cur(existing);
      await this.w.setRevision(d, newRS.metadata.annotations?.[REVISION] ?? String(revisionOf(newRS)));
      if (hasProgressDeadline(d) && !getCondition(d.status?.conditions, 'Progressing')) {
        const c = newCondition('Progressing', 'True', Reasons.FoundNewRS, `Found new replica set "${newRS.metadata.name}"`, now);
        await this.w.updateStatus(d, { ...d.status, conditions: setCondition(deepClone(d.status?.conditions ?? []), c) });
      }
      return { newRS, oldRSs };
    }
    if (!create) return { oldRSs };
    return { newRS: await this.createNewReplicaSet(oldRSs, newRevision, now), oldRSs };
  }

  private async createNewReplicaSet(oldRSs: KubeObject[], newRevision: number, now: string): Promise<KubeObject | undefined> {
    const d = this.d;
    const template = deepClone(d.spec?.template ?? {});
    const hash = computeHash(template, d.status?.collisionCount);
    template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [TEMPLATE_HASH_LABEL]: hash } };
    const selector = deepClone(d.spec?.selector ?? {});
    selector.matchLabels = { ...selector.matchLabels, [TEMPLATE_HASH_LABEL]: hash };
    const rs: KubeObject = {
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: { name: `${d.metadata.name}-${hash}`, namespace: d.metadata.namespace, labels: { ...template.metadata.labels }, ownerReferences: [controllerRef(d)] },
      spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
    };
    rs.spec.replicas = newRSNewReplicas(d, [...oldRSs, rs], rs);
    setNewReplicaSetAnnotations(d, rs, newRevision, false);
    let created: KubeObject;
    let alreadyExists = false;
    try {
      created = await this.w.createReplicaSet(rs);
    } catch (e) {
      if (isAlreadyExistsError(e)) {
        const other = await this.client.get<KubeObject>(resourcePath(ReplicaSets, rs.metadata.namespace, rs.metadata.name));
        if (getControllerOf(other)?.uid === d.metadata.uid && equalIgnoreHash(d.spec?.template, other.spec?.template)) {
          created = { apiVersion: 'apps/v1', kind: 'ReplicaSet', ...other };
          alreadyExists = true;
        } else {
          // A hash collision: a different template already owns the name; the next sync hashes with a new count.
          await this.w.updateStatus(d, { ...d.status, collisionCount: (d.status?.collisionCount ?? 0) + 1 });
          throw new Error(`replica set ${rs.metadata.name} exists with a different template: hash collision`, { cause: e });
        }
      } else {
        const msg = `Failed to create new replica set "${rs.metadata.name}": ${(e as Error).message}`;
        this.recorder.emit(d, { type: 'Warning', reason: 'FailedCreate', message: msg });
        if (hasProgressDeadline(d)) {
          const c = newCondition('Progressing', 'False', Reasons.FailedRSCreate, msg, now);
          await this.w.updateStatus(d, { ...d.status, conditions: setCondition(deepClone(d.status?.conditions ?? []), c) });
        }
        throw e;
      }
    }
    this.remember(created);
    if (!alreadyExists && (rs.spec.replicas ?? 0) > 0) {
      this.recorder.emit(d, { type: 'Normal', reason: 'ScalingReplicaSet', message: `Scaled up replica set ${created.metadata.name} to ${rs.spec.replicas} from 0` });
    }
    await this.w.setRevision(d, String(newRevision));
    if (!alreadyExists && hasProgressDeadline(d)) {
      const c = newCondition('Progressing', 'True', Reasons.NewRSCreated, `Created new replica set "${created.metadata.name}"`, now);
      await this.w.updateStatus(d, { ...d.status, conditions: setCondition(deepClone(d.status?.conditions ?? []), c) });
    }
    return created;
  }

  /** Old, empty, settled RSs beyond revisionHistoryLimit go, oldest revision first. */
  private async cleanup(oldRSs: KubeObject[]): Promise<void> {
    const limit = this.d.spec?.revisionHistoryLimit;
    if (limit === undefined || limit === null) return;
    const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
    const diff = cleanable.length - limit;
    if (diff <= 0) return;
    const byRevision = [...cleanable].sort((a, b) => revisionOf(a) - revisionOf(b) || (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''));
    for (const rs of byRevision.slice(0, diff)) {
      if ((rs.status?.replicas ?? 0) !== 0 || (rs.spec?.replicas ?? 0) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
      try {
        await this.w.deleteReplicaSet(rs);
      } catch (e) {
        if (!isNotFoundError(e)) throw e;
      }
    }
  }

  private async syncRolloutStatus(allRSs: KubeObject[], newRS: KubeObject | undefined): Promise<void> {
    const r = rolloutStatus(this.d, allRSs, newRS, rfc3339(), Date.now());
    if (!jsonEqual(r.status, this.d.status ?? {})) await this.w.updateStatus(this.d, r.status);
    if (r.recheckAfterMs !== undefined) this.requeueAfterMs = r.recheckAfterMs;
  }
}
