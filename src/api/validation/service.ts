// Service validation after pkg/apis/core/validation/validation.go ValidateService,
// with Kubernetes' field paths and messages. Runs on the defaulted object (see
// src/api/defaults/service.ts) before allocation. ObjectMeta is validated
// separately (src/api/validation/meta.ts); pass validateServiceName to it.
// Beyond Kubernetes: a missing `port:` is "Required", a label-selector-shaped
// selector gets a message with the fix, and clusterIP / nodePort ranges are
// checked here with the allocators' wording so all errors arrive in one 422.

import type { KubeObject } from '../object.js';
import { isPlainObject } from '../object.js';
import type { FieldError } from '../status.js';
import { externallyAccessible, isHeadless, needsHealthCheck } from '../defaults/service.js';
import { validateLabels } from './labels.js';
import { validateSelectorShape } from './service-selector.js';
import { validateClusterIPFields, validateClusterIPInRange, validateClusterIPUpdate } from './service-clusterip.js';
import {
  isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isIANASvcName, isQualifiedName, isValidCIDR,
  isValidIP, isValidPortNum, parseIP,
} from './syntax.js';

export interface ServiceValidationOptions {
  /** e.g. "10.96.0.0/12" (--service-cidr). */
  serviceCIDR: string;
  /** e.g. {base: 30000, size: 2768} (--service-node-port-range 30000-32767). */
  nodePortRange: { base: number; size: number };
}

type Spec = Record<string, any>;

export const MaxClientIPServiceAffinitySeconds = 86400;
export const AnnotationLoadBalancerSourceRanges = 'service.beta.kubernetes.io/load-balancer-source-ranges';
const AnnotationTopologyMode = 'service.kubernetes.io/topology-mode';
const AnnotationTopologyHints = 'service.kubernetes.io/topology-aware-hints';

const supportedTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const supportedProtocols = ['SCTP', 'TCP', 'UDP'];
const supportedAffinity = ['ClientIP', 'None'];
const supportedTrafficPolicies = ['Cluster', 'Local'];

const invalid = (field: string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueInvalid', field, value, detail });
const required = (field: string, detail?: string): FieldError => ({ type: 'FieldValueRequired', field, detail });
const forbidden = (field: string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field, detail });
const notSupported = (field: string, value: unknown, supported: string[]): FieldError => ({ type: 'FieldValueNotSupported', field, value, supported });
const duplicate = (field: string, value: unknown): FieldError => ({ type: 'FieldValueDuplicate', field, value });
const each = (msgs: string[], f: (m: string) => FieldError): FieldError[] => msgs.map(f);

/** ValidateServiceName: a DNS-1035 label (names become DNS labels and env var prefixes). */
export function validateServiceName(name: string): string[] {
  return isDNS1035Label(name);
}

export const nodePortRangeString = (r: { base: number; size: number }): string => `${r.base}-${r.base + r.size - 1}`;

