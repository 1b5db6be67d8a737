// Pod create, update and status validation (ValidatePodCreate, ValidatePodUpdate,
// ValidatePodStatusUpdate in pkg/apis/core/validation).

import type { KubeObject } from '../object.js';
import type { FieldError } from '../status.js';
import { isDNS1123Subdomain, isQualifiedName, isValidIP, parseIP, inclusiveRangeError } from './syntax.js';
import { validateObjectMeta, validateObjectMetaUpdate, validateImmutableField } from './meta.js';
import { validateContainersOnlyForPod, validatePodSpec, validateTolerations } from './podspec.js';
import { diffLines, semanticEqual } from './semantic.js';
import { arr, child, duplicate, each, forbidden, index, invalid, required, str } from './errors.js';

 
type Obj = Record<string, any>;

function validatePodMetadataAndSpec(pod: KubeObject): FieldError[] {
  return [
    ...validateObjectMeta(pod.metadata, { namespaced: true, nameRule: 'dns1123-subdomain' }),
    ...validatePodSpec(pod.spec, 'spec', { isPod: true }),
    ...validateContainersOnlyForPod(pod.spec, 'spec'),
  ];
}

export function validatePodCreate(pod: KubeObject): FieldError[] {
  const errs = validatePodMetadataAndSpec(pod);
  if (arr(pod.spec?.ephemeralContainers).length > 0) errs.push(forbidden('spec.ephemeralContainers', 'cannot be set on create'));
  if (str(pod.spec?.nodeName) && arr(pod.spec?.schedulingGates).length > 0)
    errs.push(forbidden('spec.nodeName', 'cannot be set until all schedulingGates have been cleared'));
  return errs;
}

export const updatablePodSpecFields = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

function containerUpdates(n: Obj[], o: Obj[], field: string): { errs: FieldError[]; stop: boolean } {
  if (n.length !== o.length) return { errs: [forbidden(field, 'pod updates may not add or remove containers')], stop: true };
  const errs: FieldError[] = [];
  n.forEach((c, i) => {
    const img = str(c?.image);
    if (!img) errs.push(required(child(index(field, i), 'image')));
    if (img.trim().length !== img.length) errs.push(invalid(child(index(field, i), 'image'), img, 'must not have leading or trailing whitespace'));
  });
  return { errs, stop: false };
}

