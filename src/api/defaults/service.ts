// Service defaulting and the registry's create/update preparation, after
// pkg/apis/core/v1/defaults.go (SetDefaults_Service) and
// pkg/registry/core/service/strategy.go + storage/alloc.go (initIPFamilyFields).
// Everything mutates the object in place; the API server clones first.

import type { KubeObject } from '../object.js';
import { isPlainObject, jsonEqual } from '../object.js';
import type { FieldError } from '../status.js';
import { parseIP } from '../validation/syntax.js';

export const DefaultClientIPServiceAffinitySeconds = 10800;
export const ClusterIPNone = 'None';

type Spec = Record<string, any>;

function specOf(svc: KubeObject): Spec {
  if (!isPlainObject(svc.spec)) svc.spec = {};
  return svc.spec as Spec;
}

const isEmptyTargetPort = (v: unknown): boolean => v === undefined || v === null || v === 0 || v === '';

export const needsClusterIP = (spec: Spec): boolean => spec.type !== 'ExternalName';
export const needsNodePort = (spec: Spec): boolean => spec.type === 'NodePort' || spec.type === 'LoadBalancer';
export const needsHealthCheck = (spec: Spec): boolean => spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';

/** pkg/api/service ExternallyAccessible: ClusterIP counts when it has externalIPs. */
export function externallyAccessible(spec: Spec): boolean {
  return (
    spec.type === 'LoadBalancer' ||
    spec.type === 'NodePort' ||
    (spec.type === 'ClusterIP' && Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0)
  );
}

export const isHeadless = (spec: Spec): boolean =>
  Array.isArray(spec.clusterIPs) && spec.clusterIPs.length === 1 && spec.clusterIPs[0] === ClusterIPNone;

/** SetDefaults_Service. */
export function defaultService(svc: KubeObject): void {
  const spec = specOf(svc);
  if (!spec.sessionAffinity) spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const c = spec.sessionAffinityConfig;
    if (!isPlainObject(c) || !isPlainObject(c.clientIP) || c.clientIP.timeoutSeconds === undefined || c.clientIP.timeoutSeconds === null) {
      spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: DefaultClientIPServiceAffinitySeconds } };
    }
  }
  if (!spec.type) spec.type = 'ClusterIP';
  if (Array.isArray(spec.ports)) {
    for (const p of spec.ports) {
      if (!isPlainObject(p)) continue;
      if (!p.protocol) p.protocol = 'TCP';
      // A missing port stays missing so validation can name it.
      if (isEmptyTargetPort(p.targetPort) && typeof p.port === 'number') p.targetPort = p.port;
    }
  }
  if (externallyAccessible(spec) && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';
  if ((spec.internalTrafficPolicy === undefined || spec.internalTrafficPolicy === null) && ['ClusterIP', 'NodePort', 'LoadBalancer'].includes(spec.type)) {
    spec.internalTrafficPolicy = 'Cluster';
  }
  if (spec.type === 'LoadBalancer' && (spec.allocateLoadBalancerNodePorts === undefined || spec.allocateLoadBalancerNodePorts === null)) {
    spec.allocateLoadBalancerNodePorts = true;
  }
  defaultServiceStatus(svc);
}

/** LoadBalancerIPMode defaulting: an ingress IP without ipMode is a VIP. */
export function defaultServiceStatus(svc: KubeObject): void {
  if (svc.spec?.type !== 'LoadBalancer') return;
  const ingress = svc.status?.loadBalancer?.ingress;
  if (!Array.isArray(ingress)) return;
  for (const ing of ingress) if (isPlainObject(ing) && ing.ip && !ing.ipMode) ing.ipMode = 'VIP';
}

/**
 * strategy.go normalizeClusterIPs: keep clusterIP and clusterIPs in step for
 * clients that only know one of them (`clusterIP: None` → clusterIPs ['None']).
 */
export function normalizeClusterIPs(svc: KubeObject, oldSvc?: KubeObject): void {
  const spec = specOf(svc);
  const clusterIP: string = spec.clusterIP ?? '';
  const clusterIPs: string[] = Array.isArray(spec.clusterIPs) ? spec.clusterIPs : [];
  if (!oldSvc) {
    if (clusterIP && clusterIPs.length === 0) spec.clusterIPs = [clusterIP];
    return;
  }
  const old = oldSvc.spec ?? {};
  const oldIP: string = old.clusterIP ?? '';
  const oldIPs: string[] = Array.isArray(old.clusterIPs) ? old.clusterIPs : [];
  // An old client patching some other field sends clusterIP but not clusterIPs.
  if (oldIPs.length > 0 && clusterIPs.length === 0 && oldIP === clusterIP) spec.clusterIPs = [...oldIPs];
  if (oldIP !== clusterIP) {
    if (oldIP && !clusterIP) delete spec.clusterIPs;
    else spec.clusterIPs = [clusterIP];
  }
}

