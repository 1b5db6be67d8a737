// kubesvc's own check, beyond Kubernetes: people often write a Deployment-style
// label selector under a Service. Kubernetes would fail decoding with an opaque
// "cannot unmarshal object into Go struct field" message; we say what to write.
// Runs on the raw JSON, before any typed decoding.

import { isPlainObject } from '../object.js';
import type { FieldError } from '../status.js';

const plainMapMsg = 'a Service selector is a plain map of label keys to values, not a label selector';

/** YAML flow style for a small map, quoting only what YAML would need quoted. */
function flow(m: Record<string, unknown>): string {
  const scalar = (s: unknown): string => {
    const str = String(s);
    return /^[A-Za-z0-9][-A-Za-z0-9_./]*$/.test(str) && !/^(true|false|null|yes|no|on|off|~|[0-9.]+)$/i.test(str) ? str : JSON.stringify(str);
  };
  return `{${Object.entries(m).map(([k, v]) => `${scalar(k)}: ${scalar(v)}`).join(', ')}}`;
}

/** Labels an expression list pins to one value each (In with a single value); undefined if any cannot be. */
function expressionsAsLabels(exprs: unknown): Record<string, string> | undefined {
  if (!Array.isArray(exprs)) return undefined;
  const out: Record<string, string> = {};
  for (const e of exprs) {
    if (!isPlainObject(e) || e.operator !== 'In' || !Array.isArray(e.values) || e.values.length !== 1) return undefined;
    out[String(e.key)] = String(e.values[0]);
  }
  return out;
}

/**
 * Checks that spec.selector is a map of strings. Returns one error at
 * `spec.selector` when it is not, else []. Callers skip label-syntax checks of
 * the selector when this reports an error.
 */
export function validateSelectorShape(selector: unknown): FieldError[] {
  if (selector === undefined || selector === null) return [];
  const err = (detail: string): FieldError[] => [{ type: 'FieldValueInvalid', field: 'spec.selector', value: selector, detail }];
  if (!isPlainObject(selector)) {
    return err(`${plainMapMsg}; write it as "selector: {app: web}"`);
  }
  const { matchLabels, matchExpressions } = selector;
  if (matchLabels !== undefined || matchExpressions !== undefined) {
    if (isPlainObject(matchLabels) || isPlainObject(matchExpressions) || Array.isArray(matchExpressions)) {
      const labels: Record<string, unknown> = isPlainObject(matchLabels) ? { ...matchLabels } : {};
      if (matchExpressions !== undefined) {
        const fromExprs = expressionsAsLabels(matchExpressions);
        if (!fromExprs) {
          return err(
            `${plainMapMsg}; Services cannot use matchExpressions: list the exact labels to match, e.g. "selector: {app: web}"`,
          );
        }
        Object.assign(labels, fromExprs);
      }
      const original = isPlainObject(matchLabels) && matchExpressions === undefined ? `{matchLabels: ${flow(matchLabels)}}` : 'a label selector';
      return err(`${plainMapMsg}; write "selector: ${flow(labels)}" instead of "selector: ${original}"`);
    }
  }
  for (const [k, v] of Object.entries(selector)) {
    if (typeof v !== 'string') {
      return err(`${plainMapMsg}; the value of "${k}" must be a string, e.g. "selector: {${k}: web}"`);
    }
  }
  return [];
}
