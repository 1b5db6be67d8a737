// Services: defaulting, ClusterIP/NodePort allocation tied to the write, and the
// Service validation rules; allocations are released when a Service goes.
import type { KubeObject } from '../../api/object.js';
import { Errors, StatusError } from '../../api/status.js';
import { defaultService, defaultIPFamilies, prepareServiceForCreate, prepareServiceForUpdate } from '../../api/defaults/service.js';
import { validateService, validateServiceUpdate, validateServiceStatus, type ServiceValidationOptions } from '../../api/validation/service.js';
import { validateCreate, validateUpdate } from '../../api/validation/index.js';
import { ServiceAllocators, allocationsOf } from '../../controllers/ipam/allocators.js';
import { planServiceAllocation, isPlanFailure } from '../../controllers/ipam/service-allocations.js';
import type { ResourceDef } from '../resources.js';
import type { Strategy } from './strategy.js';
import { genericStrategy } from './strategies.js';


export function parsePortRange(s: string): { base: number; size: number } {
  const m = /^(\d+)-(\d+)$/.exec(s.trim());
  const base = m ? Number(m[1]) : NaN, last = m ? Number(m[2]) : NaN;
  if (!m || base < 1 || last > 65535 || last < base) throw new Error(`--service-node-port-range must be FIRST-LAST within 1-65535, got "${s}"`);
  return { base, size: last - base + 1 };
}

export function serviceStrategy(r: ResourceDef, opts: ServiceValidationOptions, al: ServiceAllocators): Strategy {
  const base = genericStrategy(r);
  const name = (o: KubeObject): string => o.metadata.name ?? '';
  return {
    ...base,
    prepareForCreate: (obj) => prepareServiceForCreate(obj),
    prepareForUpdate: (obj, old) => prepareServiceForUpdate(obj, old),
    defaults: (obj) => defaultService(obj),
    validateCreate: (obj) => [...validateCreate(r.plural, obj), ...validateService(obj, opts)],
    validateUpdate: (obj, old) => [...validateUpdate(r.plural, obj, old), ...validateServiceUpdate(obj, old, opts)],
    validateStatusUpdate: (obj) => validateServiceStatus(obj),
    reserve(obj, old) {
      const famErrs = defaultIPFamilies(obj, old);
      if (famErrs.length) throw Errors.invalid('Service', name(obj), famErrs);
      const plan = planServiceAllocation(old, obj, al);
      if (isPlanFailure(plan)) {
        if ('errors' in plan) throw Errors.invalid('Service', name(obj), plan.errors);
        throw new StatusError(500, 'InternalError', `Internal error occurred: ${plan.internal}`, { causes: [{ message: plan.internal }] });
      }
      const taken = al.apply(plan.allocate);
      if (!taken.ok) {
        const c = taken.clash;
        const field = c.kind === 'clusterIP' ? 'spec.clusterIPs' : 'spec.ports[].nodePort';
        throw Errors.invalid('Service', name(obj), [{ type: 'FieldValueInvalid', field, value: c.kind === 'clusterIP' ? c.ip : c.port, detail: 'provided value is already allocated' }]);
      }
      return {
        commit: () => al.release(plan.release),
        rollback: () => al.release(plan.allocate),
      };
    },
    released: (obj) => al.release(allocationsOf(obj)),
  };
}
