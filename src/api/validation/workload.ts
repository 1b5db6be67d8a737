// Shared by Deployments and ReplicaSets: the selector and the template it must match
// (ValidatePodTemplateSpecForReplicaSet in pkg/apis/apps/validation).

import type { FieldError } from '../status.js';
import { selectorIsEmpty, selectorMatches, validateLabelSelector, type LabelSelector } from './labels.js';
import { validatePodTemplateSpec } from './podspec.js';
import { child, forbidden, invalid, isObj, notSupported, required } from './errors.js';

 
type Obj = Record<string, any>;

export function validateSelectorAndTemplate(spec: Obj, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const selPath = child(field, 'selector');
  const sel = isObj(spec.selector) ? (spec.selector as LabelSelector) : undefined;
  if (!sel) errs.push(required(selPath));
  else {
    errs.push(...validateLabelSelector(sel, selPath));
    // ReplicaSets say "deployment" here too; Kubernetes shares the text.
    if (selectorIsEmpty(sel)) errs.push(invalid(selPath, sel, 'empty selector is invalid for deployment'));
  }
  const tplPath = child(field, 'template');
  const matches = selectorMatches(sel, spec.template?.metadata?.labels);
  if (matches === 'invalid') return [...errs, invalid(selPath, sel, 'invalid label selector')];
  if (!isObj(spec.template)) return [...errs, required(tplPath)];
  if (!selectorIsEmpty(sel) && !matches)
    errs.push(invalid(child(tplPath, 'metadata', 'labels'), spec.template.metadata?.labels ?? {}, '`selector` does not match template `labels`'));
  errs.push(...validatePodTemplateSpec(spec.template, tplPath));
  const rp = spec.template.spec?.restartPolicy;
  if (rp !== 'Always') errs.push(notSupported(child(tplPath, 'spec', 'restartPolicy'), rp ?? '', ['Always']));
  if (spec.template.spec?.activeDeadlineSeconds != null)
    errs.push(forbidden(child(tplPath, 'spec', 'activeDeadlineSeconds'), 'activeDeadlineSeconds in ReplicaSet is not Supported'));
  return errs;
}
