// Verbs on resources: get, list, watch, create, update, patch, delete, deletecollection.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isPlainObject, type KubeObject } from '../../api/object.js';
import { Errors, StatusError } from '../../api/status.js';

export const notFoundResource = (): StatusError => new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
import { defaultFieldManager } from '../../api/apply/index.js';
import { apiVersionOf, findResource, resourcePrefix, type ResourceDef } from '../resources.js';
import { encodingOf, parseItem, type CachedItem } from '../cache/resource-cache.js';
import type { Store, WriteOptions } from '../registry/store.js';
import { deleteObject, parseDeleteOptions, successStatus } from '../registry/delete.js';
import { patchObject } from '../registry/patch.js';
import { readBody, readBodyBytes, decodeObject } from './body.js';
import { buildFilter } from './filter.js';
import { negotiate, TABLE_CONTENT_TYPE } from './negotiate.js';
import { sendJson } from './respond.js';
import { toTable, includeObjectParam, partialMetadata } from './table.js';
import { serveWatch } from './watch.js';
import { checkFieldTypes, checkUnknownFields, fieldValidationParam, duplicateFieldCheck } from './field-validation.js';
import type { Route } from './route.js';
import { subresourceHandlers } from './subresources.js';
import { answerReview, reviewFor, type ReviewDef } from '../reviews.js';

type ResourceRoute = Extract<Route, { type: 'resource' }>;

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  store: Store;
}

function writeOptions(ctx: RequestContext, subresource?: string): WriteOptions {
  const q = ctx.url.searchParams;
  const dry = q.getAll('dryRun');
  if (dry.some((d) => d !== 'All')) throw Errors.badRequest(`dryRun: Unsupported value: "${dry.find((d) => d !== 'All')}": supported values: "All"`);
  const fm = q.get('fieldManager');
  if (fm !== null && fm.length > 128) {
    throw Errors.invalid('', '', [{ type: 'FieldValueTooLong', field: 'fieldManager', detail: 'must have at most 128 characters' }]);
  }
  return { dryRun: dry.length > 0, fieldManager: fm || defaultFieldManager(ctx.req.headers['user-agent']), subresource };
}

