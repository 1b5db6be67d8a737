// The cluster's ClusterIP and NodePort bitmaps, and the few operations that change
// them: apply a plan (all or nothing), commit or roll it back, and rebuild from the
// stored Services (the repair pass run at start, as Kubernetes' repair controllers).
// In memory and synchronous: the API server plans, validates and applies in one
// turn of the event loop, so concurrent creates never see the same free value.

import { Bitmap, mathRandom, rangeOffset } from './bitmap.js';
import type { Rng } from './bitmap.js';
import { indexToIP, ipToIndex, nthIP, parseIPv4CIDR } from './cidr.js';
import type { IPv4Range } from './cidr.js';
import type { KubeObject } from '../../api/object.js';

export interface NodePortRange {
  base: number;
  size: number;
}

export type Allocation = { kind: 'clusterIP'; ip: string } | { kind: 'nodePort'; port: number };

export interface AllocatorOptions {
  serviceCIDR: string;
  nodePortRange: NodePortRange;
  /** ip → "namespace/name" allowed to hold it. Default: 1st → default/kubernetes, 10th → kube-system/kube-dns. */
  reserved?: Record<string, string>;
  rng?: Rng;
}

export interface AllocatorSnapshot {
  serviceCIDR: string;
  nodePortRange: string;
  clusterIPs: string;
  nodePorts: string;
}

export const portRangeString = (r: NodePortRange): string => `${r.base}-${r.base + r.size - 1}`;

export class ServiceAllocators {
  readonly ipRange: IPv4Range;
  readonly portRange: NodePortRange;
  readonly ips: Bitmap;
  readonly ports: Bitmap;
  readonly reserved: ReadonlyMap<number, string>;
  readonly rng: Rng;

  constructor(opts: AllocatorOptions) {
    const r = parseIPv4CIDR(opts.serviceCIDR);
    if (!r) throw new RangeError(`invalid service CIDR ${JSON.stringify(opts.serviceCIDR)}`);
    this.ipRange = r;
    this.portRange = { ...opts.nodePortRange };
    this.ips = new Bitmap(r.size, rangeOffset(r.size + 2, 16, 256, 16));
    this.ports = new Bitmap(this.portRange.size, rangeOffset(this.portRange.size, 16, 128, 32));
    this.rng = opts.rng ?? mathRandom;
    const reserved = new Map<number, string>();
    const wanted = opts.reserved ?? defaultReservations(r);
    for (const [ip, owner] of Object.entries(wanted)) {
      const i = ipToIndex(r, ip);
      if (i !== undefined) reserved.set(i, owner);
    }
    this.reserved = reserved;
  }

  get serviceCIDR(): string {
    return this.ipRange.cidr;
  }

  portIndex(port: number): number | undefined {
    const i = port - this.portRange.base;
    return Number.isInteger(i) && i >= 0 && i < this.portRange.size ? i : undefined;
  }

  /** Takes every allocation of a plan, or none: on a clash it undoes what it took and names the value. */
  apply(allocs: Allocation[]): { ok: true } | { ok: false; clash: Allocation } {
    const done: Allocation[] = [];
    for (const a of allocs) {
      if (!this.#take(a)) {
        this.release(done);
        return { ok: false, clash: a };
      }
      done.push(a);
    }
    return { ok: true };
  }

  /** Releasing is idempotent; values outside the ranges are ignored. */
  release(allocs: Allocation[]): void {
    for (const a of allocs) {
      const i = a.kind === 'clusterIP' ? ipToIndex(this.ipRange, a.ip) : this.portIndex(a.port);
      if (i !== undefined) (a.kind === 'clusterIP' ? this.ips : this.ports).release(i);
    }
  }

  #take(a: Allocation): boolean {
    const i = a.kind === 'clusterIP' ? ipToIndex(this.ipRange, a.ip) : this.portIndex(a.port);
    return i !== undefined && (a.kind === 'clusterIP' ? this.ips : this.ports).allocate(i);
  }

  /**
   * Repair: rebuild both bitmaps from all stored Services. Returns one message per
   * inconsistency, worded as Kubernetes' repair controllers' events.
   */
  rebuildFromServices(services: Iterable<KubeObject>): string[] {
    this.ips.clear();
    this.ports.clear();
    const problems: string[] = [];
    for (const svc of services) {
      const who = `${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`;
      for (const a of allocationsOf(svc)) {
        if (a.kind === 'clusterIP') {
          const i = ipToIndex(this.ipRange, a.ip);
          if (i === undefined) problems.push(`Cluster IP ${a.ip} of ${who} is not within the service CIDR ${this.ipRange.cidr}; please recreate service`);
          else if (!this.ips.allocate(i)) problems.push(`Cluster IP ${a.ip} of ${who} was assigned to multiple services; please recreate service`);
        } else {
          const i = this.portIndex(a.port);
          if (i === undefined) problems.push(`Port allocation ${a.port} of ${who} is not within the port range ${portRangeString(this.portRange)}; please recreate service`);
          else if (!this.ports.allocate(i)) problems.push(`Port allocation ${a.port} of ${who} was assigned to multiple services; please recreate service`);
        }
      }
    }
    return problems;
  }

  snapshot(): AllocatorSnapshot {
    return { serviceCIDR: this.ipRange.cidr, nodePortRange: portRangeString(this.portRange), clusterIPs: this.ips.snapshot(), nodePorts: this.ports.snapshot() };
  }

  restore(s: AllocatorSnapshot): void {
    if (s.serviceCIDR !== this.ipRange.cidr) throw new Error('the provided network does not match the current range');
    if (s.nodePortRange !== portRangeString(this.portRange)) throw new Error('the provided port range does not match the current port range');
    this.ips.restore(s.clusterIPs);
    this.ports.restore(s.nodePorts);
  }

  ipAt(i: number): string {
    return indexToIP(this.ipRange, i);
  }
}

function defaultReservations(r: IPv4Range): Record<string, string> {
  const out: Record<string, string> = {};
  if (r.size >= 1) out[nthIP(r, 1)] = 'default/kubernetes';
  if (r.size >= 10) out[nthIP(r, 10)] = 'kube-system/kube-dns';
  return out;
}

/**
 * What a stored Service holds: its cluster IPs (not for ExternalName or
 * headless), every nodePort (shared values counted once) and its
 * healthCheckNodePort. Used on delete and by the repair pass.
 */
export function allocationsOf(svc: KubeObject): Allocation[] {
  const spec = svc.spec ?? {};
  const out: Allocation[] = [];
  if (spec.type !== 'ExternalName' && Array.isArray(spec.clusterIPs)) {
    for (const ip of spec.clusterIPs) if (typeof ip === 'string' && ip && ip !== 'None') out.push({ kind: 'clusterIP', ip });
  }
  const ports = new Set<number>();
  for (const p of Array.isArray(spec.ports) ? spec.ports : []) if (typeof p?.nodePort === 'number' && p.nodePort > 0) ports.add(p.nodePort);
  if (typeof spec.healthCheckNodePort === 'number' && spec.healthCheckNodePort > 0) ports.add(spec.healthCheckNodePort);
  for (const port of ports) out.push({ kind: 'nodePort', port });
  return out;
}
