// The API writes a Deployment sync makes, keeping the caller's copies fresh
// so later steps of the same sync see earlier ones.
import { deepClone, jsonEqual, type KubeObject } from '../../api/object.js';
import type { EventRecorder } from '../../client/events.js';
import type { RestClient } from '../../client/rest.js';
import { Deployments, ReplicaSets, resourcePath } from '../../client/resources.js';
import { desiredReplicas, maxSurge } from './fenceposts.js';
import { REVISION, replicasAnnotationsNeedUpdate, setReplicasAnnotations, specReplicas } from './replicasets.js';
import type { DeploymentStatus } from './progress.js';

export class DeploymentWriter {
  constructor(private readonly client: RestClient, private readonly recorder: EventRecorder) {}

  /** scaleReplicaSetAndRecordEvent: resizes and refreshes the replica annotations; returns the RS as stored. */
  async scaleReplicaSet(rs: KubeObject, replicas: number, d: KubeObject): Promise<{ rs: KubeObject; scaled: boolean }> {
    const from = specReplicas(rs);
    const sizeChanges = from !== replicas;
    const desired = desiredReplicas(d), max = desired + maxSurge(d);
    if (!sizeChanges && !replicasAnnotationsNeedUpdate(rs, desired, max)) return { rs, scaled: false };
    const next = deepClone(rs);
    next.spec = { ...next.spec, replicas };
    setReplicasAnnotations(next, desired, max);
    const stored = await this.client.update<KubeObject>(resourcePath(ReplicaSets, rs.metadata.namespace, rs.metadata.name), next);
    if (sizeChanges) {
      const dir = replicas > from ? 'up' : 'down';
      this.recorder.emit(d, { type: 'Normal', reason: 'ScalingReplicaSet', message: `Scaled ${dir} replica set ${rs.metadata.name} to ${replicas} from ${from}` });
    }
    return { rs: { apiVersion: 'apps/v1', kind: 'ReplicaSet', ...stored }, scaled: sizeChanges };
  }

  async updateReplicaSet(rs: KubeObject): Promise<KubeObject> {
    const stored = await this.client.update<KubeObject>(resourcePath(ReplicaSets, rs.metadata.namespace, rs.metadata.name), rs);
    return { apiVersion: 'apps/v1', kind: 'ReplicaSet', ...stored };
  }

  async createReplicaSet(rs: KubeObject): Promise<KubeObject> {
    const stored = await this.client.create<KubeObject>(resourcePath(ReplicaSets, rs.metadata.namespace), rs);
    return { apiVersion: 'apps/v1', kind: 'ReplicaSet', ...stored };
  }

  async deleteReplicaSet(rs: KubeObject): Promise<void> {
    await this.client.delete(resourcePath(ReplicaSets, rs.metadata.namespace, rs.metadata.name), {
      propagationPolicy: 'Background', preconditions: { uid: rs.metadata.uid, resourceVersion: rs.metadata.resourceVersion },
    });
  }

  /** Writes status if it differs; mutates `d` to the stored version. */
  async updateStatus(d: KubeObject, status: DeploymentStatus): Promise<void> {
    if (jsonEqual(status, d.status ?? {})) return;
    const stored = await this.client.update<KubeObject>(resourcePath(Deployments, d.metadata.namespace, d.metadata.name, 'status'), { ...d, status });
    d.status = stored.status;
    d.metadata = stored.metadata;
  }

  /** The revision annotation lives in metadata, which /status does not write here. */
  async setRevision(d: KubeObject, revision: string): Promise<void> {
    if (d.metadata.annotations?.[REVISION] === revision) return;
    const stored = await this.client.patch<KubeObject>(resourcePath(Deployments, d.metadata.namespace, d.metadata.name),
      { metadata: { annotations: { [REVISION]: revision }, resourceVersion: d.metadata.resourceVersion } }, 'merge');
    d.metadata = stored.metadata;
  }
}
