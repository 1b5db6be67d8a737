// coordination.k8s.io/v1 Lease validation (ValidateLease in pkg/apis/coordination/validation).

import type { KubeObject } from '../object.js';
import type { FieldError } from '../status.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { forbidden, invalid, isNegativeErrorMsg, isObj, notSupported } from './errors.js';

const STRATEGIES = ['OldestEmulationVersion'];

function validateLeaseSpec(spec: unknown): FieldError[] {
  if (!isObj(spec)) return [];
  const errs: FieldError[] = [];
  const { leaseDurationSeconds: d, leaseTransitions: t, strategy, preferredHolder } = spec;
  if (typeof d === 'number' && d <= 0) errs.push(invalid('spec.leaseDurationSeconds', d, 'must be greater than 0'));
  if (typeof t === 'number' && t < 0) errs.push(invalid('spec.leaseTransitions', t, isNegativeErrorMsg));
  if (typeof strategy === 'string' && strategy !== '' && !STRATEGIES.includes(strategy)) errs.push(notSupported('spec.strategy', strategy, STRATEGIES));
  if (typeof preferredHolder === 'string' && preferredHolder !== '' && !strategy) {
    errs.push(forbidden('spec.preferredHolder', 'may only be specified if `strategy` is defined'));
  }
  return errs;
}

export const validateLeaseCreate = (l: KubeObject): FieldError[] =>
  [...validateObjectMeta(l.metadata, { namespaced: true, nameRule: 'dns1123-subdomain' }), ...validateLeaseSpec(l.spec)];

export const validateLeaseUpdate = (l: KubeObject, old: KubeObject): FieldError[] =>
  [...validateObjectMetaUpdate(l.metadata, old.metadata), ...validateLeaseSpec(l.spec)];