/** strategy.go PrepareForCreate: status is not the user's to set. */
export function prepareServiceForCreate(svc: KubeObject): void {
  svc.status = { loadBalancer: {} };
  normalizeClusterIPs(svc);
}

/**
 * strategy.go PrepareForUpdate: keep status, carry forward allocated values the
 * client left out (a PUT of the original manifest), then wipe fields the new type
 * no longer uses — but only where the user did not change them, so a conflicting
 * edit still reaches validation.
 */
export function prepareServiceForUpdate(svc: KubeObject, oldSvc: KubeObject): void {
  svc.status = oldSvc.status ?? { loadBalancer: {} };
  patchAllocatedValues(svc, oldSvc);
  normalizeClusterIPs(svc, oldSvc);
  dropTypeDependentFields(svc, oldSvc);
}

function nodePortsOf(spec: Spec): number[] {
  return Array.isArray(spec.ports) ? spec.ports.map((p: any) => (isPlainObject(p) && typeof p.nodePort === 'number' ? p.nodePort : 0)) : [];
}

function patchAllocatedValues(svc: KubeObject, oldSvc: KubeObject): void {
  const spec = specOf(svc);
  const old: Spec = oldSvc.spec ?? {};
  if (needsClusterIP(old) && needsClusterIP(spec)) {
    if (!spec.clusterIP && old.clusterIP) spec.clusterIP = old.clusterIP;
    if ((!Array.isArray(spec.clusterIPs) || spec.clusterIPs.length === 0) && Array.isArray(old.clusterIPs) && old.clusterIPs.length > 0) {
      spec.clusterIPs = [...old.clusterIPs];
    }
  }
  if (needsNodePort(old) && needsNodePort(spec) && Array.isArray(spec.ports)) {
    const newUsed = new Set(nodePortsOf(spec).filter((n) => n));
    const used = new Set(nodePortsOf(old).filter((n) => newUsed.has(n)));
    // Matched by port name, as Kubernetes does; other port fields may have changed.
    const byName = new Map<string, number>();
    for (const p of old.ports ?? []) if (isPlainObject(p)) byName.set(String(p.name ?? ''), typeof p.nodePort === 'number' ? p.nodePort : 0);
    for (const p of spec.ports) {
      if (!isPlainObject(p) || p.nodePort) continue;
      const prev = byName.get(String(p.name ?? ''));
      if (prev && !used.has(prev)) p.nodePort = prev;
    }
  }
  if (needsHealthCheck(old) && needsHealthCheck(spec) && !spec.healthCheckNodePort && old.healthCheckNodePort) {
    spec.healthCheckNodePort = old.healthCheckNodePort;
  }
}

function dropTypeDependentFields(svc: KubeObject, oldSvc: KubeObject): void {
  const spec = specOf(svc);
  const old: Spec = oldSvc.spec ?? {};
  if (needsClusterIP(old) && !needsClusterIP(spec)) {
    if (jsonEqual(old.clusterIPs ?? [], spec.clusterIPs ?? [])) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (jsonEqual(old.ipFamilies ?? [], spec.ipFamilies ?? [])) delete spec.ipFamilies;
    if (old.ipFamilyPolicy === spec.ipFamilyPolicy) delete spec.ipFamilyPolicy;
  }
  if (needsNodePort(old) && !needsNodePort(spec) && jsonEqual(nodePortsOf(old), nodePortsOf(spec))) {
    for (const p of spec.ports ?? []) if (isPlainObject(p)) delete p.nodePort;
  }
  if (needsHealthCheck(old) && !needsHealthCheck(spec) && old.healthCheckNodePort === spec.healthCheckNodePort) {
    delete spec.healthCheckNodePort;
  }
  if (spec.type !== 'LoadBalancer') {
    if (old.allocateLoadBalancerNodePorts !== undefined && old.allocateLoadBalancerNodePorts === spec.allocateLoadBalancerNodePorts) {
      delete spec.allocateLoadBalancerNodePorts;
    }
    if (old.loadBalancerClass !== undefined && old.loadBalancerClass === spec.loadBalancerClass) delete spec.loadBalancerClass;
    // LB de-provisioning is asynchronous, but the user need not see that.
    if (isPlainObject(svc.status)) svc.status.loadBalancer = {};
  }
  if (!externallyAccessible(spec) && old.externalTrafficPolicy === spec.externalTrafficPolicy) delete spec.externalTrafficPolicy;
}

