// Label and field selector filtering shared by list and watch, over cached items.
import { parseLabelSelector, matchesLabels } from '../../api/selectors/labels.js';
import { parseFieldSelector, matchesFields } from '../../api/selectors/fields.js';
import { validateFieldSelector } from '../../api/selectors/field-labels.js';
import type { CachedItem } from '../cache/resource-cache.js';
import type { ResourceDef } from '../resources.js';

export type ItemFilter = (item: CachedItem) => boolean;

export function buildFilter(r: ResourceDef, q: URLSearchParams): ItemFilter | undefined {
  const ls = q.get('labelSelector');
  const fs = q.get('fieldSelector');
  const label = ls ? parseLabelSelector(ls) : undefined;
  const field = fs ? validateFieldSelector(r.plural, parseFieldSelector(fs)) : undefined;
  if (!label && !field) return undefined;
  return (i) => (!label || matchesLabels(label, i.labels)) && (!field || matchesFields(field, i.fields));
}
