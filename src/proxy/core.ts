// The proxy's decision loop without I/O: trackers feed the service and endpoint
// maps; each sync rebuilds the fragments of changed Services (all of them on a
// full sync) and hands them to the Syncer, which writes one transaction.
import type { KubeObject } from '../api/object.js';
import type { NftInterface } from '../nft/interface.js';
import { staleConntrack, uniqueFilters, type ConntrackFilter } from './conntrack.js';
import type { Fragment } from './fragment.js';
import { buildRuleset, serviceFragment, staticFragment } from './rules.js';
import { Syncer, type SyncStats } from './syncer.js';
import { categorizeEndpoints } from './topology.js';
import { EndpointsChangeTracker } from './tracker/endpoints.js';
import { ServiceChangeTracker } from './tracker/services.js';
import type { NodeInfo, RulesetOptions, ServiceEndpoints, ServiceInfo } from './types.js';

export interface ProxyCoreOptions extends RulesetOptions {
  node: NodeInfo;
  /** Periodic full resync (kube-proxy: an hour). */
  fullSyncIntervalMs?: number;
  /** Wall clock in ms, for trigger-time latency and full-sync periods. */
  now?: () => number;
}

export interface HealthCheck { namespace: string; name: string; port: number; localEndpoints: number }

export interface SyncResult extends SyncStats {
  changedServices: number;
  /** Network programming latencies (ms) of the changes this sync applied. */
  latencies: number[];
  conntrack: ConntrackFilter[];
}

export class ProxyCore {
  readonly services = new Map<string, ServiceInfo>();
  readonly endpoints = new Map<string, ServiceEndpoints>();
  readonly serviceTracker = new ServiceChangeTracker();
  readonly endpointsTracker = new EndpointsChangeTracker();
  readonly syncer: Syncer;
  /** healthCheckNodePort services (LoadBalancer, externalTrafficPolicy Local). */
  readonly healthChecks = new Map<string, HealthCheck>();
  private node: NodeInfo;
  private needFull = true;
  private lastFull = -Infinity;
  private staticDirty = false;
  private pendingConntrack: ConntrackFilter[] = [];
  private readonly now: () => number;

  constructor(nft: NftInterface, private readonly o: ProxyCoreOptions) {
    this.syncer = new Syncer(nft);
    this.node = o.node;
    this.now = o.now ?? Date.now;
  }

  onService(previous: KubeObject | undefined, current: KubeObject | undefined): boolean { return this.serviceTracker.update(previous, current); }
  onSlice(slice: KubeObject, removed: boolean): boolean { return this.endpointsTracker.update(slice, removed); }

  setNode(node: NodeInfo): boolean {
    if (JSON.stringify(node) === JSON.stringify(this.node)) return false;
    this.node = node;
    this.staticDirty = true;
    // NodePort endpoint elements are keyed by the node's IPs: every service may change.
    this.needFull = true;
    return true;
  }

  requestFullSync(): void { this.needFull = true; }

  pending(): boolean { return this.needFull || this.staticDirty || this.serviceTracker.pending() || this.endpointsTracker.pending(); }

  async sync(): Promise<SyncResult> {
    const prevSvcs = new Map<string, ServiceInfo | undefined>();
    const svcChanged = this.serviceTracker.checkout(trackingMap(this.services, prevSvcs));
    const ep = this.endpointsTracker.checkout(this.endpoints);
    const changed = new Set([...svcChanged, ...ep.updated]);
    for (const key of changed) {
      const prevSvc = prevSvcs.has(key) ? prevSvcs.get(key) : this.services.get(key);
      const prevEps = ep.previous.has(key) ? ep.previous.get(key) : this.endpoints.get(key);
      this.pendingConntrack.push(...staleConntrack(prevSvc, this.services.get(key), prevEps, this.endpoints.get(key), this.node.name));
      this.updateHealthCheck(key);
    }
    const full = this.needFull || this.now() - this.lastFull >= (this.o.fullSyncIntervalMs ?? 3_600_000);
    let stats: SyncStats;
    try {
      if (full) {
        stats = await this.syncer.full(buildRuleset(this.services.values(), this.endpoints, this.node, this.o));
        this.lastFull = this.now();
      } else {
        const updates = new Map<string, Fragment | undefined>();
        if (this.staticDirty) updates.set('', staticFragment(this.node, this.o));
        for (const key of changed) {
          const svc = this.services.get(key);
          updates.set(key, svc?.ports.length ? serviceFragment(svc, this.endpoints.get(key), this.node, this.o) : undefined);
        }
        stats = await this.syncer.partial(updates);
      }
    } catch (e) {
      this.needFull = true;
      throw e;
    }
    this.needFull = false;
    this.staticDirty = false;
    const now = this.now();
    const latencies = [...ep.triggerTimes.values()].flat().map((t) => now - t);
    const conntrack = uniqueFilters(this.pendingConntrack);
    this.pendingConntrack = [];
    return { ...stats, changedServices: changed.size, latencies, conntrack };
  }

  private updateHealthCheck(key: string): void {
    const svc = this.services.get(key);
    const p = svc?.ports.find((x) => x.healthCheckNodePort !== undefined);
    if (!svc || !p) { this.healthChecks.delete(key); return; }
    const local = new Set<string>();
    for (const sp of svc.ports) {
      for (const e of categorizeEndpoints(this.endpoints.get(key)?.get(sp.portName) ?? [], sp, this.node.name).localEndpoints) local.add(e.ip);
    }
    this.healthChecks.set(key, { namespace: svc.namespace, name: svc.name, port: p.healthCheckNodePort!, localEndpoints: local.size });
  }
}

/** A map view that records each key's value before its first change. */
function trackingMap<V>(m: Map<string, V>, prev: Map<string, V | undefined>): Map<string, V> {
  const remember = (k: string): void => { if (!prev.has(k)) prev.set(k, m.get(k)); };
  return {
    set: (k: string, v: V) => { remember(k); m.set(k, v); return m; },
    delete: (k: string) => { remember(k); return m.delete(k); },
  } as unknown as Map<string, V>;
}
