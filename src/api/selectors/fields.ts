// Field selectors (?fieldSelector=): fields.ParseSelector, with backslash escaping
// of ',', '=' and '\' in values, and matching against a flat fields.Set.

import { Errors } from '../status.js';

export interface FieldRequirement {
  readonly field: string;
  /** '==' parses to '=' (they are the same hasTerm upstream). */
  readonly operator: '=' | '!=';
  readonly value: string;
}

export interface FieldSelector {
  /** ANDed, in the sorted order of the source terms. */
  readonly requirements: readonly FieldRequirement[];
}

export const everythingFields: FieldSelector = Object.freeze({ requirements: [] });

// Splits on commas not preceded by a backslash escape; escapes stay in the terms.
function splitTerms(s: string): string[] {
  if (s === '') return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(s.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(s.slice(start));
  return terms;
}

// The first operator occurrence splits the term; '!=' and '==' win over '=' at the same spot.
function splitTerm(term: string): [string, '!=' | '==' | '=', string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '='] as const) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

function unescapeValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') throw Errors.badRequest(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
    } else if (c === '\\') inSlash = true;
    // Go prints the rune with %v, i.e. as its code point number.
    else if (c === ',' || c === '=') throw Errors.badRequest(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    else out += c;
  }
  if (inSlash) throw Errors.badRequest('invalid field selector: invalid escape sequence: \\');
  return out;
}

// Go's sort.Strings compares bytes; UTF-16 order differs only beyond the BMP.
const byBytes = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** fields.ParseSelector; failures are 400 BadRequest with the apiserver's text. */
export function parseFieldSelector(s: string): FieldSelector {
  const reqs: FieldRequirement[] = [];
  for (const part of splitTerms(s).sort(byBytes)) {
    if (part === '') continue;
    const t = splitTerm(part);
    if (!t) throw Errors.badRequest(`invalid selector: '${s}'; can't understand '${part}'`);
    reqs.push({ field: t[0], operator: t[1] === '!=' ? '!=' : '=', value: unescapeValue(t[2]) });
  }
  return { requirements: reqs };
}

/** Missing fields read as "", exactly like fields.Set.Get. */
export function matchesFields(sel: FieldSelector, fields: Record<string, string>): boolean {
  return sel.requirements.every((r) => {
    const v = Object.prototype.hasOwnProperty.call(fields, r.field) ? fields[r.field] : '';
    return r.operator === '=' ? v === r.value : v !== r.value;
  });
}

/** The value an equality term pins `field` to, if any (RequiresExactMatch). */
export function fieldRequiresExactMatch(sel: FieldSelector, field: string): string | undefined {
  return sel.requirements.find((r) => r.field === field && r.operator === '=')?.value;
}

/** EscapeValue: the inverse of the parser's unescaping. */
export const escapeFieldValue = (v: string): string => v.replace(/[\\,=]/g, (c) => `\\${c}`);

/** Selector.String(); values are printed raw, as upstream does. */
export const fieldSelectorString = (sel: FieldSelector): string =>
  sel.requirements.map((r) => `${r.field}${r.operator}${r.value}`).join(',');
