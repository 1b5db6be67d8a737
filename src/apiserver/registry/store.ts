// The generic registry store: create, get, list, update and delete for every
// resource, over the Backend for writes and the Cacher for reads.

import { randomUUID } from 'node:crypto';
import { deepClone, jsonEqual, type KubeObject } from '../../api/object.js';
import { Errors, StatusError } from '../../api/status.js';
import { isAlreadyExists, isConflict, isNotFound, type Backend } from '../../storage/backend.js';
import type { Cacher } from '../cache/cacher.js';
import { apiVersionOf, resourceByKind, storageKey, resourcePrefix, type ResourceDef } from '../resources.js';
import type { Strategy, WriteContext } from './strategy.js';
import { randomSuffix } from '../../util/names.js';
import { rfc3339 } from '../../util/time.js';
import { trackManagedFields, rootSchemaOf } from './managed-fields.js';
import { omitEmpty } from '../../api/schema/omit-empty.js';
import { schemas } from '../../api/schema/index.js';
import { validateEphemeralContainersUpdate } from '../../api/validation/pod-ephemeral.js';

export interface WriteOptions {
  dryRun: boolean;
  fieldManager: string;
  subresource?: string;
  /** Server-side apply computed managedFields itself. */
  skipManagedFields?: boolean;
  /** The server's own objects (e.g. its loopback endpoints) skip user-facing validation. */
  skipValidation?: boolean;
}

/** Fields the server owns; a client's values for them are ignored. */
function stripServerMeta(obj: KubeObject): void {
  const m = obj.metadata;
  delete m.resourceVersion;
}

const CONFLICT_MSG = 'the object has been modified; please apply your changes to the latest version and try again';

/**
 * A uid a client names, in DeleteOptions' preconditions or in the object it
 * writes (the kubelet patching a pod's status), must be the stored object's, as
 * on kube-apiserver: a conflict, not a write into a new object of the same name.
 */