export function validateService(svc: KubeObject, opts: ServiceValidationOptions): FieldError[] {
  const spec: Spec = isPlainObject(svc.spec) ? svc.spec : {};
  const annotations = svc.metadata?.annotations ?? {};
  const errs: FieldError[] = [];

  const mode = annotations[AnnotationTopologyMode], hints = annotations[AnnotationTopologyHints];
  if (mode !== undefined && hints !== undefined && mode !== hints) {
    errs.push(invalid(`metadata.annotations[${AnnotationTopologyMode}]`, mode, `must match annotations[${AnnotationTopologyHints}] when both are specified`));
  }

  const ports: unknown[] = Array.isArray(spec.ports) ? spec.ports : [];
  const headless = isHeadless(spec);
  if (ports.length === 0 && !headless && spec.type !== 'ExternalName') errs.push(required('spec.ports'));

  switch (spec.type) {
    case 'LoadBalancer':
    case 'NodePort':
      if (headless) errs.push(invalid('spec.clusterIPs[0]', spec.clusterIPs[0], `may not be set to 'None' for ${spec.type} services`));
      break;
    case 'ExternalName': {
      if (Array.isArray(spec.clusterIPs) && spec.clusterIPs.length > 0) errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
      if (Array.isArray(spec.ipFamilies) && spec.ipFamilies.length > 0) errs.push(forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
      if (spec.ipFamilyPolicy !== undefined && spec.ipFamilyPolicy !== null) errs.push(forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
      // A trailing dot marks the CNAME as fully qualified.
      const cname = typeof spec.externalName === 'string' ? spec.externalName.replace(/\.$/, '') : '';
      if (cname) errs.push(...each(isDNS1123Subdomain(cname), (m) => invalid('spec.externalName', cname, m)));
      else errs.push(required('spec.externalName'));
      break;
    }
  }

  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validateServicePort(p, ports.length > 1, names, `spec.ports[${i}]`)));

  const selectorErrs = validateSelectorShape(spec.selector);
  errs.push(...selectorErrs);
  if (!selectorErrs.length && isPlainObject(spec.selector)) errs.push(...validateLabels(spec.selector, 'spec.selector'));

  errs.push(...validateSessionAffinity(spec));
  errs.push(...validateClusterIPFields(spec));
  errs.push(...validateClusterIPInRange(spec, opts.serviceCIDR));

  (Array.isArray(spec.externalIPs) ? spec.externalIPs : []).forEach((ip: unknown, i: number) => {
    const path = `spec.externalIPs[${i}]`;
    const msgs = isValidIP(String(ip));
    if (msgs.length) errs.push(...each(msgs, (m) => invalid(path, ip, m)));
    else errs.push(...validateNonSpecialIP(String(ip), path));
  });

  if (!spec.type) errs.push(required('spec.type'));
  else if (!supportedTypes.includes(spec.type)) errs.push(notSupported('spec.type', spec.type, supportedTypes));

  errs.push(...validateNodePorts(spec, ports, opts));

  // Duplicate (protocol, port) pairs.
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    if (!isPlainObject(p) || p.port === undefined) return;
    const key = `${p.protocol}/${p.port}`;
    if (seen.has(key)) errs.push(duplicate(`spec.ports[${i}]`, { port: p.port, protocol: p.protocol }));
    seen.add(key);
  });

  errs.push(...validateSourceRanges(spec, annotations));

  if (spec.allocateLoadBalancerNodePorts !== undefined && spec.allocateLoadBalancerNodePorts !== null && spec.type !== 'LoadBalancer') {
    errs.push(forbidden('spec.allocateLoadBalancerNodePorts', "may only be used when `type` is 'LoadBalancer'"));
  }
  if (spec.type === 'LoadBalancer' && (spec.allocateLoadBalancerNodePorts === undefined || spec.allocateLoadBalancerNodePorts === null)) {
    errs.push(required('spec.allocateLoadBalancerNodePorts'));
  }
  errs.push(...validateLoadBalancerClass(spec));
  errs.push(...validateTrafficPolicies(spec));
  return errs;
}

function validateServicePort(p: unknown, requireName: boolean, names: Set<string>, path: string): FieldError[] {
  if (!isPlainObject(p)) return [invalid(path, p, 'must be an object with at least `port`')];
  const errs: FieldError[] = [];
  const name = p.name;
  if (requireName && (name === undefined || name === '')) errs.push(required(`${path}.name`));
  else if (name !== undefined && name !== '') {
    errs.push(...each(isDNS1123Label(String(name)), (m) => invalid(`${path}.name`, name, m)));
    if (names.has(String(name))) errs.push(duplicate(`${path}.name`, name));
    else names.add(String(name));
  }
  if (p.port === undefined || p.port === null) errs.push(required(`${path}.port`));
  else if (typeof p.port !== 'number') errs.push(invalid(`${path}.port`, p.port, 'must be an integer'));
  else errs.push(...each(isValidPortNum(p.port), (m) => invalid(`${path}.port`, p.port, m)));

  if (!p.protocol) errs.push(required(`${path}.protocol`));
  else if (!supportedProtocols.includes(p.protocol as string)) errs.push(notSupported(`${path}.protocol`, p.protocol, supportedProtocols));

  // When port is missing, defaulting could not fill targetPort; one error is enough.
  if (!(p.port === undefined && p.targetPort === undefined)) errs.push(...validatePortNumOrName(p.targetPort, `${path}.targetPort`));
  if (p.appProtocol !== undefined && p.appProtocol !== null) {
    errs.push(...each(isQualifiedName(String(p.appProtocol)), (m) => invalid(`${path}.appProtocol`, p.appProtocol, m)));
  }
  return errs;
}

function validatePortNumOrName(v: unknown, path: string): FieldError[] {
  if (typeof v === 'number') return each(isValidPortNum(v), (m) => invalid(path, v, m));
  if (typeof v === 'string') {
    // "8080" in YAML quotes is an IntOrString string; Kubernetes treats it as a name.
    return each(isIANASvcName(v), (m) => invalid(path, v, m));
  }
  // Unset decodes as the integer 0 in Kubernetes.
  if (v === undefined || v === null) return each(isValidPortNum(0), (m) => invalid(path, 0, m));
  return [invalid(path, v, 'must be an integer port number or an IANA service name')];
}

