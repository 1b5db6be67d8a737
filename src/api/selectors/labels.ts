// Label selectors: the string syntax of ?labelSelector= (labels.Parse) and the
// metav1.LabelSelector objects controllers carry (metav1.LabelSelectorAsSelector).
//
// Semantics worth remembering:
// - an empty string / empty object / empty set selects everything;
// - a null or undefined metav1.LabelSelector selects nothing (labels.Nothing()).

import { Errors, StatusError } from '../status.js';
import { goQuote } from './goformat.js';
import { scan, type Scanned, type Token } from './lexer.js';
import {
  keyError, newRequirement, requirementMatches, requirementString,
  type Operator, type Requirement,
} from './requirement.js';

export type { Operator, Requirement } from './requirement.js';

export interface LabelSelector {
  /** ANDed, sorted by key. */
  readonly requirements: readonly Requirement[];
  /** True only for the selector of a null metav1.LabelSelector. */
  readonly nothing?: boolean;
}

export interface LabelSelectorRequirementObject {
  key: string;
  operator: string;
  values?: string[];
}

/** metav1.LabelSelector as it appears in specs. */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirementObject[];
}

export const everything: LabelSelector = Object.freeze({ requirements: [] });
export const nothing: LabelSelector = Object.freeze({ requirements: [], nothing: true });

const byKey = (a: Requirement, b: Requirement): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

class ParseError extends Error {}

/** Recursive-descent parser over the scanned tokens (labels.Parser). */
class Parser {
  private pos = 0;
  constructor(private readonly items: Scanned[]) {}

  // In value context the keywords `in`/`notin` are plain identifiers.
  private peek(values: boolean): Scanned {
    const it = this.items[this.pos];
    return values && (it.tok === 'in' || it.tok === 'notin') ? { tok: 'id', lit: it.lit } : it;
  }
  private next(values: boolean): Scanned {
    const it = this.peek(values);
    this.pos++;
    return it;
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const { tok, lit } = this.peek(true);
      if (tok === 'eos') return reqs;
      if (tok !== 'id' && tok !== '!') throw new ParseError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      try {
        reqs.push(this.requirement());
      } catch (e) {
        if (e instanceof ParseError) throw new ParseError(`unable to parse requirement: ${e.message}`);
        throw e;
      }
      const after = this.next(true);
      if (after.tok === 'eos') return reqs;
      if (after.tok !== ',') throw new ParseError(`found '${after.lit}', expected: ',' or 'end of string'`);
      const t2 = this.peek(true);
      if (t2.tok !== 'id' && t2.tok !== '!') throw new ParseError(`found '${t2.lit}', expected: identifier after ','`);
    }
  }

  private requirement(): Requirement {
    let op: Operator | undefined;
    let t = this.next(true);
    if (t.tok === '!') {
      op = '!';
      t = this.next(true);
    }
    if (t.tok !== 'id') throw new ParseError(`found '${t.lit}', expected: identifier`);
    const key = t.lit;
    const ke = keyError(key);
    if (ke) throw new ParseError(ke);
    const la = this.peek(true).tok;
    if (op === undefined && (la === 'eos' || la === ',')) op = 'exists';
    if (op === 'exists' || op === '!') return this.build(key, op, []);
    const operator = this.operator();
    const values = operator === 'in' || operator === 'notin' ? this.valueSet() : this.exactValue();
    return this.build(key, operator, [...new Set(values)].sort());
  }

  private build(key: string, op: Operator, values: string[]): Requirement {
    const r = newRequirement(key, op, values);
    if (typeof r === 'string') throw new ParseError(r);
    return r;
  }

  private operator(): Operator {
    const { tok, lit } = this.next(false);
    const ops: Partial<Record<Token, Operator>> = { in: 'in', notin: 'notin', '=': '=', '==': '==', '!=': '!=', '>': 'gt', '<': 'lt' };
    const op = ops[tok];
    if (!op) throw new ParseError(`found '${lit}', expected: in, notin, =, ==, !=, gt, lt`);
    return op;
  }

  private valueSet(): string[] {
    const open = this.next(true);
    if (open.tok !== '(') throw new ParseError(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.peek(true);
    if (tok === ')') {
      this.next(true);
      return [''];
    }
    if (tok !== 'id' && tok !== ',') throw new ParseError(`found '${lit}', expected: ',', ')' or identifier`);
    const vals = this.identifiers();
    if (this.next(true).tok !== ')') throw new ParseError(`found '${lit}', expected: ')'`);
    return vals;
  }

  // Empty entries (as in "(a,,b)" or "(,a)") stand for the empty value.
  private identifiers(): string[] {
    const vals: string[] = [];
    for (;;) {
      const { tok, lit } = this.next(true);
      if (tok === 'id') {
        vals.push(lit);
        const n = this.peek(true);
        if (n.tok === ',') continue;
        if (n.tok === ')') return vals;
        throw new ParseError(`found '${n.lit}', expected: ',' or ')'`);
      }
      if (tok !== ',') throw new ParseError(`found '${lit}', expected: ',', or identifier`);
      if (vals.length === 0) vals.push('');
      const n = this.peek(true).tok;
      if (n === ')') {
        vals.push('');
        return vals;
      }
      if (n === ',') vals.push('');
    }
  }

  private exactValue(): string[] {
    const la = this.peek(true).tok;
    if (la === 'eos' || la === ',') return [''];
    const { tok, lit } = this.next(true);
    if (tok === 'id') return [lit];
    throw new ParseError(`found '${lit}', expected: identifier`);
  }
}

