// Server-side apply (Updater.Apply plus the apiserver's field manager wrappers):
// merge the config into live, prune what this applier gave up, detect conflicts
// with other owners, and record ownership.

import { deepClone, isPlainObject, type KubeObject } from '../object.js';
import { Errors } from '../status.js';
import type { Schema, SchemaMap } from '../schema/types.js';
import { conflictError, type Conflict } from './conflict.js';
import { diffObjects } from './diff.js';
import { FieldSet } from './fieldset.js';
import { managedSetOf } from './extract.js';
import { capUpdateManagers, decodeManaged, encodeManaged, Managed, managerId } from './managers.js';
import { mergeValue, removeFields } from './merge.js';

export interface ApplyArgs {
  live: KubeObject | undefined;
  applied: KubeObject;
  manager: string;
  force: boolean;
  rootSchema: Schema;
  schemas: SchemaMap;
  /** The version the request is served at; the applied object must match it. */
  apiVersion: string;
  now: string;
  subresource?: string;
  /** Fields this endpoint resets (e.g. status on the main resource): never owned. */
  ignored?: FieldSet;
}

/** Manager given fields that existed before any tracking, when apply first meets an object. */
export const BEFORE_FIRST_APPLY = 'before-first-apply';

export function serverSideApply(args: ApplyArgs): KubeObject {
  const { live, applied, manager, schemas, rootSchema } = args;
  validateApplied(applied, args.apiVersion);
  const ctx = { schemas };

  const liveBody = live ? withoutManagedFields(live) : undefined;
  let managed = decodeManaged(live?.metadata?.managedFields);
  if (live && managed.length === 0) managed = [beforeFirstApply(liveBody!, args)];

  const id = managerId({ manager, operation: 'Apply', subresource: args.subresource });
  const mine = managed.find((m) => managerId(m.entry) === id);
  const others = managed.filter((m) => m !== mine);

  let appliedSet = managedSetOf(applied, rootSchema, schemas, { strict: true });
  if (args.ignored) appliedSet = appliedSet.difference(args.ignored);
  const appliedBody = deepClone(applied) as Record<string, unknown>;
  delete (appliedBody.metadata as Record<string, unknown> | undefined)?.managedFields;

  let merged = mergeValue(ctx, liveBody, appliedBody, rootSchema) as KubeObject;
  if (mine) {
    const keep = appliedSet.clone();
    for (const m of others) keep.addAll(m.set);
    const gone = mine.set.difference(keep);
    if (!gone.isEmpty()) merged = removeFields(ctx, merged, rootSchema, gone, keep) as KubeObject;
  }

  const { changed, removed } = diffObjects(liveBody, merged, rootSchema, schemas);
  const conflicts: Conflict[] = [];
  for (const m of others) {
    const c = m.set.intersection(changed);
    if (!c.isEmpty()) conflicts.push({ entry: m.entry, fields: c });
  }
  if (conflicts.length > 0 && !args.force) throw conflictError(conflicts);

  for (const m of others) {
    if (m.set.subtract(changed)) m.dirty = true;
    if (m.set.subtractSubtrees(removed)) m.dirty = true;
  }

  const objectChanged = !changed.isEmpty() || !removed.isEmpty();
  const setChanged = !mine || !mine.set.equals(appliedSet);
  const entry = {
    manager,
    operation: 'Apply' as const,
    apiVersion: args.apiVersion,
    // Kept when nothing moved, as the apiserver only stamps effective applies.
    time: objectChanged || setChanged || !mine?.entry.time ? args.now : mine.entry.time,
    fieldsType: 'FieldsV1' as const,
    ...(args.subresource ? { subresource: args.subresource } : {}),
  };
  const next = new Managed(entry, appliedSet);
  next.dirty = true;
  const all = mine ? managed.map((m) => (m === mine ? next : m)) : [...managed, next];

  merged.metadata ??= {};
  merged.metadata.managedFields = encodeManaged(capUpdateManagers(all));
  return merged;
}

function validateApplied(applied: KubeObject, apiVersion: string): void {
  if (!isPlainObject(applied)) throw Errors.badRequest('apply patch must be an object');
  if (!applied.apiVersion) throw Errors.badRequest('apiVersion must be set in apply patch');
  if (!applied.kind) throw Errors.badRequest('kind must be set in apply patch');
  if (applied.apiVersion !== apiVersion) {
    throw Errors.badRequest(`Incorrect version specified in apply patch. Specified patch version: ${applied.apiVersion}, expected: ${apiVersion}`);
  }
  if (applied.metadata?.managedFields !== undefined && applied.metadata.managedFields !== null) {
    throw Errors.badRequest('metadata.managedFields must be nil');
  }
}

function withoutManagedFields(o: KubeObject): KubeObject {
  const c = deepClone(o);
  if (c.metadata) delete c.metadata.managedFields;
  return c;
}

// An object written before tracking began: its fields go to one Update manager,
// so the first applier conflicts instead of silently taking them.
function beforeFirstApply(liveBody: KubeObject, args: ApplyArgs): Managed {
  let set = managedSetOf(liveBody, args.rootSchema, args.schemas);
  if (args.ignored) set = set.difference(args.ignored);
  const m = new Managed({ manager: BEFORE_FIRST_APPLY, operation: 'Update', apiVersion: args.apiVersion }, set);
  m.dirty = true;
  return m;
}
