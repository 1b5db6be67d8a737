// Label maps and label selectors, as k8s.io/apimachinery/pkg/apis/meta/v1/validation.

import type { FieldError } from '../status.js';
import { isQualifiedName, isValidLabelValue } from './syntax.js';
import { arr, child, each, forbidden, index, invalid, isObj, required, str } from './errors.js';

/** Keys and values are reported at the map's path, not per key, as Kubernetes does. */
export function validateLabels(labels: unknown, field: string): FieldError[] {
  if (!isObj(labels)) return [];
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels)) {
    errs.push(...each(field, k, isQualifiedName(k)));
    errs.push(...each(field, v, isValidLabelValue(str(v))));
  }
  return errs;
}

export const validateLabelName = (name: string, field: string): FieldError[] => each(field, name, isQualifiedName(name));

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export function validateLabelSelector(sel: unknown, field: string): FieldError[] {
  if (!isObj(sel)) return [];
  const errs = validateLabels(sel.matchLabels, child(field, 'matchLabels'));
  arr(sel.matchExpressions).forEach((expr, i) => {
    const p = index(child(field, 'matchExpressions'), i);
    const values = arr<string>(expr?.values);
    switch (expr?.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errs.push(required(child(p, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) errs.push(forbidden(child(p, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(invalid(child(p, 'operator'), expr?.operator ?? '', 'not a valid selector operator'));
    }
    errs.push(...validateLabelName(str(expr?.key), child(p, 'key')));
    values.forEach((v, j) => errs.push(...each(index(child(p, 'values'), j), v, isValidLabelValue(str(v)))));
  });
  return errs;
}

/**
 * LabelSelectorAsSelector + Matches. undefined selector matches nothing (labels.Nothing),
 * an empty one everything. Returns 'invalid' when the selector cannot be converted.
 */
export function selectorMatches(sel: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean | 'invalid' {
  if (!sel) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    const vals = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!vals.length) return 'invalid';
        if (!has || !vals.includes(l[e.key])) return false;
        break;
      case 'NotIn':
        if (!vals.length) return 'invalid';
        if (has && vals.includes(l[e.key])) return false;
        break;
      case 'Exists':
        if (vals.length) return 'invalid';
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (vals.length) return 'invalid';
        if (has) return false;
        break;
      default:
        return 'invalid';
    }
  }
  return true;
}

/** True for `{}`: Kubernetes treats it as "everything" and skips the template match. */
export const selectorIsEmpty = (sel: LabelSelector | undefined): boolean =>
  !!sel && Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0;
