// Parses the script lines objects.ts renders back into operations, so a dump
// can seed a FakeNft (knftables' ParseDump). Only kubesvc's own dialect.
import type { BaseChain, Hook, NftObject, Operation, Verb } from './objects.js';

const COMMENT_TAIL = / comment "([^"]*)"$/;

function braceProps(s: string): Map<string, string> {
  const m = new Map<string, string>();
  const inner = s.trim().replace(/^\{\s*/, '').replace(/\s*\}$/, '');
  for (const part of inner.split(' ;').map((p) => p.trim()).filter(Boolean)) {
    const i = part.indexOf(' ');
    m.set(part.slice(0, i), part.slice(i + 1));
  }
  return m;
}

const unquote = (s: string | undefined): string | undefined => (s === undefined ? undefined : s.replace(/^"|"$/g, ''));

export function parseLine(line: string): { family: string; table: string; op: Operation } {
  const m = /^(add|create|flush|delete) (table|chain|rule|set|map|element) (\S+) (\S+)(?: (.*))?$/.exec(line.trim());
  if (!m) throw new Error(`nft parse: cannot parse ${JSON.stringify(line)}`);
  const [, verb, kind, family, table, rest = ''] = m;
  const nameAnd = (): [string, string] => {
    const i = rest.indexOf(' ');
    return i < 0 ? [rest, ''] : [rest.slice(0, i), rest.slice(i + 1)];
  };
  let obj: NftObject;
  switch (kind) {
    case 'table':
      obj = { kind: 'table', comment: unquote(braceProps(rest).get('comment')) };
      break;
    case 'chain': {
      const [name, p] = nameAnd();
      const props = braceProps(p);
      let base: BaseChain | undefined;
      const tm = /^(filter|nat) hook (\S+) priority (-?\d+)$/.exec(props.get('type') ?? '');
      if (tm) base = { type: tm[1] as BaseChain['type'], hook: tm[2] as Hook, priority: Number(tm[3]) };
      obj = { kind: 'chain', name, base, comment: unquote(props.get('comment')) };
      break;
    }
    case 'rule': {
      const [chain, r] = nameAnd();
      const cm = COMMENT_TAIL.exec(r);
      obj = { kind: 'rule', chain, rule: cm ? r.slice(0, cm.index) : r, comment: cm?.[1] };
      break;
    }
    case 'set':
    case 'map': {
      const [name, p] = nameAnd();
      const props = braceProps(p);
      const flags = props.get('flags')?.split(',');
      const timeout = props.get('timeout');
      if (props.has('typeof')) props.set('type', `typeof ${props.get('typeof')}`);
      obj = kind === 'set'
        ? { kind, name, type: props.get('type') ?? '', flags, timeout: timeout ? Number(timeout.replace(/s$/, '')) : undefined, comment: unquote(props.get('comment')) }
        : { kind, name, type: props.get('type') ?? '', flags, comment: unquote(props.get('comment')) };
      break;
    }
    default: {
      const [set, p] = nameAnd();
      const inner = p.trim().replace(/^\{\s*/, '').replace(/\s*\}$/, '');
      const ci = inner.indexOf(' : ');
      let key = ci < 0 ? inner : inner.slice(0, ci);
      const value = ci < 0 ? undefined : inner.slice(ci + 3);
      const cm = COMMENT_TAIL.exec(key);
      if (cm) key = key.slice(0, cm.index);
      obj = { kind: 'element', set, key, value, comment: cm?.[1] };
    }
  }
  if (obj.kind !== 'rule' && obj.kind !== 'element') Object.keys(obj).forEach((k) => (obj as any)[k] === undefined && delete (obj as any)[k]);
  if ('comment' in obj && obj.comment === undefined) delete obj.comment;
  if (obj.kind === 'element' && obj.value === undefined) delete obj.value;
  return { family, table, op: { verb: verb as Verb, obj } };
}

export function parseScript(script: string): { family: string; table: string; op: Operation }[] {
  return script.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#')).map(parseLine);
}
