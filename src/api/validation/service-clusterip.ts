// clusterIP / clusterIPs / ipFamilies / ipFamilyPolicy rules, after
// ValidateServiceClusterIPsRelatedFields and validateUpgradeDowngrade* in
// pkg/apis/core/validation/validation.go.

import type { FieldError } from '../status.js';
import { ClusterIPNone, isHeadless } from '../defaults/service.js';
import { isValidIP, parseCIDR, parseIP, formatIP } from './syntax.js';
import type { ParsedCIDR } from './syntax.js';

type Spec = Record<string, any>;

const invalid = (field: string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueInvalid', field, value, detail });

const supportedFamilies = ['IPv4', 'IPv6'];
const supportedPolicies = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

export function validateClusterIPFields(spec: Spec): FieldError[] {
  if (spec.type === 'ExternalName') return []; // checked with the type: all must be unset
  const errs: FieldError[] = [];
  const ips = list(spec.clusterIPs);
  const families = list(spec.ipFamilies);
  const path = 'spec.clusterIPs';

  if (spec.clusterIP) {
    if (ips.length === 0) errs.push({ type: 'FieldValueRequired', field: path });
    else if (ips[0] !== spec.clusterIP) errs.push(invalid(path, ips, 'first value must match `clusterIP`'));
  } else if (ips.length !== 0) {
    errs.push(invalid(path, ips, 'must be empty when `clusterIP` is not specified'));
  }

  const seen = new Set<string>();
  families.forEach((f, i) => {
    if (!supportedFamilies.includes(f)) errs.push({ type: 'FieldValueNotSupported', field: `spec.ipFamilies[${i}]`, value: f, supported: supportedFamilies });
    if (seen.has(f)) errs.push({ type: 'FieldValueDuplicate', field: `spec.ipFamilies[${i}]`, value: f });
    seen.add(f);
  });
  if (spec.ipFamilyPolicy !== undefined && spec.ipFamilyPolicy !== null && !supportedPolicies.includes(spec.ipFamilyPolicy)) {
    errs.push({ type: 'FieldValueNotSupported', field: 'spec.ipFamilyPolicy', value: spec.ipFamilyPolicy, supported: supportedPolicies });
  }

  let badIPs = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === ClusterIPNone) {
      if (ips.length > 1) {
        badIPs = true;
        errs.push(invalid(path, ips, "'None' must be the first and only value"));
      }
      return;
    }
    const msgs = isValidIP(ip);
    if (msgs.length) badIPs = true;
    for (const m of msgs) errs.push(invalid(`${path}[${i}]`, ip, m));
  });
  if (ips.length > 2) errs.push(invalid(path, ips, 'may only hold up to 2 values'));
  // Bad or misplaced IPs would skew the family checks below.
  if (badIPs) return errs;

  if (ips.length > 1) {
    const fams = ips.map((ip) => parseIP(ip)?.family);
    if (ips.length > 2 || fams[0] === fams[1]) errs.push(invalid(path, ips, 'may specify no more than one IP for each IP family'));
  }
  if (!isHeadless(spec) && ips.length > 0 && families.length > 0) {
    ips.forEach((ip, i) => {
      if (i >= families.length) return;
      const fam = parseIP(ip)?.family;
      if (families[i] === 'IPv4' && fam === 'IPv6') errs.push(invalid(`${path}[${i}]`, ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      if (families[i] === 'IPv6' && fam !== 'IPv6') errs.push(invalid(`${path}[${i}]`, ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    });
  }
  return errs;
}

/** The usable addresses of an IPv4 range exclude network and broadcast, as Kubernetes' ipallocator does. */
export function notInRangeDetail(ip: string, cidr: string): string {
  return `failed to allocate IP ${ip}: the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${cidr}`;
}

function usableIn(c: ParsedCIDR, ipStr: string): boolean {
  const ip = parseIP(ipStr);
  if (!ip || ip.family !== c.family || c.family !== 'IPv4') return false;
  const toNum = (b: number[]) => ((b[0] << 24) >>> 0) + (b[1] << 16) + (b[2] << 8) + b[3];
  const base = toNum(c.bytes), n = toNum(ip.bytes);
  const size = 2 ** (32 - c.prefix);
  return n > base && n < base + size - 1;
}

/** kubesvc checks the requested clusterIP against --service-cidr up front, in the allocator's words. */
export function validateClusterIPInRange(spec: Spec, serviceCIDR: string): FieldError[] {
  if (spec.type === 'ExternalName') return [];
  const ips = list(spec.clusterIPs);
  const c = parseCIDR(serviceCIDR);
  if (!c || ips.length === 0 || ips[0] === ClusterIPNone) return [];
  const errs: FieldError[] = [];
  for (const ip of ips) {
    const p = parseIP(ip);
    // Other families are reported by allocation ("IPv6 is not configured on this cluster").
    if (!p || p.family !== c.family) continue;
    if (!usableIn(c, ip)) errs.push(invalid('spec.clusterIPs', ips, notInRangeDetail(ip, `${formatIP({ family: c.family, bytes: c.bytes })}/${c.prefix}`)));
  }
  return errs;
}

/** validateUpgradeDowngradeClusterIPs + validateUpgradeDowngradeIPFamilies. */
export function validateClusterIPUpdate(spec: Spec, old: Spec): FieldError[] {
  if (spec.type === 'ExternalName' || old.type === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const ips = list(spec.clusterIPs), oldIPs = list(old.clusterIPs);
  const newHeadless = isHeadless(spec), oldHeadless = isHeadless(old);
  const immutable = 'may not change once set';

  if (!(newHeadless && oldHeadless)) {
    if (oldIPs.length === ips.length) {
      oldIPs.forEach((ip, i) => {
        if (ip !== ips[i]) errs.push(invalid(`spec.clusterIPs[${i}]`, ips, immutable));
      });
    } else if (oldIPs.length > ips.length) {
      if (ips.length === 0) errs.push(invalid('spec.clusterIPs[0]', ips, 'primary clusterIP can not be unset'));
      if (oldIPs.length > 0 && ips.length > 0 && ips[0] !== oldIPs[0]) errs.push(invalid('spec.clusterIPs[0]', ips, immutable));
      if (ips.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') {
        errs.push(invalid('spec.ipFamilyPolicy', spec.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary clusterIP"));
      }
    } else if (oldIPs.length > 0 && ips[0] !== oldIPs[0]) {
      errs.push(invalid('spec.clusterIPs[0]', ips, immutable));
    }
  }

  // Headless services may change families, and so may a change to/from headless.
  if (newHeadless || oldHeadless) return errs;
  const fams = list(spec.ipFamilies), oldFams = list(old.ipFamilies);
  if (oldFams.length === fams.length) {
    if (oldFams.some((f, i) => f !== fams[i])) errs.push(invalid('spec.ipFamilies[0]', fams, immutable));
  } else if (oldFams.length > fams.length) {
    if (ips.length === 0) errs.push(invalid('spec.ipFamilies[0]', fams, 'primary ipFamily can not be unset'));
    if (fams.length > 0 && fams[0] !== oldFams[0]) errs.push(invalid('spec.ipFamilies[0]', ips, immutable));
    if (fams.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') {
      errs.push(invalid('spec.ipFamilyPolicy', spec.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary ipFamily"));
    }
  } else if (oldFams.length > 0 && fams.length > 0 && fams[0] !== oldFams[0]) {
    errs.push(invalid('spec.ipFamilies[0]', ips, immutable));
  }
  return errs;
}
