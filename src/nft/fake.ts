// FakeNft: an in-memory model of one nftables table, faithful to the kernel
// where kubesvc depends on it. A transaction applies to a copy and commits only
// if every operation succeeds; jumps, gotos, @set references and verdict-map
// values must name existing objects; a chain or set still in use cannot be
// deleted; a map key cannot be re-added with a different value.
import { NftError } from './errors.js';
import type { ListKind, NftInterface } from './interface.js';
import { render, type BaseChain, type NftObject, type Operation } from './objects.js';
import { parseScript } from './parse.js';
import { Transaction } from './transaction.js';

export interface FakeRule { rule: string; comment?: string }
export interface FakeChain { name: string; base?: BaseChain; comment?: string; rules: FakeRule[] }
export interface FakeElement { key: string; value?: string; comment?: string }
export interface FakeSet {
  kind: 'set' | 'map';
  name: string;
  type: string;
  flags?: string[];
  timeout?: number;
  comment?: string;
  elements: Map<string, FakeElement>;
}

export interface FakeTable {
  comment?: string;
  chains: Map<string, FakeChain>;
  sets: Map<string, FakeSet>;
  /** How many rules/elements reference each chain or set. */
  refs: Map<string, number>;
}

const chainRefs = (text: string): string[] => [...text.matchAll(/\b(?:jump|goto) ([^\s,}]+)/g)].map((m) => `chain:${m[1]}`);
const setRefs = (text: string): string[] => [...text.matchAll(/@([^\s,}]+)/g)].map((m) => `set:${m[1]}`);
const refsOf = (text: string): string[] => [...chainRefs(text), ...setRefs(text)];

export class FakeNft implements NftInterface {
  readonly family: string;
  /** The modelled kernel state; undefined while the table does not exist. */
  state: FakeTable | undefined;
  lastTransaction: Transaction | undefined;
  /** Set to make the next run fail (simulating a kernel error). */
  failNext: Error | undefined;

  constructor(readonly table: string, family = 'ip') {
    this.family = family;
  }

  newTransaction(): Transaction {
    return new Transaction(this.family, this.table);
  }

  async run(tx: Transaction): Promise<void> {
    this.lastTransaction = tx;
    if (tx.error) throw new NftError('Invalid', tx.error.message);
    if (this.failNext) {
      const e = this.failNext;
      this.failNext = undefined;
      throw e;
    }
    this.state = applyOps(this.state, tx.ops);
  }

  async list(kind: ListKind): Promise<string[]> {
    if (!this.state) return [];
    if (kind === 'chains') return [...this.state.chains.keys()];
    return [...this.state.sets.values()].filter((s) => s.kind === kind.slice(0, -1)).map((s) => s.name);
  }

  /** The table as `nft -f` lines in a canonical order (table, chains, sets, rules, elements). */
  dump(): string {
    const t = this.state;
    if (!t) return '';
    const r = (o: NftObject): string => render(this.family, this.table, 'add', o);
    const lines = [r({ kind: 'table', ...(t.comment !== undefined ? { comment: t.comment } : {}) })];
    const chains = [...t.chains.values()].sort((a, b) => cmp(a.name, b.name));
    const sets = [...t.sets.values()].sort((a, b) => cmp(a.name, b.name));
    for (const c of chains) lines.push(r({ kind: 'chain', name: c.name, base: c.base, comment: c.comment }));
    for (const s of sets) lines.push(r(s.kind === 'set' ? { kind: 'set', name: s.name, type: s.type, flags: s.flags, timeout: s.timeout, comment: s.comment } : { kind: 'map', name: s.name, type: s.type, flags: s.flags, comment: s.comment }));
    for (const c of chains) for (const rule of c.rules) lines.push(r({ kind: 'rule', chain: c.name, ...rule }));
    for (const s of sets) for (const e of [...s.elements.values()].sort((a, b) => cmp(a.key, b.key))) lines.push(r({ kind: 'element', set: s.name, ...e }));
    return lines.join('\n') + '\n';
  }

  /** Replaces the state with a dump's content (as if the kernel held it). */
  parseDump(text: string): void {
    const tx = this.newTransaction();
    for (const { op } of parseScript(text)) tx[op.verb](op.obj);
    if (tx.error) throw tx.error;
    this.state = applyOps(undefined, tx.ops);
  }

