// Label and field selector filtering shared by list and watch.
import type { KubeObject } from '../../api/object.js';
import { parseLabelSelector, matchesLabels } from '../../api/selectors/labels.js';
import { parseFieldSelector, matchesFields } from '../../api/selectors/fields.js';
import { fieldsFor, validateFieldSelector } from '../../api/selectors/field-labels.js';
import type { ResourceDef } from '../resources.js';

export type ObjectFilter = (obj: KubeObject) => boolean;

export function buildFilter(r: ResourceDef, q: URLSearchParams): ObjectFilter | undefined {
  const ls = q.get('labelSelector');
  const fs = q.get('fieldSelector');
  const label = ls ? parseLabelSelector(ls) : undefined;
  const field = fs ? validateFieldSelector(r.plural, parseFieldSelector(fs)) : undefined;
  if (!label && !field) return undefined;
  return (obj) =>
    (!label || matchesLabels(label, obj.metadata.labels)) && (!field || matchesFields(field, fieldsFor(r.plural, obj)));
}
