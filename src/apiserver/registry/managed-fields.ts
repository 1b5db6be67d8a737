// Keeps metadata.managedFields current on every non-apply write.
import type { KubeObject } from '../../api/object.js';
import { schemas, schemaNameFor } from '../../api/schema/index.js';
import type { Schema } from '../../api/schema/types.js';
import { updateManagedFields } from '../../api/apply/index.js';
import { apiVersionOf, type ResourceDef } from '../resources.js';

export function rootSchemaOf(r: Pick<ResourceDef, 'group' | 'version' | 'kind'>): Schema | undefined {
  const name = schemaNameFor(r.group, r.version, r.kind);
  return name ? schemas[name] : undefined;
}

export function trackManagedFields(
  r: ResourceDef, old: KubeObject | undefined, obj: KubeObject, opts: { fieldManager: string; subresource?: string }, now: string,
): void {
  const rootSchema = rootSchemaOf(r);
  if (!rootSchema) return;
  const entries = updateManagedFields({
    old, updated: obj, manager: opts.fieldManager, rootSchema, schemas, apiVersion: apiVersionOf(r), now,
    subresource: opts.subresource,
  });
  if (entries.length) obj.metadata.managedFields = entries;
  else delete obj.metadata.managedFields;
}
