// OpenAPI v3 documents for /openapi/v3 and /openapi/v3/<gv>, generated from the
// schema model and the served-resource table. kubectl reads them to decide that
// the server validates fields (fieldValidation on PATCH), to compute strategic
// merge patches (merge keys in components) and for `kubectl explain`.

import {
  groupVersionPath, reachableSchemas, schemaNameFor, schemas, servedGroupVersions, servedResources,
  type ResourceInfo, type Schema, type SubresourceInfo,
} from '../api/schema/index.js';
import { refTo } from '../api/schema/types.js';

type GVK = { group: string; version: string; kind: string };
type Param = { name: string; in: 'path' | 'query'; description: string; required?: boolean; schema: Schema; uniqueItems?: boolean };
type Operation = Record<string, unknown>;

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

const q = (name: string, type: 'string' | 'integer' | 'boolean', description: string): Param =>
  ({ name, in: 'query', description, schema: { type }, uniqueItems: true });

const P = {
  name: { name: 'name', in: 'path', description: 'Name of the object.', required: true, schema: { type: 'string' }, uniqueItems: true } as Param,
  namespace: { name: 'namespace', in: 'path', description: 'Namespace of the object.', required: true, schema: { type: 'string' }, uniqueItems: true } as Param,
  pretty: q('pretty', 'string', 'Pretty-print the output when "true".'),
  dryRun: q('dryRun', 'string', '"All" runs every stage of the request but persists nothing.'),
  fieldManager: q('fieldManager', 'string', 'Name of the actor making the change, recorded in managedFields.'),
  fieldValidation: q('fieldValidation', 'string',
    'What to do with unknown or duplicate fields: Ignore drops them, Warn drops them with a warning, Strict fails the request.'),
  force: q('force', 'boolean', 'For apply patches: take ownership of fields managed by others.'),
  gracePeriodSeconds: q('gracePeriodSeconds', 'integer', 'Seconds before deletion; 0 deletes at once.'),
  propagationPolicy: q('propagationPolicy', 'string', 'Orphan, Background or Foreground deletion of dependents.'),
  orphanDependents: q('orphanDependents', 'boolean', 'Deprecated: use propagationPolicy.'),
  ignoreStoreReadError: q('ignoreStoreReadErrorWithClusterBreakingPotential', 'boolean', 'Delete objects that cannot be read from storage.'),
};
const LIST_PARAMS: Param[] = [
  q('allowWatchBookmarks', 'boolean', 'Ask for BOOKMARK events in a watch.'),
  q('continue', 'string', 'Continue token from a previous limited list.'),
  q('fieldSelector', 'string', 'Restrict results by field values, e.g. metadata.name=x.'),
  q('labelSelector', 'string', 'Restrict results by labels.'),
  q('limit', 'integer', 'Most items to return.'),
  q('resourceVersion', 'string', 'Version constraint of the result, or where a watch starts.'),
  q('resourceVersionMatch', 'string', 'How resourceVersion applies to list calls.'),
  q('sendInitialEvents', 'boolean', 'Start a watch with synthetic events for existing objects.'),
  q('timeoutSeconds', 'integer', 'Time limit of the list or watch call.'),
  q('watch', 'boolean', 'Stream changes instead of returning a list.'),
];
const DELETE_PARAMS = [P.dryRun, P.gracePeriodSeconds, P.ignoreStoreReadError, P.orphanDependents, P.propagationPolicy];

export const PATCH_CONTENT_TYPES = [
  'application/apply-patch+yaml',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
];

const content = (ref: string, types = ['application/json', 'application/yaml']) =>
  Object.fromEntries(types.map((t) => [t, { schema: { $ref: refTo(ref) } }]));
const ok = (ref: string, codes: string[]) => ({
  ...Object.fromEntries(codes.map((c) => [c, { description: { '200': 'OK', '201': 'Created', '202': 'Accepted' }[c], content: content(ref) }])),
  '401': { description: 'Unauthorized' },
});

const groupId = (g: string) => (g === '' ? 'Core' : g.split('.')[0].replace(/^./, (c) => c.toUpperCase()));
const opId = (verb: string, r: ResourceInfo, scope: string, suffix = '') =>
  `${verb}${groupId(r.group)}${r.version.replace(/^./, (c) => c.toUpperCase())}${scope}${r.kind}${suffix}`;

function op(verb: string, action: string, gvk: GVK, tag: string, id: string, extra: Operation): Operation {
  return {
    description: `${verb} ${gvk.kind}`,
    operationId: id,
    tags: [tag],
    ...extra,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
  };
}

function must(gvk: GVK): string {
  const n = schemaNameFor(gvk.group, gvk.version, gvk.kind);
  if (!n) throw new Error(`no schema for ${gvk.group}/${gvk.version} ${gvk.kind}`);
  return n;
}

