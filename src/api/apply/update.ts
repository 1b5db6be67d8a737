// Ownership for non-apply writes (Updater.Update via managedFieldsUpdater): what
// the write changed becomes the writer's, merged into its previous Update entry,
// and is taken from everyone else. Runs on every write, so it works from one
// structural diff and leaves untouched entries as they were.

import { jsonEqual, type KubeObject, type ManagedFieldsEntry } from '../object.js';
import type { Schema, SchemaMap } from '../schema/types.js';
import { diffObjects } from './diff.js';
import type { FieldSet } from './fieldset.js';
import { capUpdateManagers, decodeManaged, encodeManaged, Managed, managerId } from './managers.js';

export interface UpdateArgs {
  old: KubeObject | undefined;
  updated: KubeObject;
  manager: string;
  rootSchema: Schema;
  schemas: SchemaMap;
  apiVersion: string;
  now: string;
  subresource?: string;
  /** Fields this endpoint resets (e.g. spec on the status subresource): never owned. */
  ignored?: FieldSet;
}

export function updateManagedFields(args: UpdateArgs): ManagedFieldsEntry[] {
  const { old, updated } = args;
  const { base, sent } = baseEntries(old, updated, args.subresource);
  let { changed, removed } = diffObjects(old, updated, args.rootSchema, args.schemas);
  if (args.ignored) {
    changed = changed.difference(args.ignored);
    removed = removed.difference(args.ignored);
  }
  if (!sent && changed.isEmpty() && removed.isEmpty()) return [...base];

  const managed = decodeManaged(base);
  for (const m of managed) {
    if (!m.touchedBy(changed, removed)) continue;
    if (m.set.subtract(changed)) m.dirty = true;
    if (m.set.subtractSubtrees(removed)) m.dirty = true;
  }
  if (!changed.isEmpty()) {
    const id = managerId({ manager: args.manager, operation: 'Update', apiVersion: args.apiVersion, subresource: args.subresource });
    const prev = managed.find((m) => managerId(m.entry) === id);
    const entry: ManagedFieldsEntry = {
      manager: args.manager,
      operation: 'Update',
      apiVersion: args.apiVersion,
      time: args.now,
      fieldsType: 'FieldsV1',
      ...(args.subresource ? { subresource: args.subresource } : {}),
    };
    if (prev) {
      prev.set.addAll(changed);
      prev.entry = entry;
      prev.dirty = true;
    } else {
      const m = new Managed(entry, changed);
      m.dirty = true;
      managed.push(m);
    }
  }
  return encodeManaged(capUpdateManagers(managed));
}

// The managedFields a write starts from: the request's own when it sends some (a
// client resetting them; [{}] clears all), else live's, so clients unaware of
// managedFields cannot drop them. Subresource writes always keep live's.
function baseEntries(old: KubeObject | undefined, updated: KubeObject, subresource: string | undefined): { base: readonly ManagedFieldsEntry[]; sent: boolean } {
  const sent = updated.metadata?.managedFields;
  if (!subresource && Array.isArray(sent) && sent.length > 0 && !jsonEqual(sent, old?.metadata?.managedFields)) return { base: sent, sent: true };
  return { base: old?.metadata?.managedFields ?? [], sent: false };
}
