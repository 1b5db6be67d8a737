// Writes through pods/ephemeralcontainers (ValidatePodEphemeralContainersUpdate and
// validateEphemeralContainers in pkg/apis/core/validation): containers can only be
// added, each a valid container without the fields a debugging container cannot
// have, named uniquely in the pod, targeting a regular container if at all.

import type { KubeObject } from '../object.js';
import type { FieldError } from '../status.js';
import { validateContainerCommon } from './container.js';
import { validateObjectMetaUpdate } from './meta.js';
import { semanticEqual } from './semantic.js';
import { arr, child, duplicate, forbidden, index, notFound, str } from './errors.js';

type Obj = Record<string, any>;

/** Fields Kubernetes refuses on an ephemeral container. */
const NOT_FOR_EPHEMERAL = ['ports', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'resources', 'resizePolicy'];

/** Set, as Go sees a field: not nil, and not an empty list or struct (`resources: {}` is the default). */
const isSet = (v: unknown): boolean =>
  v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0) && !(typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);

export function validateEphemeralContainersUpdate(pod: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(pod.metadata, old.metadata);
  const now: Obj[] = arr(pod.spec?.ephemeralContainers), before: Obj[] = arr(old.spec?.ephemeralContainers);
  const field = 'spec.ephemeralContainers';
  const byName = new Map(now.map((c) => [str(c.name), c]));
  for (const [i, c] of before.entries()) {
    const cur = byName.get(str(c.name));
    if (!cur) errs.push(forbidden(field, `existing ephemeral containers "${str(c.name)}" may not be removed`));
    else if (!semanticEqual(cur, c)) errs.push(forbidden(index(field, i), `existing ephemeral containers "${str(c.name)}" may not be changed`));
  }
  const names = new Set<string>([...arr<Obj>(pod.spec?.containers), ...arr<Obj>(pod.spec?.initContainers)].map((c) => str(c.name)));
  const regular = new Set(arr<Obj>(pod.spec?.containers).map((c) => str(c.name)));
  const volumes = new Set(arr<Obj>(pod.spec?.volumes).map((v) => str(v.name)));
  for (const [i, c] of now.entries()) {
    const f = index(field, i);
    errs.push(...validateContainerCommon(c, volumes, f));
    if (str(c.name) && names.has(str(c.name))) errs.push(duplicate(child(f, 'name'), c.name));
    names.add(str(c.name));
    for (const k of NOT_FOR_EPHEMERAL) if (isSet(c[k])) errs.push(forbidden(child(f, k), 'cannot be set for an Ephemeral Container'));
    if (c.targetContainerName && !regular.has(str(c.targetContainerName))) errs.push(notFound(child(f, 'targetContainerName'), c.targetContainerName));
  }
  return errs;
}