  /** Rule and element counts, for metrics and tests. */
  counts(): { chains: number; rules: number; elements: number } {
    const t = this.state;
    if (!t) return { chains: 0, rules: 0, elements: 0 };
    let rules = 0, elements = 0;
    for (const c of t.chains.values()) rules += c.rules.length;
    for (const s of t.sets.values()) elements += s.elements.size;
    return { chains: t.chains.size, rules, elements };
  }
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function fail(code: NftError['code'], op: Operation, why: string): never {
  throw new NftError(code, `${op.verb} ${op.obj.kind}: ${why}`);
}

/** Applies ops to a copy-on-write clone; throws without touching `orig` on any failure. */
function applyOps(orig: FakeTable | undefined, ops: Operation[]): FakeTable | undefined {
  let t: FakeTable | undefined = orig && { comment: orig.comment, chains: new Map(orig.chains), sets: new Map(orig.sets), refs: new Map(orig.refs) };
  const ownChains = new Set<string>(), ownSets = new Set<string>();
  const chainFor = (name: string): FakeChain | undefined => {
    const c = t!.chains.get(name);
    if (!c || ownChains.has(name)) return c;
    const copy = { ...c, rules: [...c.rules] };
    t!.chains.set(name, copy);
    ownChains.add(name);
    return copy;
  };
  const setFor = (name: string): FakeSet | undefined => {
    const s = t!.sets.get(name);
    if (!s || ownSets.has(name)) return s;
    const copy = { ...s, elements: new Map(s.elements) };
    t!.sets.set(name, copy);
    ownSets.add(name);
    return copy;
  };
  const ref = (keys: string[], d: number): void => {
    for (const k of keys) {
      const n = (t!.refs.get(k) ?? 0) + d;
      if (n) t!.refs.set(k, n);
      else t!.refs.delete(k);
    }
  };
  const checkRefs = (op: Operation, text: string): void => {
    for (const k of refsOf(text)) {
      const [kind, name] = [k.slice(0, k.indexOf(':')), k.slice(k.indexOf(':') + 1)];
      if (kind === 'chain' ? !t!.chains.has(name) : !t!.sets.has(name)) fail('NotFound', op, `${kind} ${name} does not exist`);
    }
  };

  for (const op of ops) {
    const o = op.obj;
    if (o.kind === 'table') {
      if (op.verb === 'add' || op.verb === 'create') {
        if (t && op.verb === 'create') fail('AlreadyExists', op, 'table exists');
        if (!t) t = { comment: o.comment, chains: new Map(), sets: new Map(), refs: new Map() };
        else if (o.comment !== undefined) t.comment = o.comment;
      } else if (!t) fail('NotFound', op, 'no table');
      else if (op.verb === 'delete') t = undefined;
      else for (const name of [...t.chains.keys()]) flushChain(name);
      continue;
    }
    if (!t) fail('NotFound', op, 'no table');
    switch (o.kind) {
      case 'chain': {
        const c = t.chains.get(o.name);
        if (op.verb === 'add' || op.verb === 'create') {
          if (c && op.verb === 'create') fail('AlreadyExists', op, `chain ${o.name} exists`);
          if (c && JSON.stringify(c.base) !== JSON.stringify(o.base)) fail('Invalid', op, `chain ${o.name} exists with another hook`);
          if (!c) { t.chains.set(o.name, { name: o.name, base: o.base, comment: o.comment, rules: [] }); ownChains.add(o.name); }
        } else if (!c) fail('NotFound', op, `chain ${o.name}`);
        else if (op.verb === 'flush') flushChain(o.name);
        else {
          if (c.rules.length || t.refs.get(`chain:${o.name}`)) fail('Busy', op, `chain ${o.name} is not empty or still referenced`);
          t.chains.delete(o.name);
        }
        break;
      }
      case 'rule': {
        const c = chainFor(o.chain) ?? fail('NotFound', op, `chain ${o.chain}`);
        checkRefs(op, o.rule);
        c.rules.push(o.comment !== undefined ? { rule: o.rule, comment: o.comment } : { rule: o.rule });
        ref(refsOf(o.rule), 1);
        break;
      }
      case 'set':
      case 'map': {
        const s = t.sets.get(o.name);
        if (op.verb === 'add' || op.verb === 'create') {
          if (s && op.verb === 'create') fail('AlreadyExists', op, `${o.kind} ${o.name} exists`);
          const timeout = o.kind === 'set' ? o.timeout : undefined;
          if (s && (s.kind !== o.kind || s.type !== o.type || s.timeout !== timeout || (s.flags ?? []).join() !== (o.flags ?? []).join())) fail('AlreadyExists', op, `${o.kind} ${o.name} exists with another definition`);
          if (!s) { t.sets.set(o.name, { kind: o.kind, name: o.name, type: o.type, flags: o.flags, timeout, comment: o.comment, elements: new Map() }); ownSets.add(o.name); }
        } else if (!s || s.kind !== o.kind) fail('NotFound', op, `${o.kind} ${o.name}`);
        else if (op.verb === 'flush') flushSet(o.name);
        else {
          if (t.refs.get(`set:${o.name}`)) fail('Busy', op, `${o.kind} ${o.name} is still referenced`);
          flushSet(o.name);
          t.sets.delete(o.name);
        }
        break;
      }
      case 'element': {
        const s = setFor(o.set) ?? fail('NotFound', op, `set ${o.set}`);
        const old = s.elements.get(o.key);
        if (op.verb === 'delete') {
          if (!old) fail('NotFound', op, `element ${o.key} of ${o.set}`);
          if (old.value) ref(chainRefs(old.value), -1);
          s.elements.delete(o.key);
          break;
        }
        const [keyType, valueType] = s.type.split(' : ');
        if (keyType.split(' . ').length !== o.key.split(' . ').length) fail('Invalid', op, `key ${o.key} does not match type ${keyType}`);
        if ((s.kind === 'map') !== (o.value !== undefined)) fail('Invalid', op, `${s.kind} ${o.set}: value ${o.value ?? '(none)'}`);
        if (valueType === 'verdict' && o.value && !/^(drop|accept|return|(goto|jump) \S+)$/.test(o.value)) fail('Invalid', op, `bad verdict ${o.value}`);
        if (o.value) checkRefs(op, o.value);
        if (old) {
          if (op.verb === 'create') fail('AlreadyExists', op, `element ${o.key}`);
          if (old.value !== o.value) fail('AlreadyExists', op, `element ${o.key} of ${o.set} has another value`);
          break;
        }
        s.elements.set(o.key, { key: o.key, ...(o.value !== undefined ? { value: o.value } : {}), ...(o.comment !== undefined ? { comment: o.comment } : {}) });
        if (o.value) ref(chainRefs(o.value), 1);
        break;
      }
    }
  }
  return t;

  function flushChain(name: string): void {
    const c = chainFor(name)!;
    for (const r of c.rules) ref(refsOf(r.rule), -1);
    c.rules = [];
  }
  function flushSet(name: string): void {
    const s = setFor(name)!;
    for (const e of s.elements.values()) if (e.value) ref(chainRefs(e.value), -1);
    s.elements = new Map();
  }
}
