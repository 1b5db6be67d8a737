// Subresources: status, scale, binding, finalize; log and exec are served by node agents (proxied).
import { deepClone, isPlainObject, type KubeObject } from '../../api/object.js';
import { Errors, StatusError } from '../../api/status.js';
import { applyJsonPatch, applyMergePatch, parsePatchBody } from '../../api/patch/index.js';
import { storageKey, type ResourceDef } from '../resources.js';
import { readBody, readBodyBytes, decodeObject } from './body.js';
import { sendJson } from './respond.js';
import type { RequestContext } from './resource-handler.js';
import { respondObject, updateSubresource, patchResource } from './resource-handler.js';
import { defaultFieldManager } from '../../api/apply/index.js';
import { rfc3339 } from '../../util/time.js';

export type SubresourceHandler = (ctx: RequestContext, r: ResourceDef, ns: string | undefined, name: string, method: string) => Promise<void>;

/** A subresource that reads the whole object and writes one part of it (store.replace decides which). */
const partOf = (sub: 'status' | 'ephemeralcontainers'): SubresourceHandler => async (ctx, r, ns, name, method) => {
  if (method === 'GET') return respondObject(ctx, r, 200, ctx.store.get(r, ns, name));
  if (method === 'PUT') return updateSubresource(ctx, r, ns, name, sub);
  if (method === 'PATCH') return patchResource(ctx, r, ns, name, sub);
  throw Errors.methodNotAllowed();
};
const status = partOf('status');

function toScale(obj: KubeObject): Record<string, unknown> {
  const sel = obj.spec?.selector;
  const selector = sel?.matchLabels ? Object.entries(sel.matchLabels as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',') : '';
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion, creationTimestamp: obj.metadata.creationTimestamp },
    spec: { replicas: obj.spec?.replicas ?? 0 },
    status: { replicas: obj.status?.replicas ?? 0, selector },
  };
}

const scale: SubresourceHandler = async (ctx, r, ns, name, method) => {
  const current = ctx.store.get(r, ns, name);
  if (method === 'GET') return sendJson(ctx.res, 200, toScale(current));
  let next: Record<string, unknown>;
  const body = await readBody(ctx.req);
  if (method === 'PUT') next = decodeObject(ctx.req.headers['content-type'], body);
  else if (method === 'PATCH') {
    const p = parsePatchBody(ctx.req.headers['content-type'] ?? '', body);
    const base = toScale(current) as never;
    if (p.kind === 'json') next = applyJsonPatch(base, p.value);
    else if (p.kind === 'merge' || p.kind === 'strategic') next = applyMergePatch(base, p.value);
    else throw Errors.unsupportedMediaType(['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json']);
  } else throw Errors.methodNotAllowed();
  const replicas = isPlainObject(next.spec) ? next.spec.replicas : undefined;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw Errors.invalid('Scale', name, [{ type: 'FieldValueInvalid', field: 'spec.replicas', value: replicas ?? null, detail: 'must be greater than or equal to 0' }], 'autoscaling');
  }
  const meta = isPlainObject(next.metadata) ? next.metadata : {};
  if (typeof meta.resourceVersion === 'string' && meta.resourceVersion && meta.resourceVersion !== current.metadata.resourceVersion) {
    throw Errors.conflict(r.plural, name, 'the object has been modified; please apply your changes to the latest version and try again', r.group);
  }
  const updated = deepClone(current);
  updated.spec = { ...updated.spec, replicas };
  const fieldManager = ctx.url.searchParams.get('fieldManager') || defaultFieldManager(ctx.req.headers['user-agent']);
  const written = await ctx.store.replace(r, storageKey(r, ns, name), current, updated, {
    dryRun: ctx.url.searchParams.has('dryRun'), fieldManager, subresource: 'scale',
  });
  sendJson(ctx.res, 200, toScale(written));
};

const binding: SubresourceHandler = async (ctx, r, ns, name, method) => {
  if (method !== 'POST') throw Errors.methodNotAllowed();
  const b = decodeObject(ctx.req.headers['content-type'], await readBodyBytes(ctx.req));
  const target = isPlainObject(b.target) ? b.target : undefined;
  const node = target && typeof target.name === 'string' ? target.name : '';
  if (!node) throw Errors.invalid('Binding', name, [{ type: 'FieldValueRequired', field: 'target.name', detail: '' }]);
  const pod = ctx.store.get(r, ns, name);
  if (pod.metadata.deletionTimestamp) throw Errors.conflict('pods', name, `pod ${name} is being deleted, cannot be assigned to a host`);
  if (pod.spec?.nodeName) throw Errors.conflict('pods/binding', name, `pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
  const next = deepClone(pod);
  next.spec = { ...next.spec, nodeName: node };
  const conds = (next.status?.conditions ?? []).filter((c: { type: string }) => c.type !== 'PodScheduled');
  conds.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339() });
  next.status = { ...next.status, conditions: conds };
  await ctx.store.writeRaw(r, storageKey(r, ns, name), pod, next, false);
  sendJson(ctx.res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
};

const finalize: SubresourceHandler = async (ctx, r, _ns, name, method) => {
  if (method !== 'PUT') throw Errors.methodNotAllowed();
  const body = decodeObject(ctx.req.headers['content-type'], await readBodyBytes(ctx.req));
  const current = ctx.store.get(r, undefined, name);
  const fins = isPlainObject(body.spec) && Array.isArray(body.spec.finalizers) ? body.spec.finalizers : [];
  const next = deepClone(current);
  next.spec = { ...next.spec, finalizers: fins };
  const written = await ctx.store.writeRaw(r, storageKey(r, undefined, current.metadata.name!), current, next, false);
  respondObject(ctx, r, 200, written);
};

/** Replaced by the node-agent proxy when agents are wired in. */
export let podStreamHandler: SubresourceHandler = async (_ctx, _r, _ns, name) => {
  throw new StatusError(400, 'BadRequest', `pod ${name} does not have a host assigned`);
};

export function setPodStreamHandler(h: SubresourceHandler): void {
  podStreamHandler = h;
}

export const subresourceHandlers: Record<string, SubresourceHandler> = {
  status,
  scale,
  binding,
  finalize,
  log: (...a) => podStreamHandler(...a),
  exec: (...a) => podStreamHandler(...a),
  attach: (...a) => podStreamHandler(...a),
  portforward: (...a) => podStreamHandler(...a),
  ephemeralcontainers: partOf('ephemeralcontainers'),
};
