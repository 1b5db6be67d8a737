// Defaults of the smaller core and discovery types.

import type { KubeObject } from '../object.js';

 
type Obj = Record<string, any>;

/**
 * SetDefaults_Namespace (the kubernetes.io/metadata.name label) and, from the
 * namespace strategy's PrepareForCreate, the 'kubernetes' finalizer and phase Active.
 */
export function defaultNamespace(ns: KubeObject): void {
  if (ns.metadata.name) ns.metadata.labels = { ...(ns.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns.metadata.name };
  const spec: Obj = (ns.spec ??= {});
  if (!Array.isArray(spec.finalizers) || spec.finalizers.length === 0) spec.finalizers = ['kubernetes'];
  const status: Obj = (ns.status ??= {});
  status.phase ||= 'Active';
}

export function defaultEndpoints(ep: KubeObject): void {
  for (const ss of (ep.subsets as Obj[] | undefined) ?? []) for (const p of ss?.ports ?? []) p.protocol ||= 'TCP';
}

/** discovery/v1 SetDefaults_EndpointPort; `conditions: {}` is how Go serialises the struct. */
export function defaultEndpointSlice(s: KubeObject): void {
  for (const p of (s.ports as Obj[] | undefined) ?? []) {
    p.name ??= '';
    p.protocol ??= 'TCP';
  }
  for (const e of (s.endpoints as Obj[] | undefined) ?? []) e.conditions ??= {};
}

/** SetDefaults_NodeStatus: allocatable mirrors capacity until the kubelet says otherwise. */
export function defaultNode(node: KubeObject): void {
  const st: Obj | undefined = node.status;
  if (st && st.capacity && st.allocatable === undefined) st.allocatable = { ...st.capacity };
}

/**
 * core/v1 Events have no defaulting in Kubernetes; these are the zero values Go
 * always serialises, so clients reading the event see the same fields.
 */
export function defaultEvent(ev: KubeObject): void {
  ev.reportingComponent ??= '';
  ev.reportingInstance ??= '';
  ev.eventTime ??= null;
  ev.firstTimestamp ??= null;
  ev.lastTimestamp ??= null;
  ev.source ??= {};
  ev.involvedObject ??= {};
}
