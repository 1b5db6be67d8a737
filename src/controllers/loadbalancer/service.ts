// What the load-balancer controller reads from a Service and writes back, as
// pure functions: whether it is ours, what it asks for, which ingress IPs its
// status shows, and the /status patch that sets them.
import type { KubeObject } from '../../api/object.js';
import { canonicalIPv4 } from './ranges.js';
import type { LBRequest } from './pool.js';

/** MetalLB's annotations, both the old and the current domain. */
export const LB_IPS_ANNOTATIONS = ['metallb.universe.tf/loadBalancerIPs', 'metallb.io/loadBalancerIPs'];
export const SHARED_IP_ANNOTATIONS = ['metallb.universe.tf/allow-shared-ip', 'metallb.io/allow-shared-ip'];

type Svc = KubeObject & { spec?: any; status?: any };

export const serviceKey = (svc: KubeObject): string => `${svc.metadata.namespace ?? 'default'}/${svc.metadata.name}`;

/** A LoadBalancer whose class is unset or `ourClass`. Other classes belong to someone else. */
export function isOurs(svc: Svc, ourClass?: string): boolean {
  if (svc.spec?.type !== 'LoadBalancer') return false;
  const cls = svc.spec.loadBalancerClass;
  return cls === undefined || cls === null || cls === '' || (ourClass !== undefined && cls === ourClass);
}

function annotation(svc: Svc, names: string[]): string | undefined {
  const a = svc.metadata.annotations ?? {};
  for (const n of names) if (typeof a[n] === 'string' && a[n].trim() !== '') return a[n].trim();
  return undefined;
}

function requestedIP(svc: Svc): { ip?: string } | { error: string } {
  const specIP = typeof svc.spec?.loadBalancerIP === 'string' && svc.spec.loadBalancerIP !== '' ? svc.spec.loadBalancerIP : undefined;
  const ann = annotation(svc, LB_IPS_ANNOTATIONS);
  if (ann === undefined) {
    if (specIP === undefined) return {};
    const ip = canonicalIPv4(specIP);
    return ip ? { ip } : { error: `spec.loadBalancerIP ${JSON.stringify(specIP)} is not an IPv4 address` };
  }
  const listed = ann.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = listed.find((s) => !canonicalIPv4(s) && !s.includes(':'));
  if (bad) return { error: `invalid IP ${JSON.stringify(bad)} in the loadBalancerIPs annotation` };
  const v4 = listed.filter((s) => !s.includes(':')).map((s) => canonicalIPv4(s)!);
  if (v4.length !== 1) return { error: `the loadBalancerIPs annotation must name exactly one IPv4 address (the pool is IPv4-only), got ${JSON.stringify(ann)}` };
  if (specIP !== undefined && canonicalIPv4(specIP) !== v4[0]) return { error: 'service can not have both spec.loadBalancerIP and the loadBalancerIPs annotation' };
  return { ip: v4[0] };
}

const selectorString = (sel: Record<string, string> | undefined): string =>
  Object.entries(sel ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`).join(',');

/** The allocation request a Service makes, or why it is malformed. */
export function lbRequestOf(svc: Svc): { req: LBRequest } | { error: string } {
  const r = requestedIP(svc);
  if ('error' in r) return r;
  const ports = (Array.isArray(svc.spec?.ports) ? svc.spec.ports : []).map((p: any) => `${p.protocol ?? 'TCP'}/${p.port}`);
  return {
    req: {
      ...(r.ip ? { requestedIP: r.ip } : {}),
      ...(annotation(svc, SHARED_IP_ANNOTATIONS) ? { sharingKey: annotation(svc, SHARED_IP_ANNOTATIONS) } : {}),
      backendKey: svc.spec?.externalTrafficPolicy === 'Local' ? `Local:${selectorString(svc.spec?.selector)}` : '',
      ports,
    },
  };
}

/** IPv4 ingress addresses the status shows now. */
export function ingressIPs(svc: Svc): string[] {
  const ing = svc.status?.loadBalancer?.ingress;
  return Array.isArray(ing) ? ing.map((i: any) => i?.ip).filter((ip: unknown): ip is string => typeof ip === 'string' && !!canonicalIPv4(ip)) : [];
}

/** True when the status shows exactly `ip` (or nothing, for undefined) as a VIP. */
export function statusShows(svc: Svc, ip: string | undefined): boolean {
  const ing = svc.status?.loadBalancer?.ingress;
  const list = Array.isArray(ing) ? ing : [];
  if (ip === undefined) return list.length === 0;
  return list.length === 1 && list[0]?.ip === ip && (list[0].ipMode ?? 'VIP') === 'VIP' && !list[0].hostname && !list[0].ports;
}

/** A merge patch for /status: one VIP ingress, or none. */
export const statusPatch = (ip: string | undefined): object => ({
  status: { loadBalancer: ip ? { ingress: [{ ip, ipMode: 'VIP' }] } : { ingress: null } },
});