function validateSessionAffinity(spec: Spec): FieldError[] {
  const errs: FieldError[] = [];
  const sa = spec.sessionAffinity;
  if (!sa) errs.push(required('spec.sessionAffinity'));
  else if (!supportedAffinity.includes(sa)) errs.push(notSupported('spec.sessionAffinity', sa, supportedAffinity));
  const cfgPath = 'spec.sessionAffinityConfig';
  if (sa === 'ClientIP') {
    const when = 'when session affinity type is ClientIP';
    const cfg = spec.sessionAffinityConfig;
    if (!isPlainObject(cfg)) errs.push(required(cfgPath, when));
    else if (!isPlainObject(cfg.clientIP)) errs.push(required(`${cfgPath}.clientIP`, when));
    else if (cfg.clientIP.timeoutSeconds === undefined || cfg.clientIP.timeoutSeconds === null) errs.push(required(`${cfgPath}.clientIP.timeoutSeconds`, when));
    else {
      const t = cfg.clientIP.timeoutSeconds;
      if (typeof t !== 'number' || t <= 0 || t > MaxClientIPServiceAffinitySeconds) {
        errs.push(invalid(`${cfgPath}.clientIP.timeoutSeconds`, t, `must be greater than 0 and less than ${MaxClientIPServiceAffinitySeconds}`));
      }
    }
  } else if (sa === 'None' && spec.sessionAffinityConfig !== undefined && spec.sessionAffinityConfig !== null) {
    errs.push(forbidden(cfgPath, 'must not be set when session affinity is None'));
  }
  return errs;
}

