// ObjectMeta validation, as k8s.io/apimachinery/pkg/api/validation/objectmeta.go plus
// the extra finalizer rule pkg/apis/core/validation adds for built-in types.

import type { ObjectMeta } from '../object.js';
import { jsonEqual } from '../object.js';
import type { FieldError } from '../status.js';
import { isDNS1123Label, isQualifiedName } from './syntax.js';
import { validateName, type NameRule } from './syntax-extra.js';
import { validateLabels } from './labels.js';
import { arr, child, each, fieldImmutableErrorMsg, forbidden, index, invalid, isObj, nonNegative, required, tooLong } from './errors.js';

export type { NameRule };

export interface MetaOptions {
  namespaced: boolean;
  nameRule: NameRule;
}

export const totalAnnotationSizeLimitB = 256 * 1024;

const rules: Record<string, NameRule> = {
  namespaces: 'dns1123-label',
  services: 'dns1035-label',
  // RBAC names only need to survive as a path segment (pkg/apis/rbac/validation).
  roles: 'path-segment',
  clusterroles: 'path-segment',
  rolebindings: 'path-segment',
  clusterrolebindings: 'path-segment',
};

/** The name rule of a resource (plural). Pods, deployments, replicasets, endpoints,
 *  endpointslices, nodes, events and most others are DNS-1123 subdomains. */
export const nameRuleFor = (resource: string): NameRule => rules[resource] ?? 'dns1123-subdomain';

export function validateAnnotations(annotations: unknown, field: string): FieldError[] {
  if (!isObj(annotations)) return [];
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) {
    // Case does not matter for annotation keys.
    errs.push(...each(field, k, isQualifiedName(k.toLowerCase())));
    size += utf8Len(k) + utf8Len(typeof v === 'string' ? v : '');
  }
  if (size > totalAnnotationSizeLimitB) errs.push(tooLong(field, totalAnnotationSizeLimitB));
  return errs;
}

const utf8Len = (s: string): number => new TextEncoder().encode(s).length;

function parseGroupVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

