// Entry points the API server calls: create, update and status-update validation by
// resource (plural). Other resources (Services) plug in through registerValidator.

import type { KubeObject } from '../object.js';
import type { FieldError } from '../status.js';
import { validatePodCreate, validatePodStatusUpdate, validatePodUpdate } from './pod.js';
import { validateDeploymentCreate, validateDeploymentStatusUpdate, validateDeploymentUpdate } from './deployment.js';
import { validateReplicaSetCreate, validateReplicaSetStatusUpdate, validateReplicaSetUpdate } from './replicaset.js';
import { validateNamespaceCreate, validateNamespaceStatusUpdate, validateNamespaceUpdate } from './namespace.js';
import { validateNodeCreate, validateNodeUpdate } from './node.js';
import { validateEndpointsCreate, validateEndpointsUpdate } from './endpoints.js';
import { validateEndpointSliceCreate, validateEndpointSliceUpdate } from './endpointslice.js';
import { validateEventCreate, validateEventUpdate } from './event.js';
import { validateLeaseCreate, validateLeaseUpdate } from './lease.js';
import { validateConfigMapCreate, validateConfigMapUpdate, validateSecretCreate, validateSecretUpdate } from './config.js';
import { nameRuleFor, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';

export interface ResourceValidator {
  create(obj: KubeObject): FieldError[];
  update(obj: KubeObject, old: KubeObject): FieldError[];
  /** Only for resources with a status subresource that Kubernetes validates. */
  statusUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
}

const validators = new Map<string, ResourceValidator>([
  ['pods', { create: validatePodCreate, update: validatePodUpdate, statusUpdate: validatePodStatusUpdate }],
  ['deployments', { create: validateDeploymentCreate, update: validateDeploymentUpdate, statusUpdate: validateDeploymentStatusUpdate }],
  ['replicasets', { create: validateReplicaSetCreate, update: validateReplicaSetUpdate, statusUpdate: validateReplicaSetStatusUpdate }],
  ['namespaces', { create: validateNamespaceCreate, update: validateNamespaceUpdate, statusUpdate: validateNamespaceStatusUpdate }],
  ['nodes', { create: validateNodeCreate, update: validateNodeUpdate, statusUpdate: validateNodeUpdate }],
  ['endpoints', { create: validateEndpointsCreate, update: validateEndpointsUpdate }],
  ['endpointslices', { create: validateEndpointSliceCreate, update: validateEndpointSliceUpdate }],
  ['events', { create: validateEventCreate, update: validateEventUpdate }],
  ['leases', { create: validateLeaseCreate, update: validateLeaseUpdate }],
  ['configmaps', { create: validateConfigMapCreate, update: validateConfigMapUpdate }],
  ['secrets', { create: validateSecretCreate, update: validateSecretUpdate }],
]);

/** Adds or replaces the validator of a resource (e.g. 'services'). */
export function registerValidator(resource: string, v: ResourceValidator): void {
  validators.set(resource, v);
}

// Resources without their own rules still get the ObjectMeta checks. Namespaced-ness
// is a guess from the object here; the server knows better and can register one.
const fallback = (resource: string): ResourceValidator => ({
  create: (o) => validateObjectMeta(o.metadata, { namespaced: !!o.metadata?.namespace, nameRule: nameRuleFor(resource) }),
  update: (o, old) => validateObjectMetaUpdate(o.metadata, old.metadata),
});

const get = (resource: string): ResourceValidator => validators.get(resource) ?? fallback(resource);

export const validateCreate = (resource: string, obj: KubeObject): FieldError[] => get(resource).create(obj);
export const validateUpdate = (resource: string, obj: KubeObject, old: KubeObject): FieldError[] => get(resource).update(obj, old);

/** Status writes: the resource's status rules, or just the metadata update rules. */
export function validateStatusUpdate(resource: string, obj: KubeObject, old: KubeObject): FieldError[] {
  const v = get(resource);
  return v.statusUpdate ? v.statusUpdate(obj, old) : validateObjectMetaUpdate(obj.metadata, old.metadata);
}

export { validateObjectMeta, validateObjectMetaUpdate, nameRuleFor } from './meta.js';
export { carryOverMetaOnUpdate } from './meta.js';
