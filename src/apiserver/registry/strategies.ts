// Strategies for every served resource: the generic rules plus per-kind hooks.
import type { KubeObject } from '../../api/object.js';
import { applyDefaults } from '../../api/defaults/index.js';
import { validateCreate, validateUpdate, validateStatusUpdate } from '../../api/validation/index.js';
import type { ResourceDef } from '../resources.js';
import type { Strategy } from './strategy.js';

function podQOS(pod: KubeObject): string {
  const cs = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])] as { resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }[];
  let any = false, guaranteed = true;
  for (const c of cs) {
    const req = c.resources?.requests ?? {}, lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const k of ['cpu', 'memory']) if (!lim[k] || (req[k] !== undefined && req[k] !== lim[k])) guaranteed = false;
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** Status a freshly created object starts with, as each kind's strategy sets it. */
function initialStatus(r: ResourceDef, obj: KubeObject): unknown {
  switch (r.kind) {
    case 'Pod': return { phase: 'Pending', qosClass: podQOS(obj) };
    case 'Service': return { loadBalancer: {} };
    case 'Namespace': return { phase: 'Active' };
    case 'Deployment':
    case 'ReplicaSet': return {};
    default: return obj.status;
  }
}

export function genericStrategy(r: ResourceDef, extra: Partial<Strategy> = {}): Strategy {
  const hasStatus = r.subresources.some((s) => s.name === 'status');
  return {
    prepareForCreate(obj) {
      const s = initialStatus(r, obj);
      if (s === undefined) delete obj.status;
      else obj.status = s;
    },
    prepareForUpdate(obj, old) {
      if (hasStatus) {
        if (old.status === undefined) delete obj.status;
        else obj.status = old.status;
      }
      if (r.kind === 'Namespace') obj.spec = { ...(obj.spec ?? {}), finalizers: old.spec?.finalizers };
    },
    defaults: (obj) => applyDefaults(r.plural, obj),
    validateCreate: (obj) => validateCreate(r.plural, obj),
    validateUpdate: (obj, old) => validateUpdate(r.plural, obj, old),
    validateStatusUpdate: (obj, old) => validateStatusUpdate(r.plural, obj, old),
    ...extra,
  };
}