export type IPFamily = 'IPv4' | 'IPv6';

const field = (type: FieldError['type'], path: string, value?: unknown, detail?: string): FieldError => ({ type, field: path, value, detail });

/**
 * alloc.go initIPFamilyFields for a cluster configured with `clusterFamilies`
 * (kubesvc: one IPv4 service CIDR). Runs at allocation time, after validation.
 * Returns errors worded as Kubernetes' (422), empty when the fields were set.
 */
export function defaultIPFamilies(svc: KubeObject, oldSvc?: KubeObject, clusterFamilies: IPFamily[] = ['IPv4']): FieldError[] {
  const spec = specOf(svc);
  if (spec.type === 'ExternalName') return [];
  const old: Spec | undefined = oldSvc?.spec;
  const selectorless = !isPlainObject(spec.selector) || Object.keys(spec.selector).length === 0;
  const headlessSelectorless = spec.clusterIP === ClusterIPNone && selectorless;

  if (!spec.ipFamilyPolicy) {
    if (old?.ipFamilyPolicy) spec.ipFamilyPolicy = old.ipFamilyPolicy;
    // Kubernetes' special case: headless without selector defaults to dual-stack.
    else if (headlessSelectorless) spec.ipFamilyPolicy = 'RequireDualStack';
    else spec.ipFamilyPolicy = 'SingleStack';
  }
  const policy: string = spec.ipFamilyPolicy;
  const errs: FieldError[] = [];
  const clusterIPs: string[] = Array.isArray(spec.clusterIPs) ? spec.clusterIPs : [];
  if (!Array.isArray(spec.ipFamilies)) spec.ipFamilies = [];
  const families: string[] = spec.ipFamilies;

  if (old && policy !== 'SingleStack') {
    if (clusterIPs.length > 0 && clusterIPs.length < (old.clusterIPs?.length ?? 0))
      errs.push(field('FieldValueInvalid', 'spec.ipFamilyPolicy', policy, "must be 'SingleStack' to release the secondary cluster IP"));
    if (families.length > 0 && families.length < (old.ipFamilies?.length ?? 0))
      errs.push(field('FieldValueInvalid', 'spec.ipFamilyPolicy', policy, "must be 'SingleStack' to release the secondary IP family"));
  }
  if (policy === 'SingleStack') {
    if (clusterIPs.length === 2)
      errs.push(field('FieldValueInvalid', 'spec.ipFamilyPolicy', policy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified"));
    if (families.length === 2)
      errs.push(field('FieldValueInvalid', 'spec.ipFamilyPolicy', policy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"));
  }
  for (let i = 0; i < clusterIPs.length; i++) {
    if (clusterIPs[i] === ClusterIPNone) break;
    const fam = parseIP(clusterIPs[i])?.family;
    if (!fam || i < families.length) continue;
    if (!clusterFamilies.includes(fam)) errs.push(field('FieldValueInvalid', `spec.clusterIPs[${i}]`, clusterIPs, `${fam} is not configured on this cluster`));
    else families.push(fam);
  }
  if (errs.length) return errs;

  if (headlessSelectorless) {
    if (families.length === 0) families.push(clusterFamilies[0]);
    if (families.length < 2 && policy !== 'SingleStack') families.push(families[0] === 'IPv4' ? 'IPv6' : 'IPv4');
    return [];
  }
  if (policy === 'RequireDualStack' && clusterFamilies.length < 2)
    errs.push(field('FieldValueInvalid', 'spec.ipFamilyPolicy', policy, 'this cluster is not configured for dual-stack services'));
  families.forEach((f, i) => {
    if (!clusterFamilies.includes(f as IPFamily)) errs.push(field('FieldValueInvalid', `spec.ipFamilies[${i}]`, f, 'not configured on this cluster'));
  });
  if (errs.length) return errs;
  if (families.length === 0) families.push(clusterFamilies[0]);
  if (policy !== 'SingleStack' && families.length === 1 && clusterFamilies.length === 2) families.push(families[0] === 'IPv4' ? 'IPv6' : 'IPv4');
  return [];
}
