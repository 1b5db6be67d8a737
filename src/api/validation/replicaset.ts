// ReplicaSet validation (pkg/apis/apps/validation, plus the apps/v1 strategy's
// selector immutability).

import type { KubeObject } from '../object.js';
import type { FieldError } from '../status.js';
import { validateObjectMeta, validateObjectMetaUpdate, validateImmutableField } from './meta.js';
import { validateSelectorAndTemplate } from './workload.js';
import { validateReplicaCounts } from './deployment.js';
import { nonNegative } from './errors.js';

 
type Obj = Record<string, any>;

const validateSpec = (s: Obj = {}): FieldError[] => [
  ...nonNegative(s.replicas ?? 0, 'spec.replicas'),
  ...nonNegative(s.minReadySeconds ?? 0, 'spec.minReadySeconds'),
  ...validateSelectorAndTemplate(s, 'spec'),
];

export const validateReplicaSetCreate = (rs: KubeObject): FieldError[] => [
  ...validateObjectMeta(rs.metadata, { namespaced: true, nameRule: 'dns1123-subdomain' }),
  ...validateSpec(rs.spec),
];

export const validateReplicaSetUpdate = (rs: KubeObject, old: KubeObject): FieldError[] => [
  ...validateObjectMetaUpdate(rs.metadata, old.metadata),
  ...validateSpec(rs.spec),
  ...validateImmutableField(rs.spec?.selector, old.spec?.selector, 'spec.selector'),
];

export const validateReplicaSetStatusUpdate = (rs: KubeObject, old: KubeObject): FieldError[] => [
  ...validateObjectMetaUpdate(rs.metadata, old.metadata),
  ...validateReplicaCounts(rs.status ?? {}, ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'], 'status'),
];