export function checkUidPrecondition(r: ResourceDef, name: string, uid: string | undefined, current: KubeObject): void {
  if (uid && uid !== current.metadata.uid) {
    throw Errors.conflict(r.plural, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${current.metadata.uid}`, r.group);
  }
}

export class Store {
  constructor(
    private readonly backend: Backend,
    readonly cacher: Cacher,
    private readonly strategyOf: (r: ResourceDef) => Strategy,
  ) {}

  strategy(r: ResourceDef): Strategy {
    return this.strategyOf(r);
  }

  get(r: ResourceDef, ns: string | undefined, name: string): KubeObject {
    const obj = this.cacher.of(r).get(storageKey(r, ns, name));
    if (!obj) throw Errors.notFound(r.plural, name, r.group);
    return obj;
  }

  tryGet(r: ResourceDef, ns: string | undefined, name: string): KubeObject | undefined {
    return this.cacher.of(r).get(storageKey(r, ns, name));
  }

  list(r: ResourceDef, ns: string | undefined): KubeObject[] {
    return this.cacher.of(r).list(resourcePrefix(r, ns));
  }


  private ctx(opts: WriteOptions): WriteContext {
    return { dryRun: opts.dryRun, now: rfc3339() };
  }

  async create(r: ResourceDef, ns: string | undefined, input: KubeObject, opts: WriteOptions): Promise<KubeObject> {
    const obj = deepClone(input);
    obj.apiVersion = apiVersionOf(r);
    obj.kind = r.kind;
    obj.metadata ??= {};
    const m = obj.metadata;
    if (r.namespaced) m.namespace = ns;
    else delete m.namespace;
    stripServerMeta(obj);
    if (!m.name && m.generateName) m.name = m.generateName + randomSuffix();
    const ctx = this.ctx(opts);
    m.uid = randomUUID();
    m.creationTimestamp = ctx.now;
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
    if (r.tracksGeneration) m.generation = 1;
    else delete m.generation;
    const st = this.strategyOf(r);
    st.prepareForCreate(obj, ctx);
    st.defaults(obj);
    normalizeEmpty(r, obj);
    if (r.namespaced) this.checkNamespaceAcceptsContent(ns!);
    const key = storageKey(r, ns, m.name!);
    if (m.name && this.cacher.of(r).get(key)) throw Errors.alreadyExists(r.plural, m.name, r.group);
    // Allocation precedes validation, as in kube-apiserver: validation sees the allocated values.
    const reservation = st.reserve?.(obj, undefined, ctx);
    const errs = opts.skipValidation ? [] : st.validateCreate(obj);
    if (errs.length) {
      reservation?.rollback();
      throw Errors.invalid(r.kind, m.name ?? m.generateName ?? '', errs, r.group);
    }
    if (!opts.skipManagedFields) trackManagedFields(r, undefined, obj, opts, ctx.now);
    if (opts.dryRun) {
      reservation?.rollback();
      return obj;
    }
    let rev: number;
    try {
      rev = await this.backend.create(key, this.cacher.storing(key, obj));
    } catch (e) {
      reservation?.rollback();
      if (isAlreadyExists(e)) throw Errors.alreadyExists(r.plural, m.name!, r.group);
      throw e;
    }
    reservation?.commit();
    await this.cacher.waitFor(rev);
    return this.cacher.of(r).getForAnswer(key) ?? { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rev) } };
  }

  private checkNamespaceAcceptsContent(ns: string): void {
    const nsDef = resourceByKind('Namespace')!;
    const nsItem = this.cacher.of(nsDef).getItem(storageKey(nsDef, undefined, ns));
    if (!nsItem) throw Errors.notFound('namespaces', ns);
    if (nsItem.deleting) {
      throw new StatusError(403, 'Forbidden', `unable to create new content in namespace ${ns} because it is being terminated`, {
        name: ns, kind: 'namespaces', causes: [{ reason: 'NamespaceTerminating', message: `namespace ${ns} is being terminated`, field: 'metadata.namespace' }],
      });
    }
  }

  /**
   * Replaces an object (PUT). The client's resourceVersion, when set, must match.
   * `subresource` 'status' takes only status; the main resource keeps the old status;
   * 'ephemeralcontainers' takes only spec.ephemeralContainers.
   */
  async update(r: ResourceDef, ns: string | undefined, name: string, input: KubeObject, opts: WriteOptions): Promise<KubeObject> {
    const key = storageKey(r, ns, name);
    const old = this.cacher.of(r).get(key);
    if (!old) throw Errors.notFound(r.plural, name, r.group);
    const rv = input.metadata?.resourceVersion;
    if (rv && rv !== old.metadata.resourceVersion) throw Errors.conflict(r.plural, name, CONFLICT_MSG, r.group);
    checkUidPrecondition(r, name, input.metadata?.uid, old);
    return this.replace(r, key, old, input, opts);
  }

  /** Computes and writes the new version of `old`; shared by update and patch. */
  async replace(r: ResourceDef, key: string, old: KubeObject, input: KubeObject, opts: WriteOptions): Promise<KubeObject> {
    const st = this.strategyOf(r);
    const ctx = this.ctx(opts);
    if (opts.subresource === 'status') {
      // Only status (and nothing else) changes through /status. The rest is old's, shared rather
      // than copied (old is the cache's and is never written to): the write only reads it, and the
      // field manager's diff skips what is identical.
      const next: KubeObject = { ...old, metadata: { ...old.metadata } };
      if (input.status !== undefined) next.status = deepClone(input.status);
      else delete next.status;
      return this.commitUpdate(r, key, old, next, opts, ctx, (o) => st.validateStatusUpdate(o, old));
    }
    if (opts.subresource === 'ephemeralcontainers') {
      // Only spec.ephemeralContainers changes through /ephemeralcontainers (kubectl debug).
      const next: KubeObject = { ...old, metadata: { ...old.metadata }, spec: { ...old.spec } };
      const added = input.spec?.ephemeralContainers;
      if (added !== undefined && added !== null) next.spec!.ephemeralContainers = deepClone(added);
      else delete next.spec!.ephemeralContainers;
      st.defaults(next);
      return this.commitUpdate(r, key, old, next, opts, ctx, (o) => validateEphemeralContainersUpdate(o, old));
    }
    const obj = deepClone(input);
    obj.apiVersion = apiVersionOf(r);
    obj.kind = r.kind;
    obj.metadata ??= {};
    const m = obj.metadata;
    const om = old.metadata;
    // Identity and server-owned metadata come from storage.
    m.name = om.name;
    if (r.namespaced) m.namespace = om.namespace;
    else delete m.namespace;
    m.uid = om.uid;
    m.creationTimestamp = om.creationTimestamp;
    if (om.deletionTimestamp) m.deletionTimestamp = om.deletionTimestamp;
    else delete m.deletionTimestamp;
    if (om.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = om.deletionGracePeriodSeconds;
    else delete m.deletionGracePeriodSeconds;
    if (om.generation !== undefined) m.generation = om.generation;
    else delete m.generation;
    // The precondition was checked by the caller; validation sees the version being replaced.
    m.resourceVersion = om.resourceVersion;
    st.prepareForUpdate(obj, old, ctx);
    st.defaults(obj);
    normalizeEmpty(r, obj);
    if (r.tracksGeneration && !jsonEqual(obj.spec, old.spec)) m.generation = (om.generation ?? 0) + 1;
    return this.commitUpdate(r, key, old, obj, opts, ctx, (o) => st.validateUpdate(o, old));
  }

  private async commitUpdate(
    r: ResourceDef, key: string, old: KubeObject, obj: KubeObject, opts: WriteOptions, ctx: WriteContext,
    validate: (o: KubeObject) => ReturnType<Strategy['validateUpdate']>,
  ): Promise<KubeObject> {
    const st = this.strategyOf(r);
    // Clients do not write managedFields directly; the field manager derives them.
    if (!opts.skipManagedFields) {
      if (old.metadata.managedFields) obj.metadata.managedFields = old.metadata.managedFields;
      else delete obj.metadata.managedFields;
    }
    if (jsonEqual(obj, old)) return old; // no-op writes keep the resourceVersion, as Kubernetes does
    if (!opts.skipManagedFields) trackManagedFields(r, old, obj, opts, ctx.now);
    // A deleting object whose last finalizer went (and whose grace period is over) leaves storage.
    const finalizing = isFinished(obj);
    const reservation = finalizing || opts.subresource === 'status' ? undefined : st.reserve?.(obj, old, ctx);
    const errs = validate(obj);
    if (errs.length) {
      reservation?.rollback();
      throw Errors.invalid(r.kind, old.metadata.name!, errs, r.group);
    }
    if (opts.dryRun) {
      reservation?.rollback();
      return obj;
    }
    const expected = Number(old.metadata.resourceVersion);
    stripServerMeta(obj);
    try {
      if (finalizing) {
        const { revision } = await this.backend.delete(key, expected);
        await this.cacher.waitFor(revision);
        st.released?.(old);
        return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(revision) } };
      }
      const rev = await this.backend.update(key, this.cacher.storing(key, obj), expected);
      reservation?.commit();
      await this.cacher.waitFor(rev);
      return this.cacher.of(r).getForAnswer(key) ?? { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rev) } };
    } catch (e) {
      reservation?.rollback();
      if (isConflict(e)) throw Errors.conflict(r.plural, old.metadata.name!, CONFLICT_MSG, r.group);
      if (isNotFound(e)) throw Errors.notFound(r.plural, old.metadata.name!, r.group);
      throw e;
    }
  }

  /**
   * Writes next over old without strategies (deletion marks, finalizer removal);
   * still optimistic. A deleting object left without finalizers leaves storage.
   */
  async writeRaw(r: ResourceDef, key: string, old: KubeObject, next: KubeObject, dryRun: boolean): Promise<KubeObject> {
    if (isFinished(next)) {
      const gone = await this.remove(r, old, dryRun);
      return { ...next, metadata: { ...next.metadata, resourceVersion: gone.metadata.resourceVersion } };
    }
    const obj = deepClone(next);
    stripServerMeta(obj);
    if (dryRun) return { ...obj, metadata: { ...obj.metadata, resourceVersion: old.metadata.resourceVersion } };
    try {
      const rev = await this.backend.update(key, this.cacher.storing(key, obj), Number(old.metadata.resourceVersion));
      await this.cacher.waitFor(rev);
      return this.cacher.of(r).get(key) ?? { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rev) } };
    } catch (e) {
      if (isConflict(e)) throw Errors.conflict(r.plural, old.metadata.name!, CONFLICT_MSG, r.group);
      if (isNotFound(e)) throw Errors.notFound(r.plural, old.metadata.name!, r.group);
      throw e;
    }
  }

  /** Removes the object from storage now (no finalizer handling). */
  async remove(r: ResourceDef, old: KubeObject, dryRun: boolean): Promise<KubeObject> {
    const key = storageKey(r, old.metadata.namespace, old.metadata.name!);
    if (dryRun) return old;
    try {
      const { revision } = await this.backend.delete(key, Number(old.metadata.resourceVersion));
      await this.cacher.waitFor(revision);
      this.strategyOf(r).released?.(old);
      return { ...old, metadata: { ...old.metadata, resourceVersion: String(revision) } };
    } catch (e) {
      if (isConflict(e)) throw Errors.conflict(r.plural, old.metadata.name!, CONFLICT_MSG, r.group);
      if (isNotFound(e)) throw Errors.notFound(r.plural, old.metadata.name!, r.group);
      throw e;
    }
  }
}

function normalizeEmpty(r: ResourceDef, obj: KubeObject): void {
  const root = rootSchemaOf(r);
  if (root) omitEmpty(obj as unknown as Record<string, unknown>, root, schemas);
}

/** A deleting object whose last finalizer went (and whose grace period is over) is done. */
function isFinished(obj: KubeObject): boolean {
  return !!obj.metadata.deletionTimestamp && !(obj.metadata.finalizers?.length) && !hasSpecFinalizers(obj) && !(obj.metadata.deletionGracePeriodSeconds ?? 0);
}

/** Namespaces keep spec.finalizers until their content is gone. */
function hasSpecFinalizers(obj: KubeObject): boolean {
  return obj.kind === 'Namespace' && Array.isArray(obj.spec?.finalizers) && obj.spec.finalizers.length > 0;
}
