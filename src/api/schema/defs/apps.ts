// apps/v1 Deployment and ReplicaSet; autoscaling/v1 Scale (their scale subresource).

import {
  APPS, AUTOSCALING, CORE, META, bool, int32, int64, intOrString, mapList, obj, ref, resource, str, time,
} from '../build.js';
import type { SchemaMap } from '../types.js';

const a = (n: string) => APPS + n;
const condition = (what: string, extra = {}) => obj(`One condition of a ${what}.`, {
  type: str('Condition type.'),
  status: str('True, False or Unknown.'),
  ...extra,
  lastTransitionTime: time('When status last changed.'),
  reason: str('CamelCase reason for the last transition.'),
  message: str('Human-readable detail.'),
}, { required: ['type', 'status'] });

export const appsDefs: SchemaMap = {
  [a('Deployment')]: resource({ group: 'apps', version: 'v1', kind: 'Deployment' }, 'Declarative updates of a set of identical pods, through ReplicaSets.', {
    spec: ref(a('DeploymentSpec'), 'Desired behaviour of the deployment.'),
    status: ref(a('DeploymentStatus'), 'Most recently observed state of the deployment.'),
  }),
  [a('DeploymentSpec')]: obj('Desired behaviour of a deployment.', {
    replicas: int32('Desired number of pods; default 1.'),
    selector: ref(META + 'LabelSelector', 'Pods the deployment manages; must match the template labels.'),
    template: ref(CORE + 'PodTemplateSpec', 'Template of the pods to create.'),
    strategy: { ...ref(a('DeploymentStrategy'), 'How old pods are replaced by new ones.'), 'x-kubernetes-patch-strategy': 'retainKeys' },
    minReadySeconds: int32('Seconds a new pod must be ready before it counts as available.'),
    revisionHistoryLimit: int32('Old ReplicaSets to keep for rollback; default 10.'),
    paused: bool('Stop rolling out template changes.'),
    progressDeadlineSeconds: int32('Seconds without progress before the rollout is reported as stalled; default 600.'),
  }, { required: ['selector', 'template'] }),
  [a('DeploymentStrategy')]: obj('How a deployment replaces pods.', {
    type: str('Recreate or RollingUpdate (default).', { enum: ['Recreate', 'RollingUpdate'] }),
    rollingUpdate: ref(a('RollingUpdateDeployment'), 'Settings for RollingUpdate.'),
  }),
  [a('RollingUpdateDeployment')]: obj('Pace of a rolling update.', {
    maxUnavailable: intOrString('Pods (number or percentage) that may be unavailable during the update; default 25%.'),
    maxSurge: intOrString('Pods (number or percentage) that may exist above the desired count; default 25%.'),
  }),
  [a('DeploymentStatus')]: obj('Observed state of a deployment.', {
    observedGeneration: int64('Generation the controller last acted on.'),
    replicas: int32('Pods targeted by the deployment.'),
    updatedReplicas: int32('Pods matching the current template.'),
    readyReplicas: int32('Pods that are ready.'),
    availableReplicas: int32('Pods ready for at least minReadySeconds.'),
    unavailableReplicas: int32('Pods still needed for full availability.'),
    conditions: mapList(a('DeploymentCondition'), 'type', 'Current conditions: Available, Progressing, ReplicaFailure.'),
    collisionCount: int32('Count of template hash collisions, used to vary the hash.'),
  }),
  [a('DeploymentCondition')]: condition('deployment', { lastUpdateTime: time('When the condition was last updated.') }),

  [a('ReplicaSet')]: resource({ group: 'apps', version: 'v1', kind: 'ReplicaSet' }, 'Keeps a number of identical pods running.', {
    spec: ref(a('ReplicaSetSpec'), 'Desired behaviour of the replica set.'),
    status: ref(a('ReplicaSetStatus'), 'Most recently observed state of the replica set.'),
  }),
  [a('ReplicaSetSpec')]: obj('Desired behaviour of a replica set.', {
    replicas: int32('Desired number of pods; default 1.'),
    minReadySeconds: int32('Seconds a new pod must be ready before it counts as available.'),
    selector: ref(META + 'LabelSelector', 'Pods the replica set manages; must match the template labels.'),
    template: ref(CORE + 'PodTemplateSpec', 'Template of the pods to create.'),
  }, { required: ['selector'] }),
  [a('ReplicaSetStatus')]: obj('Observed state of a replica set.', {
    replicas: int32('Pods currently matching the selector.'),
    fullyLabeledReplicas: int32('Pods whose labels match the template.'),
    readyReplicas: int32('Pods that are ready.'),
    availableReplicas: int32('Pods ready for at least minReadySeconds.'),
    observedGeneration: int64('Generation the controller last acted on.'),
    conditions: mapList(a('ReplicaSetCondition'), 'type', 'Current conditions.'),
  }, { required: ['replicas'] }),
  [a('ReplicaSetCondition')]: condition('replica set'),

  [AUTOSCALING + 'Scale']: resource({ group: 'autoscaling', version: 'v1', kind: 'Scale' }, 'The replica count of a scalable resource.', {
    spec: ref(AUTOSCALING + 'ScaleSpec', 'Desired scale.'),
    status: ref(AUTOSCALING + 'ScaleStatus', 'Current scale; read-only.'),
  }),
  [AUTOSCALING + 'ScaleSpec']: obj('Desired scale.', { replicas: int32('Desired number of replicas.') }),
  [AUTOSCALING + 'ScaleStatus']: obj('Current scale.', {
    replicas: int32('Observed number of replicas.'),
    selector: str('Label selector of the pods, in string form.'),
  }, { required: ['replicas'] }),
};
