// One label requirement, built and checked like labels.NewRequirement so that
// parser and metav1.LabelSelector conversion share the same errors.

import { isQualifiedName, isValidLabelValue } from '../validation/syntax.js';
import { goQuote, goStringSlice } from './goformat.js';

/** selection.Operator spellings. */
export type Operator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  /** Deduplicated and sorted for set operators, as sets.String.List() leaves them. */
  readonly values: readonly string[];
}

/** field.Error.Error(): "<path>: Invalid value: <value>: <detail>". A nil path prints "<nil>". */
export const invalidValue = (path: string, rendered: string, detail: string): string =>
  `${path}: Invalid value: ${rendered}: ${detail}`;

/** The key check the parser runs before anything else (path is nil there). */
export function keyError(key: string, path = '<nil>'): string | undefined {
  const errs = isQualifiedName(key);
  return errs.length ? invalidValue(path, goQuote(key), errs.join('; ')) : undefined;
}

const int64Re = /^[+-]?[0-9]+$/;
const isInt64 = (v: string): boolean => {
  if (!int64Re.test(v)) return false;
  const n = BigInt(v);
  return n >= -(2n ** 63n) && n < 2n ** 63n;
};

/** Aggregate.Error(): one message bare, several deduplicated inside [..]. */
function aggregate(errs: string[]): string | undefined {
  const uniq = [...new Set(errs)];
  if (uniq.length === 0) return undefined;
  return uniq.length === 1 ? uniq[0] : `[${uniq.join(', ')}]`;
}

/** Returns the requirement, or the error text Kubernetes would produce for it. */
export function newRequirement(key: string, operator: Operator, values: readonly string[]): Requirement | string {
  const errs: string[] = [];
  const k = keyError(key, 'key');
  if (k) errs.push(k);
  const vals = goStringSlice(values);
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) errs.push(invalidValue('values', vals, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) errs.push(invalidValue('values', vals, 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) errs.push(invalidValue('values', vals, 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) errs.push(invalidValue('values', vals, "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (!isInt64(v)) errs.push(invalidValue(`values[${i}]`, goQuote(v), "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
  }
  values.forEach((v, i) => {
    const ve = isValidLabelValue(v);
    if (ve.length) errs.push(invalidValue(`values[${i}][${key}]`, goQuote(v), ve.join('; ')));
  });
  return aggregate(errs) ?? { key, operator, values: [...values] };
}

export function requirementMatches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has && r.values.includes(labels[r.key]);
    case 'notin':
    case '!=':
      return !has || !r.values.includes(labels[r.key]);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || !isInt64(labels[r.key]) || r.values.length !== 1 || !isInt64(r.values[0])) return false;
      const l = BigInt(labels[r.key]), v = BigInt(r.values[0]);
      return r.operator === 'gt' ? l > v : l < v;
    }
  }
}

const opText: Record<Operator, string> = { '=': '=', '==': '==', '!=': '!=', in: ' in ', notin: ' notin ', gt: '>', lt: '<', exists: '', '!': '' };

/** Requirement.String(). */
export function requirementString(r: Requirement): string {
  if (r.operator === 'exists') return r.key;
  if (r.operator === '!') return `!${r.key}`;
  const vals = r.values.length === 1 ? r.values[0] : [...r.values].sort().join(',');
  return r.operator === 'in' || r.operator === 'notin' ? `${r.key}${opText[r.operator]}(${vals})` : `${r.key}${opText[r.operator]}${vals}`;
}
