// Container checks shared by pods and pod templates, following
// pkg/apis/core/validation (validateContainerCommon and friends).

import type { FieldError } from '../status.js';
import { isDNS1123Label, isIANASvcName, isValidPortNum } from './syntax.js';
import { isHTTPHeaderName, isRelaxedEnvVarName, validateName } from './syntax-extra.js';
import { isConfigMapKey } from './config.js';
import { arr, child, duplicate, each, forbidden, index, invalid, isObj, nonNegative, notFound, notSupported, required, str } from './errors.js';

 
type Obj = Record<string, any>;

export const portProtocols = ['SCTP', 'TCP', 'UDP'];

export const dns1123Label = (value: string, field: string): FieldError[] => each(field, value, isDNS1123Label(value));

function validatePorts(ports: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  arr<Obj>(ports).forEach((p, i) => {
    const at = index(field, i);
    const name = str(p?.name);
    if (name) {
      const msgs = isIANASvcName(name);
      if (msgs.length) errs.push(...each(child(at, 'name'), name, msgs));
      else if (names.has(name)) errs.push(duplicate(child(at, 'name'), name));
      else names.add(name);
    }
    if (!p?.containerPort) errs.push(required(child(at, 'containerPort')));
    else errs.push(...each(child(at, 'containerPort'), p.containerPort, isValidPortNum(p.containerPort)));
    if (p?.hostPort) errs.push(...each(child(at, 'hostPort'), p.hostPort, isValidPortNum(p.hostPort)));
    if (!p?.protocol) errs.push(required(child(at, 'protocol')));
    else if (!portProtocols.includes(p.protocol)) errs.push(notSupported(child(at, 'protocol'), p.protocol, portProtocols));
  });
  return errs;
}