/** ValidateNonSpecialIP: addresses that make no sense as a destination on a node. */
export function validateNonSpecialIP(ip: string, path: string): FieldError[] {
  const p = parseIP(ip);
  if (!p) return [invalid(path, ip, 'must be a valid IP address')];
  const b = p.bytes;
  const errs: FieldError[] = [];
  const v4 = p.family === 'IPv4';
  if (b.every((x) => x === 0)) errs.push(invalid(path, ip, `may not be unspecified (${ip})`));
  if (v4 ? b[0] === 127 : b.slice(0, 15).every((x) => x === 0) && b[15] === 1) {
    errs.push(invalid(path, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  }
  if (v4 ? b[0] === 169 && b[1] === 254 : b[0] === 0xfe && (b[1] & 0xc0) === 0x80) {
    errs.push(invalid(path, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  }
  if (v4 ? b[0] === 224 && b[1] === 0 && b[2] === 0 : b[0] === 0xff && (b[1] & 0x0f) === 2) {
    errs.push(invalid(path, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  }
  return errs;
}

function validateNodePorts(spec: Spec, ports: unknown[], opts: ServiceValidationOptions): FieldError[] {
  const errs: FieldError[] = [];
  const { base, size } = opts.nodePortRange;
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    if (!isPlainObject(p) || p.nodePort === undefined || p.nodePort === null || p.nodePort === 0) return;
    const path = `spec.ports[${i}].nodePort`;
    const np = p.nodePort;
    if (spec.type === 'ClusterIP') errs.push(forbidden(path, "may not be used when `type` is 'ClusterIP'"));
    else if (typeof np !== 'number' || !Number.isInteger(np)) errs.push(invalid(path, np, 'must be an integer'));
    else if ((spec.type === 'NodePort' || spec.type === 'LoadBalancer') && (np < base || np >= base + size)) {
      errs.push(invalid(path, np, `provided port is not in the valid range. The range of valid ports is ${nodePortRangeString(opts.nodePortRange)}`));
    }
    const key = `${p.protocol}/${np}`;
    if (seen.has(key)) errs.push(duplicate(path, np));
    seen.add(key);
  });
  return errs;
}

function validateSourceRanges(spec: Spec, annotations: Record<string, string>): FieldError[] {
  const errs: FieldError[] = [];
  const ranges = Array.isArray(spec.loadBalancerSourceRanges) ? spec.loadBalancerSourceRanges : [];
  const notLB = "may only be used when `type` is 'LoadBalancer'";
  if (ranges.length > 0) {
    // Kubernetes names this path "spec.LoadBalancerSourceRanges"; we use the JSON field name.
    const path = 'spec.loadBalancerSourceRanges';
    if (spec.type !== 'LoadBalancer') errs.push(forbidden(path, notLB));
    ranges.forEach((r: unknown, i: number) => {
      // Space padding is tolerated: a leftover from the annotation era.
      const v = String(r).trim();
      errs.push(...each(isValidCIDR(v), (m) => invalid(`${path}[${i}]`, v, m)));
    });
  } else if (annotations[AnnotationLoadBalancerSourceRanges] !== undefined) {
    const path = `metadata.annotations[${AnnotationLoadBalancerSourceRanges}]`;
    if (spec.type !== 'LoadBalancer') errs.push(forbidden(path, notLB));
    const val = annotations[AnnotationLoadBalancerSourceRanges].trim();
    if (val) for (const c of val.split(',')) errs.push(...each(isValidCIDR(c.trim()), (m) => invalid(path, c.trim(), m)));
  }
  return errs;
}

function validateLoadBalancerClass(spec: Spec): FieldError[] {
  const cls = spec.loadBalancerClass;
  if (cls === undefined || cls === null) return [];
  if (spec.type !== 'LoadBalancer') return [forbidden('spec.loadBalancerClass', "may only be used when `type` is 'LoadBalancer'")];
  return each(isQualifiedName(String(cls)), (m) => invalid('spec.loadBalancerClass', cls, m));
}

function validateTrafficPolicies(spec: Spec): FieldError[] {
  const errs: FieldError[] = [];
  const etp = spec.externalTrafficPolicy;
  if (!externallyAccessible(spec)) {
    if (etp) errs.push(invalid('spec.externalTrafficPolicy', etp, 'may only be set for externally-accessible services'));
  } else if (!etp) errs.push(required('spec.externalTrafficPolicy'));
  else if (!supportedTrafficPolicies.includes(etp)) errs.push(notSupported('spec.externalTrafficPolicy', etp, supportedTrafficPolicies));

  const hc = spec.healthCheckNodePort;
  if (!needsHealthCheck(spec)) {
    if (hc) errs.push(invalid('spec.healthCheckNodePort', hc, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  } else if (!hc) errs.push(required('spec.healthCheckNodePort'));
  else errs.push(...each(isValidPortNum(hc), (m) => invalid('spec.healthCheckNodePort', hc, m)));

  const itp = spec.internalTrafficPolicy;
  if (itp === undefined || itp === null) {
    // Not required for ExternalName: older stored objects lack it.
    if (['NodePort', 'LoadBalancer', 'ClusterIP'].includes(spec.type)) errs.push(required('spec.internalTrafficPolicy'));
  } else if (!supportedTrafficPolicies.includes(itp)) errs.push(notSupported('spec.internalTrafficPolicy', itp, supportedTrafficPolicies));

  const td = spec.trafficDistribution;
  if (td !== undefined && td !== null && td !== 'PreferClose') errs.push(notSupported('spec.trafficDistribution', td, ['PreferClose']));
  return errs;
}

/** ValidateServiceUpdate (spec part; ObjectMeta update rules live in meta.ts). */
export function validateServiceUpdate(svc: KubeObject, oldSvc: KubeObject, opts: ServiceValidationOptions): FieldError[] {
  const spec: Spec = isPlainObject(svc.spec) ? svc.spec : {};
  const old: Spec = isPlainObject(oldSvc.spec) ? oldSvc.spec : {};
  const errs = validateClusterIPUpdate(spec, old);
  if (old.type === 'LoadBalancer' && spec.type === 'LoadBalancer' && (old.loadBalancerClass ?? null) !== (spec.loadBalancerClass ?? null)) {
    errs.push(invalid('spec.loadBalancerClass', spec.loadBalancerClass ?? null, 'may not change once set'));
  }
  if (needsHealthCheck(old) && needsHealthCheck(spec) && spec.healthCheckNodePort !== old.healthCheckNodePort) {
    errs.push(forbidden('spec.healthCheckNodePort', 'field is immutable'));
  }
  return [...errs, ...validateService(svc, opts)];
}

const supportedIPModes = ['Proxy', 'VIP'];

/** ValidateServiceStatusUpdate's LoadBalancerStatus part (ObjectMeta update rules live in meta.ts). */
export function validateServiceStatus(svc: KubeObject): FieldError[] {
  const ingress = svc.status?.loadBalancer?.ingress;
  if (ingress === undefined || ingress === null) return [];
  const path = 'status.loadBalancer.ingress';
  if (!Array.isArray(ingress)) return [invalid(path, ingress, 'must be a list')];
  if (svc.spec?.type !== 'LoadBalancer' && ingress.length > 0) return [forbidden(path, "may only be used when `spec.type` is 'LoadBalancer'")];
  const errs: FieldError[] = [];
  ingress.forEach((ing: unknown, i: number) => {
    const p = `${path}[${i}]`;
    if (!isPlainObject(ing)) return errs.push(invalid(p, ing, 'must be an object'));
    const ip = ing.ip as string | undefined, mode = ing.ipMode, host = ing.hostname as string | undefined;
    if (ip) errs.push(...each(isValidIP(ip), (m) => invalid(`${p}.ip`, ip, m)));
    if (ip && !mode) errs.push(required(`${p}.ipMode`, 'must be specified when `ip` is set'));
    else if (mode && !ip) errs.push(forbidden(`${p}.ipMode`, 'may not be specified when `ip` is not set'));
    else if (mode && !supportedIPModes.includes(String(mode))) errs.push(notSupported(`${p}.ipMode`, mode, supportedIPModes));
    if (host) {
      errs.push(...each(isDNS1123Subdomain(host), (m) => invalid(`${p}.hostname`, host, m)));
      if (parseIP(host)) errs.push(invalid(`${p}.hostname`, host, 'must be a DNS name, not an IP address'));
    }
  });
  return errs;
}
