// The load-balancer address pool: which Service holds which ingress IP.
// Sharing follows MetalLB's allocator: Services may hold the same IP only when
// both carry the same allow-shared-ip key, agree on their backend key (see
// LBRequest) and use disjoint protocol/port pairs. Without a requested IP a
// Service gets the lowest address it may use, which can be one it shares.
// In memory and synchronous; `rebuild` restores it from Services' status.
import { addresses, formatPool, inPool, parsePool, poolSize, type Interval } from './ranges.js';

export interface LBRequest {
  /** spec.loadBalancerIP or the loadBalancerIPs annotation, canonical IPv4. */
  requestedIP?: string;
  /** The allow-shared-ip annotation; empty means the IP is exclusive. */
  sharingKey?: string;
  /** Sharers must agree: '' under Cluster policy, 'Local:<selector>' under Local, so traffic lands on the same nodes. */
  backendKey: string;
  /** "TCP/80" for each service port. */
  ports: string[];
}

export type AssignResult = { ok: true; ip: string; changed: boolean } | { ok: false; reason: string };

interface Holding {
  ip: string;
  req: LBRequest;
}

export class LBPool {
  readonly ranges: readonly Interval[];
  readonly description: string;
  private readonly bySvc = new Map<string, Holding>();
  private readonly byIP = new Map<string, Set<string>>();

  constructor(spec: string | readonly Interval[]) {
    this.ranges = typeof spec === 'string' ? parsePool(spec) : spec;
    this.description = formatPool(this.ranges);
  }

  get size(): number {
    return poolSize(this.ranges);
  }

  /** Addresses held by at least one Service. */
  get used(): number {
    return this.byIP.size;
  }

  contains(ip: string): boolean {
    return inPool(this.ranges, ip);
  }

  ipOf(svc: string): string | undefined {
    return this.bySvc.get(svc)?.ip;
  }

  usersOf(ip: string): string[] {
    return [...(this.byIP.get(ip) ?? [])].sort();
  }

  /** Keeps a still-valid holding, else moves the Service to the requested or lowest usable address. */
  assign(svc: string, req: LBRequest): AssignResult {
    const cur = this.bySvc.get(svc);
    if (cur && (!req.requestedIP || req.requestedIP === cur.ip) && !this.whyNot(cur.ip, svc, req)) {
      cur.req = req;
      return { ok: true, ip: cur.ip, changed: false };
    }
    if (cur) this.release(svc);
    if (req.requestedIP) {
      const why = this.whyNot(req.requestedIP, svc, req);
      if (why) return { ok: false, reason: `failed to allocate requested IP ${req.requestedIP}: ${why}` };
      this.take(svc, req.requestedIP, req);
      return { ok: true, ip: req.requestedIP, changed: true };
    }
    for (const ip of addresses(this.ranges)) {
      if (this.whyNot(ip, svc, req)) continue;
      this.take(svc, ip, req);
      return { ok: true, ip, changed: true };
    }
    return { ok: false, reason: `no available IPs in pool "${this.description}"` };
  }

  /** Idempotent; `freed` says the address has no users left. */
  release(svc: string): { ip?: string; freed: boolean } {
    const cur = this.bySvc.get(svc);
    if (!cur) return { freed: false };
    this.bySvc.delete(svc);
    const users = this.byIP.get(cur.ip)!;
    users.delete(svc);
    if (users.size) return { ip: cur.ip, freed: false };
    this.byIP.delete(cur.ip);
    return { ip: cur.ip, freed: true };
  }

  /**
   * Start-up repair: forget everything, then take back what Services' status
   * says they hold, in the given order (oldest first, so the oldest keeps a
   * contested address). Returns one message per holding that could not be kept.
   */
  rebuild(entries: Iterable<{ svc: string; ip: string; req: LBRequest }>): string[] {
    this.bySvc.clear();
    this.byIP.clear();
    const problems: string[] = [];
    for (const e of entries) {
      const why = this.bySvc.has(e.svc) ? 'it already holds another address' : this.whyNot(e.ip, e.svc, e.req);
      if (why) problems.push(`${e.svc} cannot keep ${e.ip}: ${why}`);
      else this.take(e.svc, e.ip, e.req);
    }
    return problems;
  }

  /** Why `svc` may not use `ip` alongside its current users, or undefined when it may. */
  whyNot(ip: string, svc: string, req: LBRequest): string | undefined {
    if (!this.contains(ip)) return `${ip} is not in pool "${this.description}"`;
    for (const other of this.byIP.get(ip) ?? []) {
      if (other === svc) continue;
      const o = this.bySvc.get(other)!.req;
      if (!req.sharingKey) return `${ip} is in use by ${other} and this service does not allow sharing`;
      if (!o.sharingKey) return `${ip} is in use by ${other}, which does not allow sharing`;
      if (o.sharingKey !== req.sharingKey) return `sharing key "${req.sharingKey}" does not match "${o.sharingKey}" of ${other} on ${ip}`;
      if (o.backendKey !== req.backendKey) return `${other} on ${ip} has a different externalTrafficPolicy or, with Local, a different selector`;
      const clash = req.ports.find((p) => o.ports.includes(p));
      if (clash) return `port ${clash} is already in use on ${ip} by ${other}`;
    }
    return undefined;
  }

  private take(svc: string, ip: string, req: LBRequest): void {
    this.bySvc.set(svc, { ip, req });
    let users = this.byIP.get(ip);
    if (!users) this.byIP.set(ip, (users = new Set()));
    users.add(svc);
  }
}
