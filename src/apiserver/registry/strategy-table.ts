// Which strategy serves which resource, plus the server-wide pieces that need
// them: allocation repair on start and the built-in objects.
import type { ResourceDef } from '../resources.js';
import type { Store } from './store.js';
import type { Strategy } from './strategy.js';
import { genericStrategy } from './strategies.js';
import { serviceStrategy, parsePortRange } from './service-strategy.js';
import { DEFAULT_NODE_PORT_RANGE, DEFAULT_SERVICE_CIDR } from '../../api/cluster-defaults.js';
import { ServiceAllocators } from '../../controllers/ipam/allocators.js';
import { resourceByKind } from '../resources.js';
import { ensureKubernetesService } from './builtin-services.js';
import { nthIP } from '../../controllers/ipam/cidr.js';

export interface StrategyConfig {
  serviceCIDR?: string;
  nodePortRange?: string;
}

export interface StrategyTable {
  of(r: ResourceDef): Strategy;
  /** Rebuilds allocation state from stored objects (after a crash or restart). */
  repair(store: Store): void;
  /** Creates the built-in objects (the kubernetes Service and its endpoints). */
  ensureBuiltins(store: Store, apiServer: { host: string; port: number }): Promise<void>;
  allocators: ServiceAllocators;
}

export function buildStrategies(cfg: StrategyConfig): StrategyTable {
  const opts = { serviceCIDR: cfg.serviceCIDR ?? DEFAULT_SERVICE_CIDR, nodePortRange: parsePortRange(cfg.nodePortRange ?? DEFAULT_NODE_PORT_RANGE) };
  const allocators = new ServiceAllocators(opts);
  const cache = new Map<string, Strategy>();
  return {
    allocators,
    of(r) {
      let s = cache.get(r.plural);
      if (!s) {
        s = r.kind === 'Service' ? serviceStrategy(r, opts, allocators) : genericStrategy(r);
        cache.set(r.plural, s);
      }
      return s;
    },
    repair(store) {
      const problems = allocators.rebuildFromServices(store.list(resourceByKind('Service')!, undefined));
      for (const p of problems) console.error(`kubesvc: service allocation repair: ${p}`);
    },
    ensureBuiltins: (store, apiServer) => ensureKubernetesService(store, apiServer, nthIP(allocators.ipRange, 1)),
  };
}