function onlyAddedTolerations(n: Obj[], o: Obj[], field: string): FieldError[] {
  for (const old of o) {
    const found = n.some((t) => semanticEqual({ ...old, tolerationSeconds: t?.tolerationSeconds }, t));
    if (!found) return [forbidden(field, 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return validateTolerations(n, field);
}

export function validatePodUpdate(pod: KubeObject, old: KubeObject): FieldError[] {
  const errs = [...validateObjectMetaUpdate(pod.metadata, old.metadata), ...validatePodMetadataAndSpec(pod)];
  const ns: Obj = pod.spec ?? {}, os: Obj = old.spec ?? {};
  for (const kind of ['containers', 'initContainers']) {
    const r = containerUpdates(arr(ns[kind]), arr(os[kind]), `spec.${kind}`);
    errs.push(...r.errs);
    if (r.stop) return errs;
  }
  const ads = 'spec.activeDeadlineSeconds';
  if (ns.activeDeadlineSeconds != null) {
    const v = ns.activeDeadlineSeconds;
    if (v < 0 || v > 2147483647) return [...errs, invalid(ads, v, inclusiveRangeError(0, 2147483647))];
    if (os.activeDeadlineSeconds != null && os.activeDeadlineSeconds < v)
      return [...errs, invalid(ads, v, 'must be less than or equal to previous value')];
  } else if (os.activeDeadlineSeconds != null) {
    errs.push(invalid(ads, null, 'must not update from a positive integer to nil value'));
  }
  errs.push(...onlyAddedTolerations(arr(ns.tolerations), arr(os.tolerations), 'spec.tolerations'));
  const oldGates = new Set(arr<Obj>(os.schedulingGates).map((g) => g?.name));
  arr<Obj>(ns.schedulingGates).forEach((g, i) => {
    if (!oldGates.has(g?.name)) errs.push(forbidden(`spec.schedulingGates[${i}].name`, `only deletion is allowed, but found new scheduling gate '${g?.name}'`));
  });
  if (semanticEqual(ns, os)) return errs;

  // Put back what may change, then anything left over is a forbidden change.
  const munged: Obj = structuredClone(ns);
  for (const kind of ['containers', 'initContainers'])
    arr<Obj>(munged[kind]).forEach((c, i) => {
      if (c) c.image = os[kind][i]?.image;
    });
  munged.activeDeadlineSeconds = os.activeDeadlineSeconds;
  munged.schedulingGates = os.schedulingGates;
  munged.tolerations = os.tolerations;
  if (typeof os.terminationGracePeriodSeconds === 'number' && os.terminationGracePeriodSeconds < 0 && munged.terminationGracePeriodSeconds === 1)
    munged.terminationGracePeriodSeconds = os.terminationGracePeriodSeconds;
  if (arr(os.schedulingGates).length > 0) {
    // Gated pods may still gain node selector terms and node affinity (not re-validated here).
    munged.nodeSelector = os.nodeSelector;
    if (munged.affinity || os.affinity) munged.affinity = { ...(munged.affinity ?? {}), nodeAffinity: os.affinity?.nodeAffinity };
  }
  if (!semanticEqual(munged, os)) {
    const diff = diffLines(os, munged, 'spec').join('\n');
    errs.push(forbidden('spec', `pod updates may not change fields other than ${updatablePodSpecFields.join(',')}\n${diff}`));
  }
  return errs;
}

function containerStateTransitions(n: Obj[], o: Obj[], field: string, restartPolicy: string, restartable: (name: string) => boolean): FieldError[] {
  if (restartPolicy === 'Always') return [];
  const errs: FieldError[] = [];
  o.forEach((os, i) => {
    const term = os?.state?.terminated;
    if (!term) return;
    if ((term.exitCode ?? 0) !== 0 && restartPolicy === 'OnFailure') return;
    if (restartable(os.name)) return;
    for (const ns of n) if (ns?.name === os.name && !ns?.state?.terminated) errs.push(forbidden(child(index(field, i), 'state'), 'may not be transitioned to non-terminated state'));
  });
  return errs;
}

function validateIPList(ips: Obj[], field: string): FieldError[] {
  const errs: FieldError[] = [];
  ips.forEach((p, i) => errs.push(...each(index(field, i), str(p?.ip), isValidIP(str(p?.ip)))));
  if (ips.length > 1) {
    const fams = ips.map((p) => parseIP(str(p?.ip))?.family);
    if (ips.length > 2 || fams[0] === fams[1]) errs.push(invalid(field, ips, 'may specify no more than one IP for each IP family'));
    const seen = new Set<string>();
    ips.forEach((p, i) => {
      if (seen.has(str(p?.ip))) errs.push(duplicate(index(field, i), p));
      seen.add(str(p?.ip));
    });
  }
  return errs;
}

const systemConditions = new Set(['PodScheduled', 'Ready', 'Initialized']);

export function validatePodStatusUpdate(pod: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateObjectMetaUpdate(pod.metadata, old.metadata);
  const st: Obj = pod.status ?? {}, ost: Obj = old.status ?? {};
  // Kubernetes reports condition types under metadata.conditions[i].Type.
  arr<Obj>(st.conditions).forEach((c, i) => {
    const t = str(c?.type);
    if (!systemConditions.has(t)) errs.push(...each(`metadata.conditions[${i}].Type`, t, isQualifiedName(t)));
  });
  if (str(pod.spec?.nodeName) !== str(old.spec?.nodeName)) errs.push(forbidden('status.nodeName', 'may not be changed directly'));
  if (str(st.nominatedNodeName) && st.nominatedNodeName !== ost.nominatedNodeName)
    errs.push(...each('status.nominatedNodeName', st.nominatedNodeName, isDNS1123Subdomain(st.nominatedNodeName)));
  errs.push(...validateImmutableField(st.qosClass ?? '', ost.qosClass ?? '', 'status.qosClass'));
  const rp = str(old.spec?.restartPolicy);
  const restartableInit = (name: string) => arr<Obj>(old.spec?.initContainers).some((c) => c?.name === name && c?.restartPolicy === 'Always');
  errs.push(...containerStateTransitions(arr(st.containerStatuses), arr(ost.containerStatuses), 'status.containerStatuses', rp, () => false));
  errs.push(...containerStateTransitions(arr(st.initContainerStatuses), arr(ost.initContainerStatuses), 'status.initContainerStatuses', rp, restartableInit));
  errs.push(...containerStateTransitions(arr(st.ephemeralContainerStatuses), arr(ost.ephemeralContainerStatuses), 'status.ephemeralContainerStatuses', 'Never', () => false));
  errs.push(...validateIPList(arr(st.podIPs), 'status.podIPs'));
  const hostIPs = arr<Obj>(st.hostIPs);
  if (hostIPs.length > 0) {
    if (str(st.hostIP) !== str(hostIPs[0]?.ip)) errs.push(invalid('status.hostIPs[0].ip', str(hostIPs[0]?.ip), 'must be equal to `hostIP`'));
    errs.push(...validateIPList(hostIPs, 'status.hostIPs'));
  }
  return errs;
}
