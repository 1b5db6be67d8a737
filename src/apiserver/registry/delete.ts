// DELETE semantics: preconditions, finalizers, propagation policy and graceful
// deletion of pods (deletionTimestamp in the future, the node agent finishes it).
import { deepClone, isPlainObject, type KubeObject } from '../../api/object.js';
import { Errors, StatusError } from '../../api/status.js';
import { storageKey, type ResourceDef } from '../resources.js';
import { checkUidPrecondition, type Store } from './store.js';
import { rfc3339 } from '../../util/time.js';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

export interface DeleteResult {
  object: KubeObject;
  /** false when the object remains, marked for deletion (finalizers or grace). */
  deleted: boolean;
}

export function parseDeleteOptions(body: Record<string, unknown> | undefined, q: URLSearchParams): DeleteOptions {
  const o: DeleteOptions = {};
  if (body) {
    if (body.gracePeriodSeconds !== undefined && body.gracePeriodSeconds !== null) o.gracePeriodSeconds = Number(body.gracePeriodSeconds);
    if (typeof body.propagationPolicy === 'string') o.propagationPolicy = body.propagationPolicy as DeleteOptions['propagationPolicy'];
    if (typeof body.orphanDependents === 'boolean') o.orphanDependents = body.orphanDependents;
    if (isPlainObject(body.preconditions)) o.preconditions = body.preconditions as DeleteOptions['preconditions'];
    if (Array.isArray(body.dryRun)) o.dryRun = body.dryRun as string[];
  }
  if (q.has('gracePeriodSeconds')) o.gracePeriodSeconds = Number(q.get('gracePeriodSeconds'));
  if (q.has('propagationPolicy')) o.propagationPolicy = q.get('propagationPolicy') as DeleteOptions['propagationPolicy'];
  if (q.has('orphanDependents')) o.orphanDependents = q.get('orphanDependents') === 'true';
  if (o.propagationPolicy && !['Orphan', 'Background', 'Foreground'].includes(o.propagationPolicy)) {
    throw Errors.invalid('DeleteOptions', '', [{ type: 'FieldValueNotSupported', field: 'propagationPolicy', value: o.propagationPolicy, supported: ['Foreground', 'Background', 'Orphan', 'nil'] }]);
  }
  if (o.gracePeriodSeconds !== undefined && (!Number.isInteger(o.gracePeriodSeconds) || o.gracePeriodSeconds < 0)) {
    // Kubernetes treats negative grace as "immediate"; non-integers are malformed.
    if (!Number.isFinite(o.gracePeriodSeconds)) throw Errors.badRequest('gracePeriodSeconds must be an integer');
    o.gracePeriodSeconds = Math.max(0, Math.trunc(o.gracePeriodSeconds));
  }
  return o;
}

function checkPreconditions(r: ResourceDef, obj: KubeObject, p: DeleteOptions['preconditions']): void {
  if (!p) return;
  const name = obj.metadata.name!;
  checkUidPrecondition(r, name, p.uid, obj);
  if (p.resourceVersion && p.resourceVersion !== obj.metadata.resourceVersion) {
    throw Errors.conflict(r.plural, name, `Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`, r.group);
  }
}

/** Pods on a node get a grace period the agent honours; others go at once. */
function gracePeriod(r: ResourceDef, obj: KubeObject, requested: number | undefined): number {
  if (r.kind !== 'Pod') return 0;
  if (!obj.spec?.nodeName) return 0;
  const phase = obj.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return 0;
  return requested ?? obj.spec?.terminationGracePeriodSeconds ?? 30;
}

/** The namespaces kube-apiserver's lifecycle admission refuses to delete. */
const IMMORTAL_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

export async function deleteObject(store: Store, r: ResourceDef, ns: string | undefined, name: string, opts: DeleteOptions, dryRun: boolean): Promise<DeleteResult> {
  const old = store.get(r, ns, name);
  if (r.kind === 'Namespace' && IMMORTAL_NAMESPACES.has(name)) {
    throw new StatusError(403, 'Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`, { name, kind: 'namespaces' });
  }
  checkPreconditions(r, old, opts.preconditions);
  const policy = opts.propagationPolicy ?? (opts.orphanDependents === true ? 'Orphan' : opts.orphanDependents === false ? 'Background' : undefined);
  const next = deepClone(old);
  const m = next.metadata;
  const finalizers = new Set(m.finalizers ?? []);
  if (policy === 'Foreground') { finalizers.add('foregroundDeletion'); finalizers.delete('orphan'); }
  if (policy === 'Orphan') { finalizers.add('orphan'); finalizers.delete('foregroundDeletion'); }
  if (policy === 'Background') { finalizers.delete('orphan'); finalizers.delete('foregroundDeletion'); }
  const now = new Date();

  if (r.kind === 'Namespace') {
    if (!m.deletionTimestamp) {
      m.deletionTimestamp = rfc3339(now);
      m.deletionGracePeriodSeconds = 0;
      next.status = { ...(next.status ?? {}), phase: 'Terminating' };
    }
    if (finalizers.size) m.finalizers = [...finalizers];
    const written = await writeMarked(store, r, old, next, dryRun);
    return { object: written, deleted: !store.tryGet(r, undefined, name) };
  }

  const grace = gracePeriod(r, old, opts.gracePeriodSeconds);
  if (m.deletionTimestamp) {
    // Already terminating: only a shorter grace period changes anything.
    if (r.kind === 'Pod' && grace < (m.deletionGracePeriodSeconds ?? 0)) {
      if (grace === 0 && finalizers.size === 0) return { object: await store.remove(r, old, dryRun), deleted: true };
      m.deletionGracePeriodSeconds = grace;
      m.deletionTimestamp = rfc3339(new Date(now.getTime() + grace * 1000));
      return { object: await writeMarked(store, r, old, next, dryRun), deleted: false };
    }
    if (policy && finalizers.size !== (old.metadata.finalizers?.length ?? 0)) {
      m.finalizers = [...finalizers];
      return { object: await writeMarked(store, r, old, next, dryRun), deleted: false };
    }
    return { object: old, deleted: false };
  }
  if (finalizers.size === 0 && grace === 0) return { object: await store.remove(r, old, dryRun), deleted: true };
  m.deletionTimestamp = rfc3339(new Date(now.getTime() + grace * 1000));
  m.deletionGracePeriodSeconds = grace;
  if (finalizers.size) m.finalizers = [...finalizers];
  else delete m.finalizers;
  return { object: await writeMarked(store, r, old, next, dryRun), deleted: false };
}

async function writeMarked(store: Store, r: ResourceDef, old: KubeObject, next: KubeObject, dryRun: boolean): Promise<KubeObject> {
  // Marking for deletion bypasses update validation and strategies, as Kubernetes' BeforeDelete does.
  const key = storageKey(r, old.metadata.namespace, old.metadata.name!);
  return store.writeRaw(r, key, old, next, dryRun);
}

export function successStatus(r: ResourceDef, obj: KubeObject): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: obj.metadata.name, group: r.group || undefined, kind: r.plural, uid: obj.metadata.uid } };
}