export function validateOwnerReferences(refs: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = arr(refs);
  let firstController = '';
  for (const ref of list) {
    const r = isObj(ref) ? ref : {};
    const gv = parseGroupVersion(typeof r.apiVersion === 'string' ? r.apiVersion : '');
    if (!gv.version) errs.push(invalid(child(field, 'apiVersion'), r.apiVersion ?? '', 'version must not be empty'));
    if (!r.kind) errs.push(invalid(child(field, 'kind'), r.kind ?? '', 'must not be empty'));
    if (!r.name) errs.push(invalid(child(field, 'name'), r.name ?? '', 'must not be empty'));
    if (!r.uid) errs.push(invalid(child(field, 'uid'), r.uid ?? '', 'must not be empty'));
    if (gv.group === '' && gv.version === 'v1' && r.kind === 'Event')
      errs.push(invalid(field, ref, '/v1, Kind=Event is disallowed from being an owner'));
    if (r.controller === true) {
      const cur = `${r.kind}/${r.name}`;
      if (firstController)
        errs.push(invalid(field, list, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${cur}`));
      else firstController = cur;
    }
  }
  return errs;
}

const standardFinalizers = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

export function validateFinalizers(finalizers: unknown, field: string): FieldError[] {
  const list = arr<string>(finalizers);
  const errs: FieldError[] = [];
  for (const f of list) errs.push(...each(field, f, isQualifiedName(String(f))));
  if (list.includes('orphan') && list.includes('foregroundDeletion'))
    errs.push(invalid(field, list, 'finalizer orphan and foregroundDeletion cannot be both set'));
  // Built-in types also insist on a domain for non-standard finalizers.
  list.forEach((f, i) => {
    if (!String(f).includes('/') && !standardFinalizers.has(f))
      errs.push(invalid(index(field, i), f, 'name is neither a standard finalizer name nor is it fully qualified'));
  });
  return errs;
}

function validateCommon(meta: ObjectMeta, field: string): FieldError[] {
  return [
    ...nonNegative(meta.generation, child(field, 'generation')),
    ...validateLabels(meta.labels, child(field, 'labels')),
    ...validateAnnotations(meta.annotations, child(field, 'annotations')),
    ...validateOwnerReferences(meta.ownerReferences, child(field, 'ownerReferences')),
    ...validateFinalizers(meta.finalizers, child(field, 'finalizers')),
  ];
}

/** ValidateObjectMeta: on create, after name generation (if any) has run. */
export function validateObjectMeta(meta: ObjectMeta | undefined, opts: MetaOptions, field = 'metadata'): FieldError[] {
  const m = meta ?? {};
  const errs: FieldError[] = [];
  if (m.generateName) errs.push(...each(child(field, 'generateName'), m.generateName, validateName(opts.nameRule, m.generateName, true)));
  if (!m.name) errs.push(required(child(field, 'name'), 'name or generateName is required'));
  else errs.push(...each(child(field, 'name'), m.name, validateName(opts.nameRule, m.name, false)));
  if (opts.namespaced) {
    if (!m.namespace) errs.push(required(child(field, 'namespace')));
    else errs.push(...each(child(field, 'namespace'), m.namespace, isDNS1123Label(m.namespace)));
  } else if (m.namespace) {
    errs.push(forbidden(child(field, 'namespace'), 'not allowed on this type'));
  }
  return errs.concat(validateCommon(m, field));
}

function immutable(newVal: unknown, oldVal: unknown, field: string): FieldError[] {
  return jsonEqual(newVal ?? null, oldVal ?? null) ? [] : [invalid(field, newVal ?? null, fieldImmutableErrorMsg)];
}

/** ValidateObjectMetaUpdate. Run carryOverMetaOnUpdate first, as the registry does. */
export function validateObjectMetaUpdate(newMeta: ObjectMeta | undefined, oldMeta: ObjectMeta | undefined, field = 'metadata'): FieldError[] {
  const n = newMeta ?? {}, o = oldMeta ?? {};
  const errs: FieldError[] = [];
  if (o.deletionTimestamp) {
    const added = [...new Set(arr<string>(n.finalizers))].filter((f) => !arr<string>(o.finalizers).includes(f)).sort();
    if (added.length)
      errs.push(forbidden(child(field, 'finalizers'), `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`));
  }
  if (!n.resourceVersion) errs.push(invalid(child(field, 'resourceVersion'), n.resourceVersion ?? '', 'must be specified for an update'));
  if ((n.generation ?? 0) < (o.generation ?? 0)) errs.push(invalid(child(field, 'generation'), n.generation ?? 0, 'must not be decremented'));
  errs.push(
    ...immutable(n.name ?? '', o.name ?? '', child(field, 'name')),
    ...immutable(n.namespace ?? '', o.namespace ?? '', child(field, 'namespace')),
    ...immutable(n.uid ?? '', o.uid ?? '', child(field, 'uid')),
    ...immutable(n.creationTimestamp, o.creationTimestamp, child(field, 'creationTimestamp')),
    ...immutable(n.deletionTimestamp, o.deletionTimestamp, child(field, 'deletionTimestamp')),
    ...immutable(n.deletionGracePeriodSeconds, o.deletionGracePeriodSeconds, child(field, 'deletionGracePeriodSeconds')),
  );
  errs.push(
    ...validateLabels(n.labels, child(field, 'labels')),
    ...validateAnnotations(n.annotations, child(field, 'annotations')),
    ...validateOwnerReferences(n.ownerReferences, child(field, 'ownerReferences')),
    ...validateFinalizers(n.finalizers, child(field, 'finalizers')),
  );
  return errs;
}

/**
 * What rest.BeforeUpdate does before validating: clients cannot change the
 * generation, and omitted uid/creationTimestamp/deletion fields keep their old values.
 * Mutates newMeta.
 */
export function carryOverMetaOnUpdate(newMeta: ObjectMeta, oldMeta: ObjectMeta): void {
  if (oldMeta.generation !== undefined) newMeta.generation = oldMeta.generation;
  else delete newMeta.generation;
  if (!newMeta.uid && oldMeta.uid) newMeta.uid = oldMeta.uid;
  if (oldMeta.creationTimestamp) newMeta.creationTimestamp = oldMeta.creationTimestamp;
  if (oldMeta.deletionTimestamp) newMeta.deletionTimestamp = oldMeta.deletionTimestamp;
  if (oldMeta.deletionGracePeriodSeconds !== undefined && newMeta.deletionGracePeriodSeconds === undefined)
    newMeta.deletionGracePeriodSeconds = oldMeta.deletionGracePeriodSeconds;
}

export { immutable as validateImmutableField };
