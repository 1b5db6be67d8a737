// PATCH: JSON patch, merge patch, strategic merge patch and server-side apply.
import { deepClone, isPlainObject, type KubeObject } from '../../api/object.js';
import { Errors, StatusError } from '../../api/status.js';
import { schemas } from '../../api/schema/index.js';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, parsePatchBody } from '../../api/patch/index.js';
import { serverSideApply } from '../../api/apply/index.js';
import { apiVersionOf, storageKey, type ResourceDef } from '../resources.js';
import { checkFieldTypes, checkUnknownFields, type FieldValidation } from '../http/field-validation.js';
import { rootSchemaOf } from './managed-fields.js';
import { checkUidPrecondition, type Store, type WriteOptions } from './store.js';
import { rfc3339 } from '../../util/time.js';

export interface PatchRequest {
  contentType: string;
  body: string;
  opts: WriteOptions;
  force: boolean;
  fieldValidation: FieldValidation;
  managerGiven: boolean;
}

export interface PatchResult {
  object: KubeObject;
  created: boolean;
  warnings: string[];
}

const MAX_RETRIES = 5;

export async function patchObject(store: Store, r: ResourceDef, ns: string | undefined, name: string, p: PatchRequest): Promise<PatchResult> {
  const parsed = parsePatchBody(p.contentType, p.body);
  if (parsed.kind === 'apply') return apply(store, r, ns, name, parsed.value, p);
  for (let attempt = 0; ; attempt++) {
    const current = store.get(r, ns, name);
    const patched = patchOnce(r, current, parsed.kind, parsed.value);
    const warnings = checkUnknownFields(r, patched, p.fieldValidation, 'patch');
    checkFieldTypes(r, patched, 'patch');
    const wantRv = patched.metadata?.resourceVersion;
    if (wantRv && wantRv !== current.metadata.resourceVersion) {
      throw Errors.conflict(r.plural, name, 'the object has been modified; please apply your changes to the latest version and try again', r.group);
    }
    checkUidPrecondition(r, name, patched.metadata?.uid, current);
    try {
      const key = storageKey(r, ns, name);
      const object = await store.replace(r, key, current, patched as KubeObject, p.opts);
      return { object, created: false, warnings };
    } catch (e) {
      const retriable = e instanceof StatusError && e.code === 409 && e.reason === 'Conflict' && !wantRv;
      if (!retriable || attempt >= MAX_RETRIES) throw e;
    }
  }
}

function patchOnce(r: ResourceDef, current: KubeObject, kind: 'json' | 'merge' | 'strategic', value: unknown): Record<string, unknown> & KubeObject {
  const original = deepClone(current) as unknown as Record<string, unknown>;
  let out: Record<string, unknown>;
  if (kind === 'json') out = applyJsonPatch(original as never, value);
  else if (kind === 'merge') out = applyMergePatch(original as never, value);
  else {
    const root = rootSchemaOf(r);
    if (!root) throw Errors.unsupportedMediaType(['application/json-patch+json', 'application/merge-patch+json']);
    out = applyStrategicMergePatch(original as never, value, root, schemas);
  }
  if (!isPlainObject(out.metadata)) out.metadata = {};
  return out as Record<string, unknown> & KubeObject;
}

async function apply(store: Store, r: ResourceDef, ns: string | undefined, name: string, value: unknown, p: PatchRequest): Promise<PatchResult> {
  if (!p.managerGiven) {
    throw Errors.invalid('PatchOptions', '', [{ type: 'FieldValueRequired', field: 'fieldManager', detail: 'is required for apply patch' }], 'meta.k8s.io');
  }
  if (!isPlainObject(value)) throw Errors.badRequest('error decoding YAML: the apply configuration must be an object');
  const applied = value as Record<string, unknown>;
  const apiVersion = apiVersionOf(r);
  if (applied.apiVersion !== apiVersion || applied.kind !== r.kind) {
    if (applied.apiVersion === undefined || applied.kind === undefined) {
      throw Errors.badRequest(`Object 'Kind' is missing in '${JSON.stringify(applied).slice(0, 200)}'`);
    }
    throw Errors.badRequest(`the API version in the data (${String(applied.apiVersion)}) does not match the expected API version (${apiVersion})`);
  }
  const warnings = checkUnknownFields(r, applied, p.fieldValidation, 'patch');
  checkFieldTypes(r, applied, 'patch');
  const meta = (isPlainObject(applied.metadata) ? applied.metadata : {}) as KubeObject['metadata'];
  if (meta.name !== undefined && meta.name !== name) {
    throw Errors.badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
  }
  if (r.namespaced && meta.namespace && meta.namespace !== ns) {
    throw Errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const rootSchema = rootSchemaOf(r);
  if (!rootSchema) throw Errors.unsupportedMediaType(['application/json-patch+json', 'application/merge-patch+json']);
  const cfg = { ...applied, metadata: { ...meta, name } } as KubeObject;
  for (let attempt = 0; ; attempt++) {
    const live = store.tryGet(r, ns, name);
    const merged = serverSideApply({
      live, applied: cfg, manager: p.opts.fieldManager, force: p.force, rootSchema, schemas, apiVersion, now: rfc3339(), subresource: p.opts.subresource,
    });
    try {
      if (!live) {
        const object = await store.create(r, ns, merged, { ...p.opts, skipManagedFields: true });
        return { object, created: true, warnings };
      }
      const object = await store.replace(r, storageKey(r, ns, name), live, merged, { ...p.opts, skipManagedFields: true });
      return { object, created: false, warnings };
    } catch (e) {
      const retriable = e instanceof StatusError && e.code === 409 && (e.reason === 'Conflict' || e.reason === 'AlreadyExists') && !meta.resourceVersion;
      if (!retriable || attempt >= MAX_RETRIES) throw e;
    }
  }
}