/** The body's apiVersion/kind must name this resource (missing ones default to it). */
function checkTypeMeta(r: ResourceDef, obj: Record<string, unknown>, kind = r.kind, apiVersion = apiVersionOf(r)): void {
  if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersion) {
    throw Errors.badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${apiVersion})`);
  }
  if (obj.kind !== undefined && obj.kind !== kind) {
    throw Errors.badRequest(`${String(obj.kind)} in version "${apiVersion.split('/').pop()}" cannot be handled as a ${kind}: the kind of the object does not match the resource of the request`);
  }
  if (obj.metadata !== undefined && !isPlainObject(obj.metadata)) throw Errors.badRequest('metadata must be an object');
}

/** A review (kubectl auth): POST to the cluster-scoped collection, answered and not stored. */
async function review(ctx: RequestContext, route: ResourceRoute, rv: ReviewDef): Promise<void> {
  if (route.namespace !== undefined || route.name !== undefined || route.subresource) throw notFoundResource();
  if (ctx.req.method !== 'POST') throw Errors.methodNotAllowed();
  const body = decodeObject(ctx.req.headers['content-type'], await readBodyBytes(ctx.req));
  checkTypeMeta(rv.def, body);
  sendJson(ctx.res, 201, answerReview(rv, body), 'application/json');
}

export async function handleResource(ctx: RequestContext, route: ResourceRoute): Promise<void> {
  const rv = reviewFor(route.group, route.version, route.plural);
  if (rv) return review(ctx, route, rv);
  const r = findResource(route.group, route.version, route.plural);
  if (!r) throw notFoundResource();
  if (r.namespaced !== (route.namespace !== undefined) && !(r.namespaced && route.name === undefined && route.namespace === undefined)) {
    throw notFoundResource();
  }
  const method = ctx.req.method ?? 'GET';
  if (route.subresource) {
    const h = subresourceHandlers[route.subresource];
    if (!h || !r.subresources.some((s) => s.name === route.subresource) || !route.name) {
      throw notFoundResource();
    }
    return h(ctx, r, route.namespace, route.name, method);
  }
  if (route.name === undefined) {
    if (method === 'GET') return ctx.url.searchParams.get('watch') === 'true' || ctx.url.searchParams.get('watch') === '1' ? watch(ctx, r, route.namespace) : list(ctx, r, route.namespace);
    if (method === 'POST') return create(ctx, r, route.namespace);
    if (method === 'DELETE') return deleteCollection(ctx, r, route.namespace);
    throw Errors.methodNotAllowed();
  }
  switch (method) {
    case 'GET': return get(ctx, r, route.namespace, route.name);
    case 'PUT': return update(ctx, r, route.namespace, route.name);
    case 'PATCH': return patch(ctx, r, route.namespace, route.name);
    case 'DELETE': return del(ctx, r, route.namespace, route.name);
    default: throw Errors.methodNotAllowed();
  }
}

export function respondObject(ctx: RequestContext, r: ResourceDef, code: number, obj: KubeObject, warnings: string[] = []): void {
  const rep = negotiate(ctx.req.headers.accept, ['table', 'partial-metadata']);
  if (rep === 'table') {
    sendJson(ctx.res, code, toTable(r, [obj], { resourceVersion: obj.metadata.resourceVersion }, includeObjectParam(ctx.url.searchParams)), TABLE_CONTENT_TYPE, warnings);
  } else if (rep === 'partial-metadata') {
    sendJson(ctx.res, code, partialMetadata(obj), 'application/json', warnings);
  } else {
    sendJson(ctx.res, code, encodingOf(obj) ?? obj, 'application/json', warnings);
  }
}

function get(ctx: RequestContext, r: ResourceDef, ns: string | undefined, name: string): void {
  respondObject(ctx, r, 200, ctx.store.get(r, ns, name));
}

interface ContinueToken { rv: number; start: string }

function decodeContinue(token: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as ContinueToken;
    if (typeof t.rv === 'number' && typeof t.start === 'string') return t;
  } catch { /* fall through */ }
  throw Errors.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}

function list(ctx: RequestContext, r: ResourceDef, ns: string | undefined): void {
  const q = ctx.url.searchParams;
  const filter = buildFilter(r, q);
  const limit = Number(q.get('limit') ?? 0);
  const cont = q.get('continue');
  const rv = ctx.store.cacher.currentRevision;
  const cache = ctx.store.cacher.of(r);
  const prefix = resourcePrefix(r, ns);
  let items: CachedItem[];
  let listRv = rv;
  const exact = q.get('resourceVersionMatch') === 'Exact' ? q.get('resourceVersion') : null;
  if (cont) {
    // Every page is served at the first page's revision, as etcd-backed lists are.
    const t = decodeContinue(cont);
    listRv = t.rv;
    const snap = cache.snapshotAt(t.rv, prefix);
    if (!snap) throw Errors.gone('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
    items = snap.filter((i) => i.key > t.start);
  } else if (exact) {
    const want = Number(exact);
    if (!Number.isInteger(want) || want <= 0) throw Errors.badRequest(`resourceVersionMatch "Exact" requires a resourceVersion, got "${exact}"`);
    if (want > rv) throw Errors.timeout(`Too large resource version: ${want}, current: ${rv}`);
    const snap = cache.snapshotAt(want, prefix);
    if (!snap) throw Errors.gone(`too old resource version: ${want} (${cache.oldestRevision})`);
    items = snap;
    listRv = want;
  } else {
    items = cache.listItems(prefix);
  }
  if (filter) items = items.filter(filter);
  const meta: Record<string, unknown> = { resourceVersion: String(listRv) };
  if (limit > 0 && items.length > limit) {
    meta.continue = Buffer.from(JSON.stringify({ rv: listRv, start: items[limit - 1].key })).toString('base64url');
    meta.remainingItemCount = items.length - limit;
    items = items.slice(0, limit);
  }
  const rep = negotiate(ctx.req.headers.accept, ['table', 'partial-metadata']);
  if (rep === 'table') {
    sendJson(ctx.res, 200, toTable(r, items.map(parseItem), meta, includeObjectParam(q)), TABLE_CONTENT_TYPE);
    return;
  }
  if (rep === 'partial-metadata') {
    sendJson(ctx.res, 200, { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: meta, items: items.map((i) => partialMetadata(parseItem(i))) });
    return;
  }
  // Items in a typed list carry no apiVersion/kind, as kube-apiserver encodes them.
  const head = `{"kind":${JSON.stringify(r.listKind)},"apiVersion":${JSON.stringify(apiVersionOf(r))},"metadata":${JSON.stringify(meta)},"items":[`;
  streamList(ctx, head, items);
}

// Small enough that a chunk string dies young in V8's new space.
const LIST_CHUNK_BYTES = 32 * 1024;

/**
 * Writes a large list in chunks, producing the next chunk only once the socket
 * has taken the last one: memory per list stays a chunk or two however slow the
 * client, and no response-sized string or buffer is ever built. The items are a
 * snapshot taken before the first byte, so the list stays consistent.
 */
function streamList(ctx: RequestContext, head: string, items: CachedItem[]): void {
  const res = ctx.res;
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  let i = 0;
  const next = (): void => {
    while (!res.destroyed) {
      let buf = i === 0 ? head : '';
      for (; i < items.length && buf.length < LIST_CHUNK_BYTES; i++) {
        const it = items[i];
        buf += (i ? ',{' : '{') + it.json.slice(it.bodyAt);
      }
      if (i >= items.length) { res.end(buf + ']}'); return; }
      if (!res.write(buf)) { res.once('drain', next); return; }
    }
  };
  next();
}

function watch(ctx: RequestContext, r: ResourceDef, ns: string | undefined): void {
  const q = ctx.url.searchParams;
  serveWatch(ctx.res, r, ctx.store.cacher, {
    namespace: ns,
    filter: buildFilter(r, q),
    resourceVersion: q.get('resourceVersion') ?? undefined,
    timeoutSeconds: q.has('timeoutSeconds') ? Number(q.get('timeoutSeconds')) : undefined,
    bookmarks: q.get('allowWatchBookmarks') === 'true',
    sendInitialEvents: q.get('sendInitialEvents') === 'true',
    representation: negotiate(ctx.req.headers.accept, ['table', 'partial-metadata']),
    include: includeObjectParam(q),
  });
}

async function readObject(ctx: RequestContext, r: ResourceDef): Promise<{ obj: KubeObject; warnings: string[] }> {
  const bytes = await readBodyBytes(ctx.req);
  const ct = ctx.req.headers['content-type'];
  const raw = decodeObject(ct, bytes);
  checkTypeMeta(r, raw);
  checkFieldTypes(r, raw);
  const mode = fieldValidationParam(ctx.url.searchParams);
  const dupWarnings = mode === 'Ignore' || !(ct ?? 'application/json').startsWith('application/json') ? [] : duplicateFieldCheck(r, bytes.toString('utf8'), mode);
  const warnings = [...dupWarnings, ...checkUnknownFields(r, raw, mode)];
  raw.metadata ??= {};
  return { obj: raw as KubeObject, warnings };
}

async function create(ctx: RequestContext, r: ResourceDef, ns: string | undefined): Promise<void> {
  const opts = writeOptions(ctx);
  const { obj, warnings } = await readObject(ctx, r);
  if (r.namespaced) {
    const bodyNs = obj.metadata.namespace;
    if (bodyNs && ns && bodyNs !== ns) throw Errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    ns = ns ?? bodyNs;
    if (!ns) throw Errors.badRequest('the namespace of the object must be set');
  }
  if (!obj.metadata.name && !obj.metadata.generateName) {
    throw Errors.invalid(r.kind, '', [{ type: 'FieldValueRequired', field: 'metadata.name', detail: 'name or generateName is required' }], r.group);
  }
  const created = await ctx.store.create(r, ns, obj, opts);
  respondObject(ctx, r, 201, created, warnings);
}

async function update(ctx: RequestContext, r: ResourceDef, ns: string | undefined, name: string, subresource?: string): Promise<void> {
  const opts = writeOptions(ctx, subresource);
  const { obj, warnings } = await readObject(ctx, r);
  if (obj.metadata.name && obj.metadata.name !== name) {
    throw Errors.badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
  }
  if (r.namespaced && obj.metadata.namespace && obj.metadata.namespace !== ns) {
    throw Errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const updated = await ctx.store.update(r, ns, name, obj, opts);
  respondObject(ctx, r, 200, updated, warnings);
}

export async function updateSubresource(ctx: RequestContext, r: ResourceDef, ns: string | undefined, name: string, sub: string): Promise<void> {
  return update(ctx, r, ns, name, sub);
}

export async function patchResource(ctx: RequestContext, r: ResourceDef, ns: string | undefined, name: string, subresource?: string): Promise<void> {
  const opts = writeOptions(ctx, subresource);
  const q = ctx.url.searchParams;
  const body = await readBody(ctx.req);
  const { object, created, warnings } = await patchObject(ctx.store, r, ns, name, {
    contentType: ctx.req.headers['content-type'] ?? '',
    body,
    opts,
    force: q.get('force') === 'true',
    fieldValidation: fieldValidationParam(q),
    managerGiven: q.has('fieldManager'),
  });
  respondObject(ctx, r, created ? 201 : 200, object, warnings);
}

function patch(ctx: RequestContext, r: ResourceDef, ns: string | undefined, name: string): Promise<void> {
  return patchResource(ctx, r, ns, name);
}

async function readDeleteBody(ctx: RequestContext): Promise<Record<string, unknown> | undefined> {
  const bytes = await readBodyBytes(ctx.req);
  if (!bytes.length || !bytes.toString('utf8').trim()) return undefined;
  return decodeObject(ctx.req.headers['content-type'], bytes);
}

async function del(ctx: RequestContext, r: ResourceDef, ns: string | undefined, name: string): Promise<void> {
  const opts = parseDeleteOptions(await readDeleteBody(ctx), ctx.url.searchParams);
  const dryRun = writeOptions(ctx).dryRun || (opts.dryRun ?? []).includes('All');
  const { object, deleted } = await deleteObject(ctx.store, r, ns, name, opts, dryRun);
  // 200 even when the object stays (finalizers, grace): kube-apiserver answers 202 only to the
  // deprecated orphanDependents=false, for clients of its time.
  const code = !deleted && opts.orphanDependents === false ? 202 : 200;
  if (r.returnsDeletedObject || !deleted) respondObject(ctx, r, code, object);
  else sendJson(ctx.res, 200, successStatus(r, object));
}

async function deleteCollection(ctx: RequestContext, r: ResourceDef, ns: string | undefined): Promise<void> {
  const opts = parseDeleteOptions(await readDeleteBody(ctx), ctx.url.searchParams);
  const dryRun = writeOptions(ctx).dryRun;
  const filter = buildFilter(r, ctx.url.searchParams);
  let matched = ctx.store.cacher.of(r).listItems(resourcePrefix(r, ns));
  if (filter) matched = matched.filter(filter);
  const items = matched.map(parseItem);
  const out: KubeObject[] = [];
  for (const o of items) {
    try {
      out.push((await deleteObject(ctx.store, r, o.metadata.namespace, o.metadata.name!, opts, dryRun)).object);
    } catch (e) {
      if ((e as { code?: number }).code !== 404) throw e;
    }
  }
  sendJson(ctx.res, 200, { kind: r.listKind, apiVersion: apiVersionOf(r), metadata: { resourceVersion: String(ctx.store.cacher.currentRevision) }, items: out });
}
