// Node validation (ValidateNode, ValidateNodeUpdate in pkg/apis/core/validation).
// Node status goes through the same update check: Kubernetes has no separate one.

import type { KubeObject } from '../object.js';
import type { FieldError } from '../status.js';
import { isValidCIDR, isValidLabelValue, parseCIDR } from './syntax.js';
import { validateLabelName } from './labels.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { taintEffects } from './podspec.js';
import { arr, child, duplicate, each, forbidden, index, invalid, isObj, isNegativeErrorMsg, notSupported, required, str } from './errors.js';
import { semanticEqual } from './semantic.js';

 
type Obj = Record<string, any>;

// Kubernetes reports spec.taints under metadata.taints; kept for identical messages.
const taintsPath = 'metadata.taints';

function validateTaints(taints: Obj[]): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Map<string, Set<string>>();
  taints.forEach((t, i) => {
    const at = index(taintsPath, i);
    errs.push(...validateLabelName(str(t?.key), child(at, 'key')));
    const vmsgs = isValidLabelValue(str(t?.value));
    if (vmsgs.length) errs.push(invalid(child(at, 'value'), str(t?.value), vmsgs.join(';')));
    const effect = str(t?.effect);
    if (!effect) errs.push(required(child(at, 'effect')));
    else if (!taintEffects.includes(effect)) errs.push(notSupported(child(at, 'effect'), effect, taintEffects));
    const keys = seen.get(effect) ?? new Set<string>();
    if (keys.has(str(t?.key))) {
      errs.push({ ...duplicate(at, t), detail: 'taints must be unique by key and effect pair' });
      return;
    }
    keys.add(str(t?.key));
    seen.set(effect, keys);
  });
  return errs;
}

function validateResources(node: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  for (const kind of ['capacity', 'allocatable']) {
    const list = node.status?.[kind];
    if (!isObj(list)) continue;
    for (const [k, v] of Object.entries(list))
      if (String(v).trim().startsWith('-')) errs.push(invalid(`status.${kind}.${k}`, String(v), isNegativeErrorMsg));
  }
  return errs;
}

function validatePodCIDRs(cidrs: string[]): FieldError[] {
  const errs: FieldError[] = [];
  const f = 'spec.podCIDRs';
  cidrs.forEach((c, i) => errs.push(...each(index(f, i), c, isValidCIDR(str(c)))));
  if (cidrs.length > 1) {
    const fams = cidrs.map((c) => parseCIDR(str(c))?.family);
    if (cidrs.length > 2 || fams[0] === fams[1]) errs.push(invalid(f, cidrs, 'may specify no more than one CIDR for each IP family'));
    const seen = new Set<string>();
    cidrs.forEach((c, i) => {
      if (seen.has(c)) errs.push(duplicate(index(f, i), c));
      seen.add(c);
    });
  }
  return errs;
}

export const validateNodeCreate = (node: KubeObject): FieldError[] => [
  ...validateObjectMeta(node.metadata, { namespaced: false, nameRule: 'dns1123-subdomain' }),
  ...validateTaints(arr(node.spec?.taints)),
  ...validateResources(node),
  ...validatePodCIDRs(arr(node.spec?.podCIDRs)),
];

export function validateNodeUpdate(node: KubeObject, old: KubeObject): FieldError[] {
  const errs = [...validateObjectMetaUpdate(node.metadata, old.metadata), ...validateResources(node)];
  const addrs: Obj[] = [];
  arr<Obj>(node.status?.addresses).forEach((a, i) => {
    if (addrs.some((x) => semanticEqual(x, a))) errs.push(duplicate(`status.addresses[${i}]`, a));
    addrs.push(a);
  });
  const oldCIDRs = arr<string>(old.spec?.podCIDRs), newCIDRs = arr<string>(node.spec?.podCIDRs);
  const cidrMsg = 'node updates may not change podCIDR except from "" to valid';
  if (oldCIDRs.length > 0) {
    if (oldCIDRs.length !== newCIDRs.length) errs.push(forbidden('spec.podCIDRs', cidrMsg));
    else oldCIDRs.forEach((c, i) => c !== newCIDRs[i] && errs.push(forbidden('spec.podCIDRs', cidrMsg)));
  }
  const oldPID = str(old.spec?.providerID);
  if (oldPID && oldPID !== str(node.spec?.providerID))
    errs.push(forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  errs.push(...validateTaints(arr(node.spec?.taints)));
  if (str(node.spec?.externalID) !== str(old.spec?.externalID)) errs.push(forbidden('spec.externalID', 'may not be updated'));
  return errs;
}
