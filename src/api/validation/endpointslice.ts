// EndpointSlice validation (pkg/apis/discovery/validation).

import type { KubeObject } from '../object.js';
import type { FieldError } from '../status.js';
import { isQualifiedName, isValidIPv4Address } from './syntax.js';
import { isFullyQualifiedDomainName, isValidIPv6Address } from './syntax-extra.js';
import { validateLabels } from './labels.js';
import { validateObjectMeta, validateObjectMetaUpdate, validateImmutableField } from './meta.js';
import { dns1123Label, portProtocols } from './container.js';
import { validateNonSpecialIP } from './endpoints.js';
import { arr, child, duplicate, each, index, isObj, notSupported, required, str, tooMany } from './errors.js';

 
type Obj = Record<string, any>;

const addressTypes = ['FQDN', 'IPv4', 'IPv6'];

function validateEndpoints(eps: Obj[], addrType: string): FieldError[] {
  if (eps.length > 1000) return [tooMany('endpoints', eps.length, 1000)];
  const errs: FieldError[] = [];
  eps.forEach((ep, i) => {
    const at = index('endpoints', i);
    const ap = child(at, 'addresses');
    const addrs = arr<string>(ep?.addresses);
    if (addrs.length === 0) errs.push(required(ap, 'must contain at least 1 address'));
    else if (addrs.length > 100) errs.push(tooMany(ap, addrs.length, 100));
    addrs.forEach((a, j) => {
      const p = index(ap, j);
      if (addrType === 'IPv4') errs.push(...each(p, a, isValidIPv4Address(str(a))), ...validateNonSpecialIP(str(a), p));
      else if (addrType === 'IPv6') errs.push(...each(p, a, isValidIPv6Address(str(a))), ...validateNonSpecialIP(str(a), p));
      else if (addrType === 'FQDN') errs.push(...each(p, a, isFullyQualifiedDomainName(str(a))));
    });
    const tp = child(at, 'topology');
    if (isObj(ep?.deprecatedTopology) && Object.keys(ep.deprecatedTopology).length > 16)
      errs.push(tooMany(tp, Object.keys(ep.deprecatedTopology).length, 16));
    errs.push(...validateLabels(ep?.deprecatedTopology, tp));
    if (ep?.hostname != null) errs.push(...dns1123Label(str(ep.hostname), child(at, 'hostname')));
  });
  return errs;
}

function validatePorts(ports: Obj[]): FieldError[] {
  if (ports.length > 100) return [tooMany('ports', ports.length, 100)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const at = index('ports', i);
    const name = str(p?.name);
    if (name) errs.push(...dns1123Label(name, child(at, 'name')));
    if (names.has(name)) errs.push(duplicate(child(at, 'name'), name));
    else names.add(name);
    if (p?.protocol == null) errs.push(required(child(at, 'protocol')));
    else if (!portProtocols.includes(p.protocol)) errs.push(notSupported(child(at, 'protocol'), p.protocol, portProtocols));
    if (p?.appProtocol != null) errs.push(...each(child(at, 'appProtocol'), p.appProtocol, isQualifiedName(str(p.appProtocol))));
  });
  return errs;
}

function validateSlice(s: KubeObject, types: string[]): FieldError[] {
  const errs = validateObjectMeta(s.metadata, { namespaced: true, nameRule: 'dns1123-subdomain' });
  const t = str(s.addressType);
  if (!t) errs.push(required('addressType'));
  else if (!types.includes(t)) errs.push(notSupported('addressType', t, types));
  return errs.concat(validateEndpoints(arr(s.endpoints), t), validatePorts(arr(s.ports)));
}

export const validateEndpointSliceCreate = (s: KubeObject): FieldError[] => validateSlice(s, addressTypes);

/** Updates still accept the deprecated "IP" address type. */
export const validateEndpointSliceUpdate = (s: KubeObject, old: KubeObject): FieldError[] => [
  ...validateObjectMetaUpdate(s.metadata, old.metadata),
  ...validateSlice(s, ['FQDN', 'IP', 'IPv4', 'IPv6']),
  ...validateImmutableField(s.addressType ?? '', old.addressType ?? '', 'addressType'),
];
