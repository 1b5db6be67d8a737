// meta.k8s.io/v1 Table rendering of objects for kubectl get.
import type { KubeObject } from '../../api/object.js';
import { printers, defaultPrinter } from '../../printers/index.js';
import type { ResourceDef } from '../resources.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function partialMetadata(obj: KubeObject): Record<string, unknown> {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export function toTable(
  r: ResourceDef, objs: KubeObject[], listMeta: Record<string, unknown>, include: IncludeObject, withHeaders = true,
): Record<string, unknown> {
  const p = printers[r.plural] ?? defaultPrinter;
  const now = new Date();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: withHeaders ? p.columns : [],
    rows: objs.map((o) => {
      const row: Record<string, unknown> = { cells: p.cells(o, now) };
      if (include === 'Metadata') row.object = partialMetadata(o);
      else if (include === 'Object') row.object = o;
      return row;
    }),
  };
}

export function includeObjectParam(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}