const writeOp = (verb: 'replace' | 'patch', gvk: GVK, tag: string, id: string, body: string): Operation =>
  op(verb, verb === 'replace' ? 'put' : 'patch', gvk, tag, id, verb === 'replace'
    ? {
      parameters: [P.dryRun, P.fieldManager, P.fieldValidation],
      requestBody: { content: { '*/*': { schema: { $ref: refTo(body) } } }, required: true },
      responses: ok(body, ['200', '201']),
    }
    : {
      parameters: [P.dryRun, P.fieldManager, P.fieldValidation, P.force],
      requestBody: { content: Object.fromEntries(PATCH_CONTENT_TYPES.map((t) => [t, { schema: { $ref: refTo(META + 'Patch') } }])), required: true },
      responses: ok(body, ['200', '201']),
    });

/** Query parameters of each connect subresource (PodExecOptions, PodAttachOptions, PodPortForwardOptions). */
const CONNECT_OPTIONS: Record<string, { kind: string; options: string[] }> = {
  exec: { kind: 'Exec', options: ['command', 'container', 'stderr', 'stdin', 'stdout', 'tty'] },
  attach: { kind: 'Attach', options: ['container', 'stderr', 'stdin', 'stdout', 'tty'] },
  portforward: { kind: 'PortForward', options: ['ports'] },
};

function subresourcePaths(r: ResourceInfo, sub: SubresourceInfo, base: string, scope: string, tag: string, self: GVK) {
  const gvk = sub.kind ?? self;
  const path = `${base}/{name}/${sub.name}`;
  const suffix = sub.name.replace(/^./, (c) => c.toUpperCase());
  const params = [P.name, ...(r.namespaced ? [P.namespace] : []), P.pretty];
  if (sub.shape === 'log') {
    return { [path]: { parameters: params, get: op('read', 'get', gvk, tag, opId('read', r, scope, suffix), {
      parameters: ['container', 'follow', 'previous', 'sinceSeconds', 'tailLines', 'timestamps', 'limitBytes'].map((n) =>
        q(n, ['follow', 'previous', 'timestamps'].includes(n) ? 'boolean' : n === 'container' ? 'string' : 'integer', `Log option ${n}.`)),
      responses: { '200': { description: 'OK', content: { 'text/plain': { schema: { type: 'string' } } } }, '401': { description: 'Unauthorized' } },
    }) } };
  }
  if (sub.shape === 'connect') {
    const { kind, options } = CONNECT_OPTIONS[sub.name];
    const connect = (verb: string) => op('connect', 'connect', { ...self, kind: `${self.kind}${kind}Options` }, tag, opId(verb, r, scope, suffix), {
      parameters: options.map((n) =>
        q(n, n === 'ports' ? 'integer' : n === 'command' || n === 'container' ? 'string' : 'boolean', `${kind} option ${n}.`)),
      responses: { '200': { description: 'OK', content: { '*/*': { schema: { type: 'string' } } } }, '401': { description: 'Unauthorized' } },
    });
    return { [path]: { parameters: params, get: connect('connectGet'), post: connect('connectPost') } };
  }
  const body = must(gvk);
  if (sub.shape === 'create') {
    return { [path]: { parameters: params, post: op('create', 'post', gvk, tag, opId('create', r, scope, suffix), {
      parameters: [P.dryRun, P.fieldManager, P.fieldValidation],
      requestBody: { content: { '*/*': { schema: { $ref: refTo(body) } } }, required: true },
      responses: ok(body, ['200', '201', '202']),
    }) } };
  }
  return {
    [path]: {
      parameters: params,
      get: op('read', 'get', gvk, tag, opId('read', r, scope, suffix), { responses: ok(body, ['200']) }),
      put: writeOp('replace', gvk, tag, opId('replace', r, scope, suffix), body),
      patch: writeOp('patch', gvk, tag, opId('patch', r, scope, suffix), body),
    },
  };
}