function validateEnv(env: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  arr<Obj>(env).forEach((e, i) => {
    const at = index(field, i);
    if (!str(e?.name)) errs.push(required(child(at, 'name')));
    else errs.push(...each(child(at, 'name'), e.name, isRelaxedEnvVarName(e.name)));
    const vf = e?.valueFrom;
    if (!isObj(vf)) return;
    const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'].filter((k) => vf[k] != null).length;
    const vfPath = child(at, 'valueFrom');
    if (sources === 0) errs.push(invalid(vfPath, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
    else if (str(e.value)) errs.push(invalid(vfPath, '', 'may not be specified when `value` is not empty'));
    else if (sources > 1) errs.push(invalid(vfPath, '', 'may not have more than one field specified at a time'));
    for (const k of ['configMapKeyRef', 'secretKeyRef']) if (isObj(vf[k])) errs.push(...validateKeySelector(vf[k], child(vfPath, k)));
  });
  return errs;
}

/** validateConfigMapKeySelector / validateSecretKeySelector: an empty name is an invalid subdomain, not a missing one. */
function validateKeySelector(sel: Obj, field: string): FieldError[] {
  const errs = each(child(field, 'name'), str(sel.name), validateName('dns1123-subdomain', str(sel.name), false));
  if (!str(sel.key)) errs.push(required(child(field, 'key')));
  else errs.push(...each(child(field, 'key'), sel.key, isConfigMapKey(sel.key)));
  return errs;
}

function validateEnvFrom(envFrom: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  arr<Obj>(envFrom).forEach((e, i) => {
    if (str(e?.prefix)) errs.push(...each(child(index(field, i), 'prefix'), e.prefix, isRelaxedEnvVarName(e.prefix)));
    const n = ['configMapRef', 'secretRef'].filter((k) => e?.[k] != null).length;
    if (n === 0) errs.push(invalid(field, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (n > 1) errs.push(invalid(field, '', 'may not have more than one field specified at a time'));
    for (const k of ['configMapRef', 'secretRef']) {
      if (!isObj(e?.[k])) continue;
      const at = child(index(field, i), k, 'name');
      if (!str(e[k].name)) errs.push(required(at));
      else errs.push(...each(at, e[k].name, validateName('dns1123-subdomain', e[k].name, true)));
    }
  });
  return errs;
}

function validateVolumeMounts(mounts: unknown, volumes: Set<string>, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const paths = new Set<string>();
  arr<Obj>(mounts).forEach((m, i) => {
    const at = index(field, i);
    const name = str(m?.name), mountPath = str(m?.mountPath);
    if (!name) errs.push(required(child(at, 'name')));
    if (!volumes.has(name)) errs.push(notFound(child(at, 'name'), name));
    if (!mountPath) errs.push(required(child(at, 'mountPath')));
    if (paths.has(mountPath)) errs.push(invalid(child(at, 'mountPath'), mountPath, 'must be unique'));
    paths.add(mountPath);
  });
  return errs;
}

const pullPolicies = ['Always', 'IfNotPresent', 'Never'];
const terminationMessagePolicies = ['File', 'FallbackToLogsOnError'];

/** validateContainerCommon: what every container kind must satisfy. */
export function validateContainerCommon(c: Obj, volumes: Set<string>, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(c.name)) errs.push(required(child(field, 'name')));
  else errs.push(...dns1123Label(c.name, child(field, 'name')));
  if (!str(c.image)) errs.push(required(child(field, 'image')));
  const tmp = c.terminationMessagePolicy;
  if (!tmp) errs.push(required(child(field, 'terminationMessagePolicy')));
  else if (!terminationMessagePolicies.includes(tmp)) errs.push(notSupported(child(field, 'terminationMessagePolicy'), tmp, terminationMessagePolicies));
  errs.push(...validatePorts(c.ports, child(field, 'ports')));
  errs.push(...validateEnv(c.env, child(field, 'env')));
  errs.push(...validateEnvFrom(c.envFrom, child(field, 'envFrom')));
  errs.push(...validateVolumeMounts(c.volumeMounts, volumes, child(field, 'volumeMounts')));
  const pp = c.imagePullPolicy;
  if (!pp) errs.push(required(child(field, 'imagePullPolicy')));
  else if (!pullPolicies.includes(pp)) errs.push(notSupported(child(field, 'imagePullPolicy'), pp, pullPolicies));
  return errs;
}

function validatePortNumOrName(port: unknown, field: string): FieldError[] {
  if (typeof port === 'number') return each(field, port, isValidPortNum(port));
  if (typeof port === 'string') return each(field, port, isIANASvcName(port));
  return [invalid(field, port ?? null, 'must be an int or a string')];
}

/** validateHandler: exactly one of the action kinds. */
export function validateHandler(h: Obj, field: string, kinds: string[]): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  for (const kind of kinds) {
    const a = h[kind];
    if (a == null) continue;
    if (n > 0) {
      errs.push(forbidden(child(field, kind), 'may not specify more than 1 handler type'));
      continue;
    }
    n++;
    const at = child(field, kind);
    if (kind === 'exec' && arr(a.command).length === 0) errs.push(required(child(at, 'command')));
    if (kind === 'httpGet') {
      if (!str(a.path)) errs.push(required(child(at, 'path')));
      errs.push(...validatePortNumOrName(a.port, child(at, 'port')));
      if (!['HTTP', 'HTTPS'].includes(a.scheme)) errs.push(notSupported(child(at, 'scheme'), a.scheme ?? '', ['HTTP', 'HTTPS']));
      for (const hd of arr<Obj>(a.httpHeaders)) errs.push(...each(child(at, 'httpHeaders'), str(hd?.name), isHTTPHeaderName(str(hd?.name))));
    }
    if (kind === 'tcpSocket') errs.push(...validatePortNumOrName(a.port, child(at, 'port')));
    if (kind === 'grpc') errs.push(...validatePortNumOrName(typeof a.port === 'number' ? a.port : 0, child(at, 'port')));
  }
  if (n === 0) errs.push(required(field, 'must specify a handler type'));
  return errs;
}

const probeKinds = ['exec', 'httpGet', 'tcpSocket', 'grpc'];

export function validateProbe(p: unknown, kind: 'liveness' | 'readiness' | 'startup', field: string): FieldError[] {
  if (!isObj(p)) return [];
  const errs = validateHandler(p, field, probeKinds);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'])
    errs.push(...nonNegative(p[f], child(field, f)));
  const tgp = p.terminationGracePeriodSeconds;
  if (typeof tgp === 'number' && tgp <= 0) errs.push(invalid(child(field, 'terminationGracePeriodSeconds'), tgp, 'must be greater than 0'));
  if (kind !== 'readiness' && (p.successThreshold ?? 0) !== 1) errs.push(invalid(child(field, 'successThreshold'), p.successThreshold ?? 0, 'must be 1'));
  if (kind === 'readiness' && tgp != null) errs.push(invalid(child(field, 'terminationGracePeriodSeconds'), tgp, 'must not be set for readinessProbes'));
  return errs;
}

export function validateLifecycle(l: unknown, field: string): FieldError[] {
  if (!isObj(l)) return [];
  const kinds = ['exec', 'httpGet', 'tcpSocket', 'sleep'];
  return [
    ...(isObj(l.postStart) ? validateHandler(l.postStart, child(field, 'postStart'), kinds) : []),
    ...(isObj(l.preStop) ? validateHandler(l.preStop, child(field, 'preStop'), kinds) : []),
  ];
}

export function validateProbesAndLifecycle(c: Obj, field: string): FieldError[] {
  return [
    ...validateLifecycle(c.lifecycle, child(field, 'lifecycle')),
    ...validateProbe(c.livenessProbe, 'liveness', child(field, 'livenessProbe')),
    ...validateProbe(c.readinessProbe, 'readiness', child(field, 'readinessProbe')),
    ...validateProbe(c.startupProbe, 'startup', child(field, 'startupProbe')),
  ];
}

/** AccumulateUniqueHostPorts: protocol/hostIP/hostPort must be unique. */
export function checkHostPortConflicts(containers: Obj[], field: string, seen = new Set<string>()): FieldError[] {
  const errs: FieldError[] = [];
  containers.forEach((c, ci) => {
    arr<Obj>(c?.ports).forEach((p, pi) => {
      if (!p?.hostPort) return;
      const k = `${str(p.protocol)}/${str(p.hostIP)}/${p.hostPort}`;
      if (seen.has(k)) errs.push(duplicate(child(index(child(index(field, ci), 'ports'), pi), 'hostPort'), k));
      else seen.add(k);
    });
  });
  return errs;
}
