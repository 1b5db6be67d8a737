// Planning ClusterIP and NodePort allocation for a Service create or update,
// after pkg/registry/core/service/storage/alloc.go. Planning reads the bitmaps but
// never changes them; it fills the chosen values into the new Service and returns
// what to allocate now and what to release once the write has succeeded.
//
// Caller (API server), all in one synchronous step up to the storage write:
//   defaultService → prepareServiceFor{Create,Update} → planServiceAllocation
//   → validateService[Update] → allocators.apply(plan.allocate) → write
//   → on success allocators.release(plan.release), on failure allocators.release(plan.allocate).
// On delete: allocators.release(allocationsOf(svc)) after the delete succeeded.

import type { KubeObject } from '../../api/object.js';
import { isPlainObject } from '../../api/object.js';
import type { FieldError } from '../../api/status.js';
import { defaultIPFamilies, isHeadless, needsHealthCheck, needsNodePort } from '../../api/defaults/service.js';
import { notInRangeDetail, validateClusterIPFields } from '../../api/validation/service-clusterip.js';
import { parseIP } from '../../api/validation/syntax.js';
import { ipToIndex } from './cidr.js';
import { allocationsOf, portRangeString } from './allocators.js';
import type { Allocation, ServiceAllocators } from './allocators.js';

export interface AllocationPlan {
  allocate: Allocation[];
  /** Deferred: release only after the new object is stored. */
  release: Allocation[];
}

/** 422 Invalid (errors) or 500 InternalError (internal), as Kubernetes answers. */
export type PlanFailure = { errors: FieldError[] } | { internal: string };

export const isPlanFailure = (r: AllocationPlan | PlanFailure): r is PlanFailure => 'errors' in r || 'internal' in r;

type Spec = Record<string, any>;

class Failure {
  constructor(readonly result: PlanFailure) {}
}
const fail422 = (field: string, value: unknown, detail: string): never => {
  throw new Failure({ errors: [{ type: 'FieldValueInvalid', field, value, detail }] });
};
const fail500 = (msg: string): never => {
  throw new Failure({ internal: msg });
};

/** One plan in the making: remembers its own picks so two ports never get the same value. */
class Draft {
  readonly allocate: Allocation[] = [];
  readonly release: Allocation[] = [];
  readonly #ips = new Set<number>();
  readonly #ports = new Set<number>();
  constructor(readonly al: ServiceAllocators, readonly owner: string) {}

