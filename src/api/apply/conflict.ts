// Apply conflicts, worded as k8s.io/apimachinery's managedfields NewConflictError.

import type { ManagedFieldsEntry } from '../object.js';
import { StatusError, type StatusCause } from '../status.js';
import type { FieldSet } from './fieldset.js';
import { cmpStr, pathString } from './pathelement.js';

export interface Conflict {
  entry: ManagedFieldsEntry;
  fields: FieldSet;
}

/** printManager: the time never appears since manager identifiers carry none. */
export function printManager(e: ManagedFieldsEntry): string {
  let s = JSON.stringify(e.manager ?? '');
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === 'Update') s += ` using ${e.apiVersion ?? ''}`;
  return s;
}

export function conflictError(conflicts: readonly Conflict[]): StatusError {
  // Managers sorted by their printed form, paths in set order (Go sorts the identifiers).
  const sorted = [...conflicts].sort((a, b) => cmpStr(printManager(a.entry), printManager(b.entry)));
  const flat = sorted.flatMap((c) => c.fields.paths().map((p) => ({ who: printManager(c.entry), path: pathString(p) })));
  const causes: StatusCause[] = flat.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${c.who}`, field: c.path }));
  let message: string;
  if (flat.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${flat[0].who}: ${flat[0].path}`;
  } else {
    const lines: string[] = [];
    for (const c of sorted) {
      lines.push(`conflicts with ${printManager(c.entry)}:`);
      for (const p of c.fields.paths()) lines.push(`- ${pathString(p)}`);
    }
    message = `Apply failed with ${flat.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, 'Conflict', message, { causes });
}
