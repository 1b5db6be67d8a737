// PodSpec and PodTemplateSpec validation (pkg/apis/core/validation ValidatePodSpec).
// Volume sources, resources, affinity and security contexts are only checked lightly.

import type { FieldError } from '../status.js';
import { inclusiveRangeError, isDNS1123Subdomain, isQualifiedName, isValidIP, isValidLabelValue } from './syntax.js';
import { validateLabelName, validateLabels } from './labels.js';
import { validateAnnotations } from './meta.js';
import { checkHostPortConflicts, dns1123Label, validateContainerCommon, validateProbesAndLifecycle } from './container.js';
import { arr, child, duplicate, each, forbidden, index, invalid, isObj, notSupported, required, str } from './errors.js';

 
type Obj = Record<string, any>;

export interface PodSpecOptions {
  /** The spec belongs to a Pod, not a template embedded in another resource. */
  isPod: boolean;
}

const volumeSources = [
  'emptyDir', 'hostPath', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'flocker', 'persistentVolumeClaim', 'rbd', 'cinder', 'cephfs', 'quobyte', 'downwardAPI', 'fc', 'flexVolume', 'configMap',
  'azureFile', 'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk', 'storageos', 'projected', 'scaleIO',
  'csi', 'ephemeral', 'image',
];

function validateVolumes(volumes: unknown, field: string): { names: Set<string>; errs: FieldError[] } {
  const names = new Set<string>();
  const errs: FieldError[] = [];
  arr<Obj>(volumes).forEach((v, i) => {
    const at = index(field, i);
    const el: FieldError[] = [];
    const set = volumeSources.filter((s) => v?.[s] != null);
    set.slice(1).forEach((s) => el.push(forbidden(child(at, s), 'may not specify more than 1 volume type')));
    if (set.length === 0) el.push(required(at, 'must specify a volume type'));
    if (v?.hostPath && !str(v.hostPath.path)) el.push(required(child(at, 'hostPath', 'path')));
    if (v?.persistentVolumeClaim && !str(v.persistentVolumeClaim.claimName)) el.push(required(child(at, 'persistentVolumeClaim', 'claimName')));
    const name = str(v?.name);
    if (!name) el.push(required(child(at, 'name')));
    else el.push(...dns1123Label(name, child(at, 'name')));
    if (names.has(name)) el.push(duplicate(child(at, 'name'), name));
    if (el.length === 0) names.add(name);
    errs.push(...el);
  });
  return { names, errs };
}

