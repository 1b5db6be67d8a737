// Per-resource field selector support. Two upstream layers, kept separate on purpose:
// - which labels a request may use (the AddFieldLabelConversionFunc tables, or
//   runtime.DefaultMetaV1FieldSelectorConversion for kinds without one), and
// - which values an object exposes (the registries' ToSelectableFields).
// They differ: apps/v1 registers no conversion, so replicasets expose status.replicas
// yet reject it in a request, exactly like a real apiserver.

import type { KubeObject } from '../object.js';
import { Errors } from '../status.js';
import { goQuote } from './goformat.js';
import type { FieldRequirement, FieldSelector } from './fields.js';

interface Conversion {
  /** Accepted labels beyond the metadata ones, with their canonical spelling. */
  accepted: Record<string, string>;
  /** Cluster-scoped kinds accept metadata.name only. */
  namespaced: boolean;
}

const same = (...labels: string[]): Record<string, string> => Object.fromEntries(labels.map((l) => [l, l]));

// pkg/apis/core/v1/conversion.go
const conversions: Record<string, Conversion> = {
  pods: {
    namespaced: true,
    accepted: {
      ...same('spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork',
        'status.phase', 'status.podIP', 'status.podIPs', 'status.nominatedNodeName'),
      'spec.host': 'spec.nodeName', // legacy v1 clients
    },
  },
  nodes: { namespaced: false, accepted: same('spec.unschedulable') },
  namespaces: { namespaced: false, accepted: same('status.phase') },
  replicationcontrollers: { namespaced: true, accepted: same('status.replicas') },
  events: {
    namespaced: true,
    accepted: same('involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid',
      'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath',
      'reason', 'reportingComponent', 'source', 'type'),
  },
  secrets: { namespaced: true, accepted: same('type') },
  services: { namespaced: true, accepted: same('spec.clusterIP', 'spec.type') },
};

const clusterScoped = new Set([
  'nodes', 'namespaces', 'persistentvolumes', 'clusterroles', 'clusterrolebindings', 'customresourcedefinitions',
  'storageclasses', 'priorityclasses', 'apiservices', 'certificatesigningrequests', 'ingressclasses',
  'mutatingwebhookconfigurations', 'validatingwebhookconfigurations', 'runtimeclasses', 'csidrivers', 'csinodes',
  'volumeattachments', 'componentstatuses',
]);

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const bool = (v: unknown): string => (v === true ? 'true' : 'false');
const int = (v: unknown): string => (typeof v === 'number' ? String(Math.trunc(v)) : '0');

type Extra = (o: KubeObject) => Record<string, string>;

// pkg/registry/<group>/<resource>/strategy.go ToSelectableFields, read off the v1 wire shape.
const extras: Record<string, Extra> = {
  pods: (o) => ({
    'spec.nodeName': str(o.spec?.nodeName),
    'spec.restartPolicy': str(o.spec?.restartPolicy),
    'spec.schedulerName': str(o.spec?.schedulerName),
    'spec.serviceAccountName': str(o.spec?.serviceAccountName),
    'spec.hostNetwork': bool(o.spec?.hostNetwork),
    'status.phase': str(o.status?.phase),
    'status.podIP': str(o.status?.podIPs?.[0]?.ip ?? o.status?.podIP),
    'status.nominatedNodeName': str(o.status?.nominatedNodeName),
  }),
  nodes: (o) => ({ 'spec.unschedulable': bool(o.spec?.unschedulable) }),
  // "name" is an upstream bug kept for compatibility; no request can reach it.
  namespaces: (o) => ({ 'status.phase': str(o.status?.phase), name: str(o.metadata.name) }),
  replicationcontrollers: (o) => ({ 'status.replicas': int(o.status?.replicas) }),
  replicasets: (o) => ({ 'status.replicas': int(o.status?.replicas) }),
  events: (o) => {
    const io = (o.involvedObject ?? {}) as Record<string, unknown>;
    const src = (o.source ?? {}) as Record<string, unknown>;
    return {
      'involvedObject.kind': str(io.kind),
      'involvedObject.namespace': str(io.namespace),
      'involvedObject.name': str(io.name),
      'involvedObject.uid': str(io.uid),
      'involvedObject.apiVersion': str(io.apiVersion),
      'involvedObject.resourceVersion': str(io.resourceVersion),
      'involvedObject.fieldPath': str(io.fieldPath),
      reason: str(o.reason),
      reportingComponent: str(o.reportingComponent),
      source: str(src.component) || str(o.reportingComponent),
      type: str(o.type),
    };
  },
  secrets: (o) => ({ type: str(o.type) }),
  services: (o) => ({ 'spec.clusterIP': str(o.spec?.clusterIP), 'spec.type': str(o.spec?.type) }),
};

/** The flat fields.Set a field selector is matched against, for a plural resource name. */
export function fieldsFor(resource: string, obj: KubeObject): Record<string, string> {
  const out: Record<string, string> = { 'metadata.name': str(obj.metadata?.name) };
  if (!clusterScoped.has(resource)) out['metadata.namespace'] = str(obj.metadata?.namespace);
  return Object.hasOwn(extras, resource) ? { ...out, ...extras[resource](obj) } : out;
}

function convert(resource: string, r: FieldRequirement): FieldRequirement {
  const c = Object.hasOwn(conversions, resource) ? conversions[resource] : undefined;
  if (!c) {
    if (r.field === 'metadata.name' || r.field === 'metadata.namespace') return r;
    throw Errors.badRequest(`${goQuote(r.field)} is not a known field selector: only "metadata.name", "metadata.namespace"`);
  }
  const canonical = r.field === 'metadata.name' || (c.namespaced && r.field === 'metadata.namespace') ? r.field : Object.hasOwn(c.accepted, r.field) ? c.accepted[r.field] : undefined;
  if (canonical === undefined) throw Errors.badRequest(`field label not supported: ${r.field}`);
  return canonical === r.field ? r : { ...r, field: canonical };
}

/**
 * Runs every term through the resource's field label conversion, like the apiserver's
 * FieldSelector.Transform: returns the selector with aliases rewritten (pods' spec.host),
 * or throws the same 400 BadRequest for the first unsupported label.
 */
export function validateFieldSelector(resource: string, sel: FieldSelector): FieldSelector {
  return { requirements: sel.requirements.map((r) => convert(resource, r)) };
}
