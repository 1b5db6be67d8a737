// The record index: services, endpoint slices, pods and namespaces in slim form,
// with the reverse maps PTR and verified pod lookups need. Mutated by the informer
// edge, read by the pure answer function. `generation` moves on every change so
// the server can drop cached responses.
import { canonicalIP } from '../ip.js';
import type { PodInfo, ServiceInfo, SliceInfo } from './object.js';

const key = (ns: string, name: string): string => `${ns}/${name}`;

export class RecordIndex {
  private readonly services = new Map<string, ServiceInfo>();
  /** ns/service → slice name → slice. */
  private readonly slices = new Map<string, Map<string, SliceInfo>>();
  private readonly sliceOwner = new Map<string, string>();
  private readonly pods = new Map<string, PodInfo>();
  private readonly byClusterIP = new Map<string, Set<string>>();
  /** Endpoint IP → ns/slice keys that list it. */
  private readonly byEndpointIP = new Map<string, Set<string>>();
  private readonly byPodIP = new Map<string, Set<string>>();
  private readonly namespaces = new Set<string>();
  /** Services and pods per namespace, the fallback when namespaces are not watched. */
  private readonly implied = new Map<string, number>();
  /** When false, a namespace exists if any object lives in it (tests, benchmarks). */
  private trackingNamespaces = false;
  generation = 0;

  constructor(private readonly onChange?: () => void) {}

  private changed(): void {
    this.generation++;
    this.onChange?.();
  }

  // --- namespaces

  setNamespace(name: string, exists: boolean): void {
    this.trackingNamespaces = true;
    if (exists) this.namespaces.add(name);
    else this.namespaces.delete(name);
    this.changed();
  }

  hasNamespace(ns: string): boolean {
    return this.trackingNamespaces ? this.namespaces.has(ns) : (this.implied.get(ns) ?? 0) > 0;
  }

  private imply(ns: string, delta: number): void {
    const n = (this.implied.get(ns) ?? 0) + delta;
    if (n > 0) this.implied.set(ns, n);
    else this.implied.delete(ns);
  }

  // --- services

  upsertService(s: ServiceInfo): void {
    this.deleteService(s.namespace, s.name, false);
    const k = key(s.namespace, s.name);
    this.services.set(k, s);
    this.imply(s.namespace, 1);
    for (const ip of s.clusterIPs) addTo(this.byClusterIP, canonicalIP(ip), k);
    this.changed();
  }

  deleteService(ns: string, name: string, notify = true): void {
    const k = key(ns, name);
    const old = this.services.get(k);
    if (!old) return;
    this.services.delete(k);
    this.imply(ns, -1);
    for (const ip of old.clusterIPs) removeFrom(this.byClusterIP, canonicalIP(ip), k);
    if (notify) this.changed();
  }

  service(ns: string, name: string): ServiceInfo | undefined {
    return this.services.get(key(ns, name));
  }

  servicesByClusterIP(ip: string): ServiceInfo[] {
    return [...(this.byClusterIP.get(ip) ?? [])].map((k) => this.services.get(k)!);
  }

  serviceCount(): number {
    return this.services.size;
  }

  // --- endpoint slices

  upsertSlice(s: SliceInfo): void {
    this.deleteSlice(s.namespace, s.name, false);
    const sk = key(s.namespace, s.name);
    const owner = key(s.namespace, s.service);
    let m = this.slices.get(owner);
    if (!m) this.slices.set(owner, (m = new Map()));
    m.set(s.name, s);
    this.sliceOwner.set(sk, owner);
    for (const e of s.endpoints) for (const ip of e.addresses) addTo(this.byEndpointIP, canonicalIP(ip), sk);
    this.changed();
  }

  deleteSlice(ns: string, name: string, notify = true): void {
    const sk = key(ns, name);
    const owner = this.sliceOwner.get(sk);
    if (!owner) return;
    const m = this.slices.get(owner)!;
    const old = m.get(name)!;
    m.delete(name);
    if (!m.size) this.slices.delete(owner);
    this.sliceOwner.delete(sk);
    for (const e of old.endpoints) for (const ip of e.addresses) removeFrom(this.byEndpointIP, canonicalIP(ip), sk);
    if (notify) this.changed();
  }

  slicesOf(ns: string, service: string): SliceInfo[] {
    const m = this.slices.get(key(ns, service));
    return m ? [...m.values()] : [];
  }

  slicesByEndpointIP(ip: string): SliceInfo[] {
    const out: SliceInfo[] = [];
    for (const sk of this.byEndpointIP.get(ip) ?? []) {
      const [ns, name] = sk.split('/');
      const s = this.slices.get(this.sliceOwner.get(sk)!)?.get(name);
      if (s && s.namespace === ns) out.push(s);
    }
    return out;
  }

  // --- pods

  upsertPod(p: PodInfo): void {
    this.deletePod(p.namespace, p.name, false);
    const k = key(p.namespace, p.name);
    this.pods.set(k, p);
    this.imply(p.namespace, 1);
    for (const ip of p.ips) addTo(this.byPodIP, canonicalIP(ip), k);
    this.changed();
  }

  deletePod(ns: string, name: string, notify = true): void {
    const k = key(ns, name);
    const old = this.pods.get(k);
    if (!old) return;
    this.pods.delete(k);
    this.imply(ns, -1);
    for (const ip of old.ips) removeFrom(this.byPodIP, canonicalIP(ip), k);
    if (notify) this.changed();
  }

  podsByIP(ip: string): PodInfo[] {
    return [...(this.byPodIP.get(ip) ?? [])].map((k) => this.pods.get(k)!);
  }
}

function addTo(m: Map<string, Set<string>>, k: string, v: string): void {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  s.add(v);
}

function removeFrom(m: Map<string, Set<string>>, k: string, v: string): void {
  const s = m.get(k);
  if (!s) return;
  s.delete(v);
  if (!s.size) m.delete(k);
}
