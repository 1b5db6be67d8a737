// The nftables objects kubesvc writes, as plain data (knftables' Table, Chain,
// Rule, Set, Map, Element), and their rendering as `nft -f` script text.
// Every object lives in one family/table, fixed per NftInterface.

export type Hook = 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting';

export interface BaseChain {
  type: 'filter' | 'nat';
  hook: Hook;
  priority: number;
}

export type NftObject =
  | { kind: 'table'; comment?: string }
  | { kind: 'chain'; name: string; base?: BaseChain; comment?: string }
  | { kind: 'rule'; chain: string; rule: string; comment?: string }
  | { kind: 'set'; name: string; type: string; flags?: string[]; timeout?: number; comment?: string }
  | { kind: 'map'; name: string; type: string; flags?: string[]; comment?: string }
  | { kind: 'element'; set: string; key: string; value?: string; comment?: string };

export type Verb = 'add' | 'create' | 'flush' | 'delete';

export interface Operation {
  verb: Verb;
  obj: NftObject;
}

/** nft's limits: names are NFT_NAME_MAXLEN-1 bytes, comments NFTNL_UDATA_COMMENT_MAXLEN. */
export const NAME_MAX = 255;
export const COMMENT_MAX = 128;

const NAME_RE = /^[A-Za-z][A-Za-z0-9/\-_.]*$/;

const q = (s: string): string => `"${s}"`;

/** Set names already validated for elements: a sync adds 100k elements to a handful of sets. */
const goodElementSets = new Set<string>();

export function validate(verb: Verb, o: NftObject): string | undefined {
  if (o.kind === 'element' && verb !== 'flush' && o.key && goodElementSets.has(o.set) && (o.comment === undefined || (o.comment.length <= COMMENT_MAX && !o.comment.includes('"')))) return undefined;
  const problem = validateSlow(verb, o);
  if (!problem && o.kind === 'element' && goodElementSets.size < 1024) goodElementSets.add(o.set);
  return problem;
}

function validateSlow(verb: Verb, o: NftObject): string | undefined {
  const name = o.kind === 'table' ? undefined : o.kind === 'rule' ? o.chain : o.kind === 'element' ? o.set : o.name;
  if (name !== undefined && (name.length > NAME_MAX || !NAME_RE.test(name))) return `invalid ${o.kind} name ${JSON.stringify(name)}`;
  if ('comment' in o && o.comment !== undefined && (o.comment.length > COMMENT_MAX || o.comment.includes('"'))) return `invalid comment ${JSON.stringify(o.comment)}`;
  if (o.kind === 'rule' && (verb !== 'add' || !o.rule.trim())) return `rule: only non-empty "add" is supported`;
  if (o.kind === 'element' && !o.key) return `element of ${o.set}: empty key`;
  if (o.kind === 'element' && verb === 'flush') return `element: flush is not a verb for elements`;
  if (o.kind === 'table' && verb === 'create') return undefined;
  return undefined;
}

function props(parts: (string | undefined)[]): string {
  const p = parts.filter((x): x is string => !!x);
  return p.length ? ` { ${p.map((x) => `${x} ;`).join(' ')} }` : '';
}

/** One line of an `nft -f` script. */
export function render(family: string, table: string, verb: Verb, o: NftObject): string {
  const t = `${family} ${table}`;
  const c = (s?: string): string | undefined => (s !== undefined ? `comment ${q(s)}` : undefined);
  switch (o.kind) {
    case 'table':
      return `${verb} table ${t}${verb === 'add' || verb === 'create' ? props([c(o.comment)]) : ''}`;
    case 'chain': {
      if (verb !== 'add' && verb !== 'create') return `${verb} chain ${t} ${o.name}`;
      const b = o.base ? `type ${o.base.type} hook ${o.base.hook} priority ${o.base.priority}` : undefined;
      return `${verb} chain ${t} ${o.name}${props([b, c(o.comment)])}`;
    }
    case 'rule':
      return `add rule ${t} ${o.chain} ${o.rule}${o.comment !== undefined ? ` comment ${q(o.comment)}` : ''}`;
    case 'set':
    case 'map': {
      if (verb !== 'add' && verb !== 'create') return `${verb} ${o.kind} ${t} ${o.name}`;
      const flags = o.flags?.length ? `flags ${o.flags.join(',')}` : undefined;
      const timeout = o.kind === 'set' && o.timeout !== undefined ? `timeout ${o.timeout}s` : undefined;
      const type = o.type.startsWith('typeof ') ? o.type : `type ${o.type}`;
      return `${verb} ${o.kind} ${t} ${o.name}${props([type, flags, timeout, c(o.comment)])}`;
    }
    case 'element':
      return `${verb} element ${t} ${o.set} { ${elementItem(verb, o)} }`;
  }
}

/** What goes between the braces of an element command. */
export function elementItem(verb: Verb, o: Extract<NftObject, { kind: 'element' }>): string {
  if (verb === 'delete') return o.key;
  let s = o.key;
  if (o.comment !== undefined) s += ` comment "${o.comment}"`;
  if (o.value !== undefined) s += ` : ${o.value}`;
  return s;
}
