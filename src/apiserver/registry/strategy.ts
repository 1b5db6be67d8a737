// Per-resource behaviour the generic store calls at fixed points, as
// kube-apiserver's RESTCreateStrategy / RESTUpdateStrategy do.

import type { KubeObject } from '../../api/object.js';
import type { FieldError } from '../../api/status.js';

export interface WriteContext {
  dryRun: boolean;
  now: string;
}

/** A reservation made while admitting a write, undone when the write does not happen. */
export interface Reservation {
  commit(): void;
  rollback(): void;
}

export interface Strategy {
  /** Server-owned state on create: status reset, generation, defaults of other kinds. */
  prepareForCreate(obj: KubeObject, ctx: WriteContext): void;
  /** Main-resource update: status comes from the old object. */
  prepareForUpdate(obj: KubeObject, old: KubeObject, ctx: WriteContext): void;
  defaults(obj: KubeObject): void;
  validateCreate(obj: KubeObject): FieldError[];
  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[];
  validateStatusUpdate(obj: KubeObject, old: KubeObject): FieldError[];
  /** Allocations (IPs, ports) tied to the object; throws StatusError when impossible. */
  reserve?(obj: KubeObject, old: KubeObject | undefined, ctx: WriteContext): Reservation;
  /** Called after an object is removed from storage. */
  released?(obj: KubeObject): void;
}