/** labels.Parse; failures are 400 BadRequest worded as the apiserver words them. */
export function parseLabelSelector(s: string): LabelSelector {
  try {
    const reqs = new Parser(scan(s)).parse();
    return { requirements: reqs.sort(byKey) };
  } catch (e) {
    if (e instanceof ParseError) throw Errors.badRequest(e.message);
    throw e;
  }
}

export function matchesLabels(sel: LabelSelector, labels: Record<string, string> | undefined): boolean {
  if (sel.nothing) return false;
  const ls = labels ?? {};
  return sel.requirements.every((r) => requirementMatches(r, ls));
}

export const isEverything = (sel: LabelSelector): boolean => !sel.nothing && sel.requirements.length === 0;

/** Selector.String(); "" for both everything and nothing, as in Go. */
export const labelSelectorString = (sel: LabelSelector): string => sel.requirements.map(requirementString).join(',');

/** RequiresExactMatch: the single value `key` must equal, if the selector pins one. */
export function requiresExactMatch(sel: LabelSelector, key: string): string | undefined {
  const r = sel.requirements.find((x) => x.key === key);
  if (!r || !['=', '==', 'in'].includes(r.operator) || r.values.length !== 1) return undefined;
  return r.values[0];
}

/** labels.SelectorFromSet: equality on every pair, unvalidated; empty or undefined matches all. */
export function labelSelectorFromSet(set: Record<string, string> | undefined | null): LabelSelector {
  const reqs = Object.entries(set ?? {}).map(([key, v]): Requirement => ({ key, operator: '=', values: [v] }));
  return { requirements: reqs.sort(byKey) };
}

const exprOps: Record<string, Operator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/**
 * metav1.LabelSelectorAsSelector: null/undefined selects nothing, {} selects everything.
 * Invalid keys, values or operators throw a 400 StatusError with Kubernetes' wording.
 */
export function fromLabelSelectorObject(obj: LabelSelectorObject | null | undefined): LabelSelector {
  if (obj === null || obj === undefined) return nothing;
  const reqs: Requirement[] = [];
  const add = (r: Requirement | string): void => {
    if (typeof r === 'string') throw Errors.badRequest(r);
    reqs.push(r);
  };
  for (const [k, v] of Object.entries(obj.matchLabels ?? {})) add(newRequirement(k, '=', [v]));
  for (const e of obj.matchExpressions ?? []) {
    const op = Object.hasOwn(exprOps, e.operator) ? exprOps[e.operator] : undefined;
    if (!op) throw Errors.badRequest(`${goQuote(String(e.operator))} is not a valid label selector operator`);
    add(newRequirement(e.key, op, [...(e.values ?? [])]));
  }
  return { requirements: reqs.sort(byKey) };
}

/** metav1.FormatLabelSelector, as the printers' SELECTOR column shows it. */
export function formatLabelSelector(obj: LabelSelectorObject | null | undefined): string {
  let sel: LabelSelector;
  try {
    sel = fromLabelSelectorObject(obj);
  } catch (e) {
    if (e instanceof StatusError) return '<error>';
    throw e;
  }
  return labelSelectorString(sel) || '<none>';
}
