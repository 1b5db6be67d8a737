// apps/v1 defaults: SetDefaults_Deployment and SetDefaults_ReplicaSet, plus the
// pod template's PodSpec defaults.

import type { KubeObject } from '../object.js';
import { defaultPodTemplate } from './podspec.js';

 
type Obj = Record<string, any>;

export function defaultDeployment(d: KubeObject): void {
  const spec: Obj = (d.spec ??= {});
  spec.replicas ??= 1;
  const strategy: Obj = (spec.strategy ??= {});
  strategy.type ||= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru: Obj = (strategy.rollingUpdate ??= {});
    ru.maxUnavailable ??= '25%';
    ru.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultPodTemplate(spec.template);
}

export function defaultReplicaSet(rs: KubeObject): void {
  const spec: Obj = (rs.spec ??= {});
  spec.replicas ??= 1;
  defaultPodTemplate(spec.template);
}