export function validateTolerations(tolerations: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  arr<Obj>(tolerations).forEach((t, i) => {
    const at = index(field, i);
    const k = str(t?.key), op = str(t?.operator), value = str(t?.value), effect = str(t?.effect);
    if (k) errs.push(...validateLabelName(k, child(at, 'key')));
    if (!k && op !== 'Exists')
      errs.push(invalid(child(at, 'operator'), op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    if (t?.tolerationSeconds != null && effect !== 'NoExecute')
      errs.push(invalid(child(at, 'effect'), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    if (op === 'Equal' || op === '') {
      const msgs = isValidLabelValue(value);
      if (msgs.length) errs.push(invalid(child(at, 'operator'), value, msgs.join(';')));
    } else if (op === 'Exists') {
      if (value) errs.push(invalid(child(at, 'operator'), value, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(notSupported(child(at, 'operator'), op, ['Equal', 'Exists']));
    }
    if (effect) errs.push(...validateTaintEffect(effect, child(at, 'effect')));
  });
  return errs;
}

export const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
export const validateTaintEffect = (effect: string, field: string): FieldError[] =>
  taintEffects.includes(effect) ? [] : [notSupported(field, effect, taintEffects)];

function oneOf(value: unknown, field: string, supported: string[]): FieldError[] {
  if (!value) return [required(field)];
  return supported.includes(value as string) ? [] : [notSupported(field, value, supported)];
}

function validateDNSConfig(cfg: unknown, policy: unknown, field: string): FieldError[] {
  if (policy === 'None') {
    if (!isObj(cfg)) return [required(field, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (arr(cfg.nameservers).length === 0) return [required(child(field, 'nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
  }
  if (!isObj(cfg)) return [];
  const errs: FieldError[] = [];
  const ns = arr<string>(cfg.nameservers), searches = arr<string>(cfg.searches);
  if (ns.length > 3) errs.push(invalid(child(field, 'nameservers'), ns, 'must not have more than 3 nameservers'));
  ns.forEach((n, i) => errs.push(...each(index(child(field, 'nameservers'), i), n, isValidIP(str(n)))));
  if (searches.length > 32) errs.push(invalid(child(field, 'searches'), searches, 'must not have more than 32 search paths'));
  if (searches.join(' ').length > 2048) errs.push(invalid(child(field, 'searches'), searches, 'must not have more than 2048 characters (including spaces) in the search list'));
  searches.forEach((s, i) => {
    const v = str(s).replace(/\.$/, '');
    errs.push(...each(index(child(field, 'searches'), i), v, isDNS1123Subdomain(v)));
  });
  arr<Obj>(cfg.options).forEach((o, i) => {
    if (!str(o?.name)) errs.push(required(index(child(field, 'options'), i), 'must not be empty'));
  });
  return errs;
}

export function validatePodSpec(spec: Obj | undefined, field: string, opts: PodSpecOptions): FieldError[] {
  const s = spec ?? {};
  const errs: FieldError[] = [];
  if (s.terminationGracePeriodSeconds == null) errs.push(required(child(field, 'terminationGracePeriodSeconds')));
  const vols = validateVolumes(s.volumes, child(field, 'volumes'));
  errs.push(...vols.errs);

  const containers = arr<Obj>(s.containers), inits = arr<Obj>(s.initContainers);
  const cPath = child(field, 'containers'), iPath = child(field, 'initContainers');
  if (containers.length === 0) errs.push(required(cPath));
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const at = index(cPath, i);
    errs.push(...validateContainerCommon(c ?? {}, vols.names, at));
    if (names.has(str(c?.name))) errs.push(duplicate(child(at, 'name'), str(c?.name)));
    else names.add(str(c?.name));
    errs.push(...validateProbesAndLifecycle(c ?? {}, at));
    if (c?.restartPolicy != null) errs.push(forbidden(child(at, 'restartPolicy'), 'may not be set for non-init containers'));
  });
  errs.push(...checkHostPortConflicts(containers, cPath));
  inits.forEach((c, i) => {
    const at = index(iPath, i);
    errs.push(...validateContainerCommon(c ?? {}, vols.names, at));
    const restartable = c?.restartPolicy === 'Always';
    if (c?.restartPolicy != null && !restartable) errs.push(notSupported(child(at, 'restartPolicy'), c.restartPolicy, ['Always']));
    if (names.has(str(c?.name))) errs.push(duplicate(child(at, 'name'), str(c?.name)));
    else if (str(c?.name)) names.add(c.name);
    // Init containers run one by one, so only conflicts within one count.
    errs.push(...checkHostPortConflicts([c ?? {}], iPath));
    if (restartable) errs.push(...validateProbesAndLifecycle(c, at));
    else
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'])
        if (c?.[f] != null) errs.push(forbidden(child(at, f), 'may not be set for init containers without restartPolicy=Always'));
  });

  if (s.hostNetwork)
    containers.forEach((c, i) =>
      arr<Obj>(c?.ports).forEach((p, j) => {
        const hp = p?.hostPort ?? 0, cp = p?.containerPort ?? 0;
        if ((opts.isPod || hp !== 0) && hp !== cp)
          errs.push(invalid(child(index(child(index(cPath, i), 'ports'), j), 'hostPort'), hp, 'must match `containerPort` when `hostNetwork` is true'));
      }),
    );
  errs.push(...oneOf(s.restartPolicy, child(field, 'restartPolicy'), ['Always', 'OnFailure', 'Never']));
  errs.push(...oneOf(s.dnsPolicy, child(field, 'dnsPolicy'), ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None']));
  errs.push(...validateLabels(s.nodeSelector, child(field, 'nodeSelector')));
  errs.push(...validateDNSConfig(s.dnsConfig, s.dnsPolicy, child(field, 'dnsConfig')));
  arr<Obj>(s.readinessGates).forEach((g, i) => {
    const t = str(g?.conditionType);
    errs.push(...each(child(index(child(field, 'readinessGates'), i), 'conditionType'), t, isQualifiedName(t)));
  });
  for (const f of ['serviceAccountName', 'nodeName', 'priorityClassName'])
    if (str(s[f])) errs.push(...each(child(field, f), s[f], isDNS1123Subdomain(s[f])));
  if (s.activeDeadlineSeconds != null) {
    const v = s.activeDeadlineSeconds;
    if (v < 1 || v > 2147483647) errs.push(invalid(child(field, 'activeDeadlineSeconds'), v, inclusiveRangeError(1, 2147483647)));
  }
  if (str(s.hostname)) errs.push(...dns1123Label(s.hostname, child(field, 'hostname')));
  if (str(s.subdomain)) errs.push(...dns1123Label(s.subdomain, child(field, 'subdomain')));
  errs.push(...validateTolerations(s.tolerations, child(field, 'tolerations')));
  arr<Obj>(s.hostAliases).forEach((h, i) => {
    const at = index(child(field, 'hostAliases'), i);
    errs.push(...each(child(at, 'ip'), str(h?.ip), isValidIP(str(h?.ip))));
    arr<string>(h?.hostnames).forEach((n, j) => errs.push(...each(index(child(at, 'hostnames'), j), n, isDNS1123Subdomain(str(n)))));
  });
  if (s.preemptionPolicy != null) errs.push(...oneOf(s.preemptionPolicy, child(field, 'preemptionPolicy'), ['PreemptLowerPriority', 'Never']));
  if (isObj(s.os)) {
    if (!str(s.os.name)) errs.push(required(child(field, 'os', 'name'), 'cannot be empty'));
    else if (!['linux', 'windows'].includes(s.os.name)) errs.push(notSupported(child(field, 'os'), s.os.name, ['linux', 'windows']));
  }
  return errs;
}

/** Pod-only checks (validateContainersOnlyForPod). */
export function validateContainersOnlyForPod(spec: Obj | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const kind of ['containers', 'initContainers'])
    arr<Obj>(spec?.[kind]).forEach((c, i) => {
      const img = str(c?.image);
      if (img.length !== img.trim().length) errs.push(invalid(child(index(child(field, kind), i), 'image'), img, 'must not have leading or trailing whitespace'));
    });
  return errs;
}

export function validatePodTemplateSpec(tpl: Obj | undefined, field: string): FieldError[] {
  const t = tpl ?? {};
  const errs = [
    // Kubernetes reports these at template.labels, without 'metadata'.
    ...validateLabels(t.metadata?.labels, child(field, 'labels')),
    ...validateAnnotations(t.metadata?.annotations, child(field, 'annotations')),
    ...validatePodSpec(t.spec, child(field, 'spec'), { isPod: false }),
  ];
  if (arr(t.spec?.ephemeralContainers).length > 0)
    errs.push(forbidden(child(field, 'spec', 'ephemeralContainers'), 'ephemeral containers not allowed in pod template'));
  return errs;
}
