// core/v1 Event validation. Kubernetes applies only its "legacy" checks to events
// written through the core API (strict ones are for events.k8s.io/v1), so there is
// no ObjectMeta validation here, as there.

import type { KubeObject } from '../object.js';
import type { FieldError } from '../status.js';
import { isDNS1123Subdomain, isQualifiedName } from './syntax.js';
import { each, invalid, required, str } from './errors.js';

export function validateEventLegacy(ev: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const ns = str(ev.metadata?.namespace);
  const involvedNs = str((ev.involvedObject as { namespace?: string } | undefined)?.namespace);
  const mismatch = () => errs.push(invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
  if (!ev.eventTime) {
    if (!involvedNs) {
      if (ns !== '' && ns !== 'default') mismatch();
    } else if (ns !== involvedNs) mismatch();
  } else {
    if (!involvedNs && ns !== 'default' && ns !== 'kube-system') mismatch();
    const rc = str(ev.reportingComponent), ri = str(ev.reportingInstance), action = str(ev.action), reason = str(ev.reason);
    if (!rc) errs.push(required('reportingController'));
    errs.push(...each('reportingController', rc, isQualifiedName(rc)));
    if (!ri) errs.push(required('reportingInstance'));
    if (ri.length > 128) errs.push(invalid('reportingInstance', '', 'can have at most 128 characters'));
    if (!action) errs.push(required('action'));
    if (action.length > 128) errs.push(invalid('action', '', 'can have at most 128 characters'));
    if (!reason) errs.push(required('reason'));
    if (reason.length > 128) errs.push(invalid('reason', '', 'can have at most 128 characters'));
    if (str(ev.message).length > 1024) errs.push(invalid('message', '', 'can have at most 1024 characters'));
  }
  errs.push(...each('namespace', ns, isDNS1123Subdomain(ns)));
  return errs;
}

export const validateEventCreate = (ev: KubeObject): FieldError[] => validateEventLegacy(ev);
// Updates get the same legacy checks; the old object plays no part.
export const validateEventUpdate = (ev: KubeObject): FieldError[] => validateEventLegacy(ev);
