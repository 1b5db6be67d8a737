// Namespace validation (ValidateNamespace*, pkg/apis/core/validation).

import type { KubeObject } from '../object.js';
import type { FieldError } from '../status.js';
import { isQualifiedName } from './syntax.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { arr, each, index, invalid } from './errors.js';

const standardFinalizers = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

function finalizerName(f: string, field: string): FieldError[] {
  const errs = each(field, f, isQualifiedName(f));
  if (!f.includes('/') && !standardFinalizers.has(f)) errs.push(invalid(field, f, 'name is neither a standard finalizer name nor is it fully qualified'));
  return errs;
}

export const validateNamespaceCreate = (ns: KubeObject): FieldError[] => [
  ...validateObjectMeta(ns.metadata, { namespaced: false, nameRule: 'dns1123-label' }),
  // Kubernetes reports these at spec.finalizers, without an index.
  ...arr<string>(ns.spec?.finalizers).flatMap((f) => finalizerName(String(f), 'spec.finalizers')),
];

/** spec is only changed through the finalize subresource; see validateNamespaceFinalize. */
export const validateNamespaceUpdate = (ns: KubeObject, old: KubeObject): FieldError[] => validateObjectMetaUpdate(ns.metadata, old.metadata);

export function validateNamespaceStatusUpdate(ns: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(ns.metadata, old.metadata);
  const phase = ns.status?.phase ?? '';
  if (!ns.metadata?.deletionTimestamp) {
    if (phase !== 'Active') errs.push(invalid('status.Phase', phase, "may only be 'Active' if `deletionTimestamp` is empty"));
  } else if (phase !== 'Terminating') {
    errs.push(invalid('status.Phase', phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"));
  }
  return errs;
}

export const validateNamespaceFinalize = (ns: KubeObject, old: KubeObject): FieldError[] => [
  ...validateObjectMetaUpdate(ns.metadata, old.metadata),
  ...arr<string>(ns.spec?.finalizers).flatMap((f, i) => finalizerName(String(f), index('spec.finalizers', i))),
];