  /** Error text of the ip allocator for a requested address, or undefined when it is free. */
  ipProblem(ip: string): string | undefined {
    const i = ipToIndex(this.al.ipRange, ip);
    if (i === undefined) return `the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.al.serviceCIDR}`;
    const holder = this.al.reserved.get(i);
    if (holder !== undefined && holder !== this.owner) return `provided IP is reserved for ${holder}`;
    if (this.al.ips.has(i) || this.#ips.has(i)) return 'provided IP is already allocated';
    return undefined;
  }

  takeIP(ip: string): void {
    this.#ips.add(ipToIndex(this.al.ipRange, ip)!);
    this.allocate.push({ kind: 'clusterIP', ip });
  }

  nextIP(): string | undefined {
    const i = this.al.ips.findNext(this.al.rng, (j) => this.#ips.has(j) || (this.al.reserved.has(j) && this.al.reserved.get(j) !== this.owner));
    if (i === undefined) return undefined;
    const ip = this.al.ipAt(i);
    this.takeIP(ip);
    return ip;
  }

  portProblem(port: number): string | undefined {
    const i = this.al.portIndex(port);
    if (i === undefined) return `provided port is not in the valid range. The range of valid ports is ${portRangeString(this.al.portRange)}`;
    if (this.al.ports.has(i) || this.#ports.has(i)) return 'provided port is already allocated';
    return undefined;
  }

  takePort(port: number): void {
    this.#ports.add(this.al.portIndex(port)!);
    this.allocate.push({ kind: 'nodePort', port });
  }

  nextPort(): number | undefined {
    const i = this.al.ports.findNext(this.al.rng, (j) => this.#ports.has(j));
    if (i === undefined) return undefined;
    const port = this.al.portRange.base + i;
    this.takePort(port);
    return port;
  }
}

const shouldAllocateNodePorts = (spec: Spec): boolean =>
  spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);

const portsOf = (spec: Spec): Spec[] => (Array.isArray(spec.ports) ? spec.ports.filter(isPlainObject) : []);
const nodePortNumbers = (spec: Spec): number[] => portsOf(spec).map((p) => p.nodePort).filter((n): n is number => typeof n === 'number' && n > 0);

/**
 * Plans allocation for creating (oldSvc undefined) or updating a Service. Fills
 * clusterIP(s), ipFamilies, ipFamilyPolicy, nodePorts and healthCheckNodePort
 * into newSvc. Never changes the allocators.
 */
export function planServiceAllocation(oldSvc: KubeObject | undefined, newSvc: KubeObject, al: ServiceAllocators): AllocationPlan | PlanFailure {
  const ns = newSvc.metadata?.namespace ?? 'default';
  const draft = new Draft(al, `${ns}/${newSvc.metadata?.name ?? ''}`);
  if (!isPlainObject(newSvc.spec)) newSvc.spec = {};
  const spec: Spec = newSvc.spec;
  try {
    if (spec.type !== 'ExternalName') {
      const pre = validateClusterIPFields(spec);
      if (pre.length) return { errors: pre };
      const fam = defaultIPFamilies(newSvc, oldSvc, ['IPv4']);
      if (fam.length) return { errors: fam };
    }
    if (!oldSvc) {
      allocClusterIPs(spec, draft);
      if (needsNodePort(spec)) initNodePorts(spec, draft);
      if (needsHealthCheck(spec)) allocHealthCheck(spec, draft);
    } else {
      const old: Spec = oldSvc.spec ?? {};
      updateClusterIPs(spec, old, draft);
      updateNodePorts(spec, old, draft);
      updateHealthCheck(spec, old, draft);
    }
  } catch (e) {
    if (e instanceof Failure) return e.result;
    throw e;
  }
  return { allocate: draft.allocate, release: draft.release };
}

/** What deleting a stored Service gives back. */
export const planServiceRelease = (svc: KubeObject): Allocation[] => allocationsOf(svc);

function allocClusterIPs(spec: Spec, d: Draft): void {
  if (spec.type === 'ExternalName' || isHeadless(spec)) return;
  const requested: string = Array.isArray(spec.clusterIPs) && spec.clusterIPs.length ? spec.clusterIPs[0] : '';
  if (!requested) {
    const ip = d.nextIP() ?? fail500('failed to allocate a serviceIP: range is full');
    spec.clusterIP = ip;
    spec.clusterIPs = [ip];
    return;
  }
  // Families other than the cluster's were refused by defaultIPFamilies.
  if (parseIP(requested)?.family !== 'IPv4') return;
  const problem = d.ipProblem(requested);
  if (problem) {
    fail422('spec.clusterIPs', spec.clusterIPs, problem.startsWith('the provided IP (') ? notInRangeDetail(requested, d.al.serviceCIDR) : `failed to allocate IP ${requested}: ${problem}`);
  }
  d.takeIP(requested);
}

function updateClusterIPs(spec: Spec, old: Spec, d: Draft): void {
  // Single-stack cluster: only type changes to and from ExternalName move IPs.
  if (old.type === 'ExternalName' && spec.type !== 'ExternalName') return allocClusterIPs(spec, d);
  if (isHeadless(old)) return;
  if (old.type !== 'ExternalName' && spec.type === 'ExternalName') {
    for (const ip of Array.isArray(old.clusterIPs) ? old.clusterIPs : []) if (ip && ip !== 'None') d.release.push({ kind: 'clusterIP', ip });
  }
}

function requestPort(d: Draft, port: number, i: number): void {
  const problem = d.portProblem(port);
  if (problem) fail422(`spec.ports[${i}].nodePort`, port, problem);
  d.takePort(port);
}

/** initNodePorts: ports with the same number (TCP and UDP 53) share one nodePort. */
function initNodePorts(spec: Spec, d: Draft): void {
  const ports = portsOf(spec);
  const byServicePort = new Map<number, number>();
  ports.forEach((p, i) => {
    if (!p.nodePort && !shouldAllocateNodePorts(spec)) return; // honour requests only
    const shared = byServicePort.get(p.port);
    if (shared === undefined) {
      const requested = ports.find((q) => q.port === p.port && q.nodePort)?.nodePort;
      if (requested) {
        requestPort(d, requested, i);
        p.nodePort = requested;
      } else {
        p.nodePort = d.nextPort() ?? fail500('failed to allocate a nodePort: range is full');
      }
      byServicePort.set(p.port, p.nodePort);
    } else if (p.nodePort !== shared) {
      if (!p.nodePort) p.nodePort = shared;
      else requestPort(d, p.nodePort, i);
    }
  });
}

function updateNodePorts(spec: Spec, old: Spec, d: Draft): void {
  const oldPorts = nodePortNumbers(old);
  if (needsNodePort(old) && !needsNodePort(spec)) {
    for (const port of oldPorts) d.release.push({ kind: 'nodePort', port });
  }
  if (!needsNodePort(spec)) return;
  const seen = new Set<string>();
  const taken = new Set<number>();
  portsOf(spec).forEach((p, i) => {
    if (!p.nodePort && !shouldAllocateNodePorts(spec)) return;
    if (p.nodePort) {
      if (!oldPorts.includes(p.nodePort) && !taken.has(p.nodePort)) {
        requestPort(d, p.nodePort, i);
        taken.add(p.nodePort);
      }
    } else {
      p.nodePort = d.nextPort() ?? fail500('failed to allocate a nodePort: range is full');
    }
    const key = `${p.protocol}/${p.nodePort}`;
    if (seen.has(key)) fail500(`duplicate nodePort: {${p.protocol} ${p.nodePort}}`);
    seen.add(key);
  });
  const now = nodePortNumbers(spec);
  for (const port of oldPorts) if (!now.includes(port) && !d.release.some((r) => r.kind === 'nodePort' && r.port === port)) d.release.push({ kind: 'nodePort', port });
}

function allocHealthCheck(spec: Spec, d: Draft): void {
  const hc = spec.healthCheckNodePort;
  if (hc) {
    const problem = d.portProblem(hc);
    if (problem) fail500(`failed to allocate requested HealthCheck NodePort ${hc}: ${problem}`);
    d.takePort(hc);
  } else {
    spec.healthCheckNodePort = d.nextPort() ?? fail500('failed to allocate a HealthCheck NodePort 0: range is full');
  }
}

function updateHealthCheck(spec: Spec, old: Spec, d: Draft): void {
  const needed = needsHealthCheck(old), needs = needsHealthCheck(spec);
  if (!needed && needs) allocHealthCheck(spec, d);
  else if (needed && !needs && old.healthCheckNodePort) d.release.push({ kind: 'nodePort', port: old.healthCheckNodePort });
}