function resourcePaths(r: ResourceInfo): Record<string, unknown> {
  const gvk: GVK = { group: r.group, version: r.version, kind: r.kind };
  const item = must(gvk);
  const list = item + 'List';
  const prefix = '/' + groupVersionPath(r.group, r.version);
  const base = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.plural}` : `${prefix}/${r.plural}`;
  const scope = r.namespaced ? 'Namespaced' : '';
  const tag = `${r.group === '' ? 'core' : r.group.split('.')[0]}_${r.version}`;
  const nsParams = r.namespaced ? [P.namespace] : [];
  const deleteBody = { content: { '*/*': { schema: { $ref: refTo(META + 'DeleteOptions') } } } };
  const listOp = (id: string) => op('list', 'list', gvk, tag, id, {
    parameters: LIST_PARAMS,
    responses: ok(list, ['200']),
  });
  const paths: Record<string, unknown> = {
    [base]: {
      parameters: [...nsParams, P.pretty],
      get: listOp(opId('list', r, scope)),
      post: op('create', 'post', gvk, tag, opId('create', r, scope), {
        parameters: [P.dryRun, P.fieldManager, P.fieldValidation],
        requestBody: { content: { '*/*': { schema: { $ref: refTo(item) } } }, required: true },
        responses: ok(item, ['200', '201', '202']),
      }),
      delete: op('delete collection of', 'deletecollection', gvk, tag, opId('deleteCollection', r, scope), {
        parameters: [...DELETE_PARAMS, ...LIST_PARAMS.filter((p) => p.name !== 'watch' && p.name !== 'allowWatchBookmarks')],
        requestBody: deleteBody,
        responses: ok(META + 'Status', ['200']),
      }),
    },
    [`${base}/{name}`]: {
      parameters: [P.name, ...nsParams, P.pretty],
      get: op('read', 'get', gvk, tag, opId('read', r, scope), { responses: ok(item, ['200']) }),
      put: writeOp('replace', gvk, tag, opId('replace', r, scope), item),
      patch: writeOp('patch', gvk, tag, opId('patch', r, scope), item),
      delete: op('delete', 'delete', gvk, tag, opId('delete', r, scope), {
        parameters: DELETE_PARAMS,
        requestBody: deleteBody,
        responses: { ...ok(META + 'Status', ['200', '202']) },
      }),
    },
  };
  if (r.namespaced) {
    paths[`${prefix}/${r.plural}`] = { parameters: [P.pretty], get: listOp(opId('list', r, '', 'ForAllNamespaces')) };
  }
  for (const sub of r.subresources) Object.assign(paths, subresourcePaths(r, sub, base, scope, tag, gvk));
  return paths;
}

function collectRefs(v: unknown, out: string[]): void {
  if (Array.isArray(v)) v.forEach((x) => collectRefs(x, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string') out.push(x.replace('#/components/schemas/', ''));
      else collectRefs(x, out);
    }
  }
}

function build(gvPath: string): object | undefined {
  const gv = servedGroupVersions.find((g) => groupVersionPath(g.group, g.version) === gvPath);
  if (!gv) return undefined;
  const paths: Record<string, unknown> = {};
  const roots: string[] = [];
  for (const r of servedResources) {
    if (r.group === gv.group && r.version === gv.version) Object.assign(paths, resourcePaths(r));
  }
  collectRefs(paths, roots);
  // Kinds of this group-version that no resource path uses (autoscaling/v1 Scale) still belong here.
  for (const [name, s] of Object.entries(schemas)) {
    if (s['x-kubernetes-group-version-kind']?.some((g) => g.group === gv.group && g.version === gv.version && g.kind !== 'DeleteOptions')) roots.push(name);
  }
  const names = [...reachableSchemas(schemas, roots)].filter((n) => schemas[n]).sort();
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    components: {
      schemas: Object.fromEntries(names.map((n) => [n, schemas[n]])),
      securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer token authentication', name: 'authorization', in: 'header' } },
    },
    security: [{ BearerToken: [] }],
  };
}

// Documents are pure functions of static data: build each once.
const cache = new Map<string, { doc: object; json: string; hash: string } | null>();

/** A small, stable content hash (two interleaved 32-bit FNV-1a variants), as 16 upper-case hex digits. */
export function contentHash(s: string): string {
  let h1 = 0x811c9dc5, h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
  }
  const hex = (n: number) => (n >>> 0).toString(16).toUpperCase().padStart(8, '0');
  return hex(h1) + hex(h2);
}

function entry(gvPath: string) {
  if (!cache.has(gvPath)) {
    const doc = build(gvPath);
    if (!doc) cache.set(gvPath, null);
    else { const json = JSON.stringify(doc); cache.set(gvPath, { doc, json, hash: contentHash(json) }); }
  }
  return cache.get(gvPath) ?? undefined;
}

/** The OpenAPI v3 document of one group-version ('api/v1', 'apis/apps/v1', ...); shared, do not mutate. */
export function openApiDocument(groupVersionPath: string): object | undefined {
  return entry(groupVersionPath)?.doc;
}

/** The same document, serialised once; with its hash, for ETag and `?hash=` checks. */
export function openApiDocumentJson(groupVersionPath: string): { json: string; hash: string } | undefined {
  const e = entry(groupVersionPath);
  return e ? { json: e.json, hash: e.hash } : undefined;
}

/** The /openapi/v3 discovery document. */
export function openApiIndex(): { paths: Record<string, { serverRelativeURL: string }> } {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const g of servedGroupVersions) {
    const p = groupVersionPath(g.group, g.version);
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${entry(p)!.hash}` };
  }
  return { paths };
}

/** Resources documented, as `<gvPath>/<plural>[/<sub>]`, for cross-checking the router. */
export const documentedResources: string[] = servedResources.flatMap((r) => {
  const base = `${groupVersionPath(r.group, r.version)}/${r.plural}`;
  return [base, ...r.subresources.map((s) => `${base}/${s.name}`)];
});
