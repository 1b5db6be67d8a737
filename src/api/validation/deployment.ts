// Deployment validation (pkg/apis/apps/validation, plus the apps/v1 strategy's
// selector immutability).

import type { KubeObject } from '../object.js';
import type { FieldError } from '../status.js';
import { validateObjectMeta, validateObjectMetaUpdate, validateImmutableField } from './meta.js';
import { isValidPercent } from './syntax-extra.js';
import { validateSelectorAndTemplate } from './workload.js';
import { child, forbidden, invalid, isObj, nonNegative, notSupported, required } from './errors.js';

 
type Obj = Record<string, any>;

function intOrPercent(v: unknown, field: string): FieldError[] {
  if (typeof v === 'string') return isValidPercent(v).map((m) => invalid(field, v, m));
  if (typeof v === 'number') return nonNegative(v, field);
  return [invalid(field, v ?? null, "must be an integer or percentage (e.g '5%')")];
}

const intOrPercentValue = (v: unknown): number =>
  typeof v === 'number' ? v : typeof v === 'string' && isValidPercent(v).length === 0 ? Number(v.slice(0, -1)) : 0;

function validateStrategy(s: Obj | undefined, field: string): FieldError[] {
  const st = s ?? {};
  const ru = child(field, 'rollingUpdate');
  switch (st.type) {
    case 'Recreate':
      return st.rollingUpdate != null ? [forbidden(ru, "may not be specified when strategy `type` is 'Recreate'")] : [];
    case 'RollingUpdate': {
      if (!isObj(st.rollingUpdate)) return [required(ru, 'this should be defaulted and never be nil')];
      const { maxUnavailable: mu, maxSurge: ms } = st.rollingUpdate;
      const errs = [...intOrPercent(mu, child(ru, 'maxUnavailable')), ...intOrPercent(ms, child(ru, 'maxSurge'))];
      if (intOrPercentValue(mu) === 0 && intOrPercentValue(ms) === 0) errs.push(invalid(child(ru, 'maxUnavailable'), mu ?? 0, 'may not be 0 when `maxSurge` is 0'));
      if (typeof mu === 'string' && isValidPercent(mu).length === 0 && intOrPercentValue(mu) > 100)
        errs.push(invalid(child(ru, 'maxUnavailable'), mu, 'must not be greater than 100%'));
      return errs;
    }
    default:
      return [notSupported(field, st, ['Recreate', 'RollingUpdate'])];
  }
}

function validateDeploymentSpec(spec: Obj | undefined): FieldError[] {
  const s = spec ?? {};
  const errs = [...nonNegative(s.replicas ?? 0, 'spec.replicas'), ...validateSelectorAndTemplate(s, 'spec')];
  errs.push(...validateStrategy(s.strategy, 'spec.strategy'));
  errs.push(...nonNegative(s.minReadySeconds ?? 0, 'spec.minReadySeconds'));
  if (s.revisionHistoryLimit != null) errs.push(...nonNegative(s.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  if (s.progressDeadlineSeconds != null) {
    errs.push(...nonNegative(s.progressDeadlineSeconds, 'spec.progressDeadlineSeconds'));
    if (s.progressDeadlineSeconds <= (s.minReadySeconds ?? 0))
      errs.push(invalid('spec.progressDeadlineSeconds', s.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
  }
  return errs;
}

export const validateDeploymentCreate = (d: KubeObject): FieldError[] => [
  ...validateObjectMeta(d.metadata, { namespaced: true, nameRule: 'dns1123-subdomain' }),
  ...validateDeploymentSpec(d.spec),
];

export const validateDeploymentUpdate = (d: KubeObject, old: KubeObject): FieldError[] => [
  ...validateObjectMetaUpdate(d.metadata, old.metadata),
  ...validateDeploymentSpec(d.spec),
  ...validateImmutableField(d.spec?.selector, old.spec?.selector, 'spec.selector'),
];

/** Replica counts in status; shared with ReplicaSets (their fields differ slightly). */
export function validateReplicaCounts(st: Obj, fields: string[], field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of fields) errs.push(...nonNegative(st[f] ?? 0, child(field, f)));
  if (st.collisionCount != null) errs.push(...nonNegative(st.collisionCount, child(field, 'collisionCount')));
  const msg = 'cannot be greater than status.replicas';
  const replicas = st.replicas ?? 0;
  for (const f of fields.filter((x) => ['updatedReplicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'].includes(x)))
    if ((st[f] ?? 0) > replicas) errs.push(invalid(child(field, f), st[f] ?? 0, msg));
  if ((st.availableReplicas ?? 0) > (st.readyReplicas ?? 0)) errs.push(invalid(child(field, 'availableReplicas'), st.availableReplicas, 'cannot be greater than readyReplicas'));
  return errs;
}

export function validateDeploymentStatusUpdate(d: KubeObject, old: KubeObject): FieldError[] {
  const st: Obj = d.status ?? {};
  const errs = [
    ...validateObjectMetaUpdate(d.metadata, old.metadata),
    ...validateReplicaCounts(st, ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'], 'status'),
  ];
  const oc = old.status?.collisionCount;
  if (oc != null && (st.collisionCount == null || st.collisionCount < oc)) errs.push(invalid('status.collisionCount', st.collisionCount ?? 0, 'cannot be decremented'));
  return errs;
}
