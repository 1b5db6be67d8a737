// Which strategy serves which resource, plus the server-wide pieces that need
// them: allocation repair on start and the built-in objects.
import type { ResourceDef } from '../resources.js';
import type { Store } from './store.js';
import type { Strategy } from './strategy.js';
import { genericStrategy } from './strategies.js';

export interface StrategyConfig {
  serviceCIDR?: string;
  nodePortRange?: string;
}

export interface StrategyTable {
  of(r: ResourceDef): Strategy;
  /** Rebuilds allocation state from stored objects (after a crash or restart). */
  repair(store: Store): void;
  /** Creates the built-in objects (the kubernetes Service and its endpoints). */
  ensureBuiltins(store: Store, apiServerUrl: string): Promise<void>;
}

export function buildStrategies(_cfg: StrategyConfig): StrategyTable {
  const cache = new Map<string, Strategy>();
  return {
    of(r) {
      let s = cache.get(r.plural);
      if (!s) {
        s = genericStrategy(r);
        cache.set(r.plural, s);
      }
      return s;
    },
    repair() {},
    async ensureBuiltins() {},
  };
}
