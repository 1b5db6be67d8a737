// Endpoints validation (ValidateEndpoints in pkg/apis/core/validation).

import type { KubeObject } from '../object.js';
import type { FieldError } from '../status.js';
import { isDNS1123Subdomain, isQualifiedName, isValidIP, isValidPortNum, parseIP } from './syntax.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { dns1123Label, portProtocols } from './container.js';
import { arr, child, each, index, invalid, notSupported, required, str } from './errors.js';

 
type Obj = Record<string, any>;

/** ValidateNonSpecialIP: also used by EndpointSlices. */
export function validateNonSpecialIP(ip: string, field: string): FieldError[] {
  const p = parseIP(ip);
  if (!p) return [invalid(field, ip, 'must be a valid IP address')];
  const b = p.bytes;
  const errs: FieldError[] = [];
  const v4 = p.family === 'IPv4';
  if (b.every((x) => x === 0)) errs.push(invalid(field, ip, `may not be unspecified (${ip})`));
  if (v4 ? b[0] === 127 : b.slice(0, 15).every((x) => x === 0) && b[15] === 1)
    errs.push(invalid(field, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  if (v4 ? b[0] === 169 && b[1] === 254 : b[0] === 0xfe && (b[1] & 0xc0) === 0x80)
    errs.push(invalid(field, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  if (v4 ? b[0] === 224 && b[1] === 0 && b[2] === 0 : b[0] === 0xff && (b[1] & 0x0f) === 0x02)
    errs.push(invalid(field, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  return errs;
}

function validateAddress(a: Obj, field: string): FieldError[] {
  const ip = str(a?.ip);
  const errs = each(child(field, 'ip'), ip, isValidIP(ip));
  if (str(a?.hostname)) errs.push(...dns1123Label(a.hostname, child(field, 'hostname')));
  if (a?.nodeName != null) errs.push(...each(child(field, 'nodeName'), a.nodeName, isDNS1123Subdomain(str(a.nodeName))));
  return errs.concat(validateNonSpecialIP(ip, child(field, 'ip')));
}

function validatePort(p: Obj, requireName: boolean, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(p?.name);
  if (requireName && !name) errs.push(required(child(field, 'name')));
  else if (name) errs.push(...dns1123Label(name, child(field, 'name')));
  errs.push(...each(child(field, 'port'), p?.port ?? 0, isValidPortNum(p?.port ?? 0)));
  if (!p?.protocol) errs.push(required(child(field, 'protocol')));
  else if (!portProtocols.includes(p.protocol)) errs.push(notSupported(child(field, 'protocol'), p.protocol, portProtocols));
  if (p?.appProtocol != null) errs.push(...each(child(field, 'appProtocol'), p.appProtocol, isQualifiedName(str(p.appProtocol))));
  return errs;
}

function validateSubsets(subsets: Obj[]): FieldError[] {
  const errs: FieldError[] = [];
  subsets.forEach((ss, i) => {
    const at = index('subsets', i);
    const addrs = arr<Obj>(ss?.addresses), notReady = arr<Obj>(ss?.notReadyAddresses), ports = arr<Obj>(ss?.ports);
    if (addrs.length === 0 && notReady.length === 0) errs.push(required(at, 'must specify `addresses` or `notReadyAddresses`'));
    addrs.forEach((a, j) => errs.push(...validateAddress(a, index(child(at, 'addresses'), j))));
    notReady.forEach((a, j) => errs.push(...validateAddress(a, index(child(at, 'notReadyAddresses'), j))));
    ports.forEach((p, j) => errs.push(...validatePort(p, ports.length > 1, index(child(at, 'ports'), j))));
  });
  return errs;
}

export const validateEndpointsCreate = (ep: KubeObject): FieldError[] => [
  ...validateObjectMeta(ep.metadata, { namespaced: true, nameRule: 'dns1123-subdomain' }),
  ...validateSubsets(arr(ep.subsets)),
];

export const validateEndpointsUpdate = (ep: KubeObject, old: KubeObject): FieldError[] => [
  ...validateObjectMetaUpdate(ep.metadata, old.metadata),
  ...validateEndpointsCreate(ep),
];
