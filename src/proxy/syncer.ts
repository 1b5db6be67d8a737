// Turns fragment changes into ONE transaction. It mirrors what it last wrote
// (fragments and map elements, as kube-proxy's nftElementStorage), so a partial
// sync touches only changed Services and an unchanged one costs no operations.
// A full sync re-declares everything, flushes what the kernel holds, and
// removes leftovers it finds there, converging from any previous state.
// Shared chains (the pick-N chains) are reference-counted over fragments:
// written when the first fragment wants one, deleted after the last leaves.
import type { NftInterface } from '../nft/interface.js';
import type { NftObject } from '../nft/objects.js';
import type { Transaction } from '../nft/transaction.js';
import { sameRules, type ChainSpec, type ElementSpec, type Fragment, type SetSpec } from './fragment.js';

export interface SyncStats { full: boolean; operations: number; chains: number; rules: number; elements: number }

const chainObj = (c: ChainSpec): NftObject => ({ kind: 'chain', name: c.name, ...(c.base ? { base: c.base } : {}), ...(c.comment !== undefined ? { comment: c.comment } : {}) });
const setObj = (s: SetSpec): NftObject => s.kind === 'set'
  ? { kind: 'set', name: s.name, type: s.type, flags: s.flags, timeout: s.timeout, comment: s.comment }
  : { kind: 'map', name: s.name, type: s.type, flags: s.flags, comment: s.comment };
const keyOnly = (e: ElementSpec): ElementSpec => ({ kind: 'element', set: e.set, key: e.key });

/**
 * Who wants one element: the claims (fragment elements, by identity) in arrival
 * order; the first is what the kernel holds. A single claim is stored bare, so
 * the common case allocates nothing. Identity, not owner names, says whose claim
 * is whose: an owner's claims are exactly the elements of its stored fragment.
 */
type Want = ElementSpec | ElementSpec[];
const firstOf = (w: Want | undefined): ElementSpec | undefined => (Array.isArray(w) ? w[0] : w);
/** Adds a claim; mutates `w` only when it is an array the caller owns. */
function withClaim(w: Want | undefined, e: ElementSpec): Want {
  if (w === undefined) return e;
  if (Array.isArray(w)) { w.push(e); return w; }
  return [w, e];
}
function withoutClaim(w: Want | undefined, e: ElementSpec): Want | undefined {
  if (!Array.isArray(w)) return w === e ? undefined : w;
  const rest = w.filter((x) => x !== e);
  return rest.length > 1 ? rest : rest[0];
}

/** Element operations grouped by set: nft evaluates each command on its own, so one line per set run is much cheaper. */
class ElementOps {
  readonly bySet = new Map<string, ElementSpec[]>();
  push(set: string, o: ElementSpec): void {
    const l = this.bySet.get(set);
    if (l) l.push(o);
    else this.bySet.set(set, [o]);
  }
}

/** Set → element key → who wants it. Nested, not `set + key` strings: a full sync holds 170k keys. */
class Wanted {
  readonly bySet = new Map<string, Map<string, Want>>();
  private n = 0;
  get size(): number { return this.n; }
  get(set: string, key: string): Want | undefined { return this.bySet.get(set)?.get(key); }
  set(set: string, key: string, w: Want | undefined): void {
    let m = this.bySet.get(set);
    if (!m) this.bySet.set(set, (m = new Map()));
    const had = m.has(key);
    if (w) { m.set(key, w); if (!had) this.n++; } else if (had) { m.delete(key); this.n--; }
  }
  /** Adds a claim (the first keeps the kernel's value); true when an earlier one has another value. */
  add(e: ElementSpec): boolean {
    let m = this.bySet.get(e.set);
    if (!m) this.bySet.set(e.set, (m = new Map()));
    const w = m.get(e.key);
    if (w === undefined) { m.set(e.key, e); this.n++; return false; }
    const n = withClaim(w, e);
    if (n !== w) m.set(e.key, n);
    return firstOf(n)!.value !== e.value;
  }
}
const dynamic = (s: SetSpec): boolean => (s.flags ?? []).includes('dynamic');

/** Operations in the order the kernel needs: declarations, flushes, element deletes, rules, element adds, deletes. */
class Phases {
  readonly sets: NftObject[] = [];
  readonly chains: NftObject[] = [];
  readonly flushes: NftObject[] = [];
  readonly elemDeletes = new ElementOps();
  readonly rules: NftObject[] = [];
  readonly elemAdds = new ElementOps();
  readonly chainDeletes: NftObject[] = [];
  readonly setDeletes: NftObject[] = [];

  addRules(c: ChainSpec): void {
    for (const r of c.rules) this.rules.push({ kind: 'rule', chain: c.name, ...r });
  }

  emit(tx: Transaction): void {
    for (const o of this.sets) tx.add(o);
    for (const o of this.chains) tx.add(o);
    for (const o of this.flushes) tx.flush(o);
    for (const l of this.elemDeletes.bySet.values()) tx.elements('delete', l);
    for (const o of this.rules) tx.add(o);
    for (const l of this.elemAdds.bySet.values()) tx.elements('add', l);
    for (const o of this.chainDeletes) tx.delete(o);
    for (const o of this.setDeletes) tx.delete(o);
  }
}

export class Syncer {
  private fragments = new Map<string, Fragment>();
  /** Element → owners that want it; the first owner's value is what the kernel holds. */
  private wanted = new Wanted();
  /** Shared chain → how many fragments want it. */
  private shared = new Map<string, { spec: ChainSpec; n: number }>();
  private recreate = false;
  private nChains = 0;
  private nRules = 0;
  lastStats: SyncStats | undefined;

  constructor(private readonly nft: NftInterface, private readonly tableComment = 'rules for kubesvc services') {}

  fragment(owner: string): Fragment | undefined { return this.fragments.get(owner); }

  /** Rewrites the table from `all` (every owner's fragment), whatever the kernel holds. */
  async full(all: Map<string, Fragment>): Promise<SyncStats> {
    const recreate = this.recreate;
    const [chains, sets, maps] = recreate ? [[], [], []] : await Promise.all([this.nft.list('chains'), this.nft.list('sets'), this.nft.list('maps')]);
    const shared = countShared(all.values());
    // Optimistic: every claim is written, and the element index is built while nft parses
    // (most of a full sync's time). Repeated keys are rare and the kernel settles them as
    // the index does (the first of equal values stays); only different values for one key
    // fail the batch, and then the deduplicated one follows.
    let tx = this.fullTransaction(all, shared, { chains, sets, maps, recreate });
    const running = this.nft.run(tx).then(() => undefined, (e: unknown) => e);
    const wanted = new Wanted();
    let conflict = false, n = 0;
    for (const f of all.values()) {
      for (const e of f.elements) if (wanted.add(e)) conflict = true;
      // Let the event loop go on feeding nft's stdin: nft starts work only at end of input.
      if (++n % 256 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    let err = await running;
    if (err !== undefined && conflict) {
      tx = this.fullTransaction(all, shared, { chains, sets, maps, recreate }, wanted);
      err = await this.nft.run(tx).then(() => undefined, (e: unknown) => e);
    }
    if (err !== undefined) {
      this.recreate = true;
      throw err;
    }
    this.recreate = false;
    this.fragments = new Map(all);
    this.shared = shared;
    this.nChains = 0;
    this.nRules = 0;
    for (const f of all.values()) this.count(f, 1);
    for (const { spec } of shared.values()) this.count({ chains: [spec], sets: [], elements: [] }, 1);
    this.wanted = wanted;
    return this.stats(true, tx);
  }

  /** A full sync's transaction: every claim, or with `dedup` only each key's first. */
  private fullTransaction(all: Map<string, Fragment>, shared: Map<string, { spec: ChainSpec; n: number }>,
    kernel: { chains: string[]; sets: string[]; maps: string[]; recreate: boolean }, dedup?: Wanted): Transaction {
    const { chains, sets, maps, recreate } = kernel;
    const inKernel = new Set([...chains, ...sets, ...maps]);
    const tx = this.nft.newTransaction();
    tx.add({ kind: 'table', comment: this.tableComment });
    if (recreate) tx.delete({ kind: 'table' }).add({ kind: 'table', comment: this.tableComment });
    const ph = new Phases();
    const desiredNames = new Set<string>();
    for (const f of all.values()) {
      for (const s of f.sets) {
        desiredNames.add(s.name);
        ph.sets.push(setObj(s));
        if (inKernel.has(s.name) && !dynamic(s)) ph.flushes.push({ kind: s.kind, name: s.name } as NftObject);
      }
      for (const c of f.chains) {
        desiredNames.add(c.name);
        ph.chains.push(chainObj(c));
        if (inKernel.has(c.name)) ph.flushes.push({ kind: 'chain', name: c.name });
        ph.addRules(c);
      }
      if (!dedup) for (const e of f.elements) ph.elemAdds.push(e.set, e);
    }
    if (dedup) for (const [set, m] of dedup.bySet) for (const w of m.values()) ph.elemAdds.push(set, firstOf(w)!);
    for (const { spec: c } of shared.values()) {
      desiredNames.add(c.name);
      ph.chains.push(chainObj(c));
      if (inKernel.has(c.name)) ph.flushes.push({ kind: 'chain', name: c.name });
      ph.addRules(c);
    }
    for (const name of chains) if (!desiredNames.has(name)) { ph.flushes.push({ kind: 'chain', name }); ph.chainDeletes.push({ kind: 'chain', name }); }
    for (const name of sets) if (!desiredNames.has(name)) ph.setDeletes.push({ kind: 'set', name, type: '' });
    for (const name of maps) if (!desiredNames.has(name)) ph.setDeletes.push({ kind: 'map', name, type: '' });
    // Leftover maps may reference leftover chains: empty them before the chain deletes.
    for (const o of ph.setDeletes) ph.flushes.push(o);
    ph.emit(tx);
    return tx;
  }

  /** Writes only the differences for the owners in `updates` (undefined: owner gone). */
  async partial(updates: Map<string, Fragment | undefined>): Promise<SyncStats> {
    const ph = new Phases();
    // Copy-on-write: the keys this sync touches, with their owners after it (undefined: none).
    const wanted = new Map<string, Map<string, Want | undefined>>();
    const touched = (set: string): Map<string, Want | undefined> => {
      let m = wanted.get(set);
      if (!m) wanted.set(set, (m = new Map()));
      return m;
    };
    const working = (m: Map<string, Want | undefined>, set: string, key: string): Want | undefined => {
      if (m.has(key)) return m.get(key);
      const w = this.wanted.get(set, key);
      return Array.isArray(w) ? [...w] : w;
    };
    for (const [owner, next] of updates) {
      const prev = this.fragments.get(owner);
      diffChains(ph, prev?.chains ?? [], next?.chains ?? []);
      diffSets(ph, prev?.sets ?? [], next?.sets ?? []);
      for (const e of prev?.elements ?? []) { const m = touched(e.set); m.set(e.key, withoutClaim(working(m, e.set, e.key), e)); }
      for (const e of next?.elements ?? []) { const m = touched(e.set); m.set(e.key, withClaim(working(m, e.set, e.key), e)); }
    }
    const shared = new Map<string, { spec: ChainSpec; n: number }>();
    const bump = (c: ChainSpec, d: number): void => {
      let e = shared.get(c.name);
      if (!e) { const cur = this.shared.get(c.name); e = { spec: cur?.spec ?? c, n: cur?.n ?? 0 }; shared.set(c.name, e); }
      e.n += d;
    };
    for (const [owner, next] of updates) {
      for (const c of this.fragments.get(owner)?.shared ?? []) bump(c, -1);
      for (const c of next?.shared ?? []) bump(c, 1);
    }
    for (const [name, e] of shared) {
      const before = this.shared.get(name)?.n ?? 0;
      if (!before && e.n > 0) { ph.chains.push(chainObj(e.spec)); ph.addRules(e.spec); }
      if (before > 0 && e.n <= 0) { ph.flushes.push({ kind: 'chain', name }); ph.chainDeletes.push({ kind: 'chain', name }); }
    }
    for (const [set, m] of wanted) {
      for (const [key, w] of m) {
        const want = firstOf(w), have = firstOf(this.wanted.get(set, key));
        if (want && have && want.value === have.value && want.comment === have.comment) continue;
        if (have) ph.elemDeletes.push(set, keyOnly(have));
        if (want) ph.elemAdds.push(set, want);
      }
    }
    const tx = this.nft.newTransaction();
    ph.emit(tx);
    await this.nft.run(tx);
    for (const [owner, next] of updates) {
      const prev = this.fragments.get(owner);
      if (prev) this.count(prev, -1);
      if (next) this.count(next, 1);
      if (next) this.fragments.set(owner, next);
      else this.fragments.delete(owner);
    }
    for (const [set, m] of wanted) for (const [key, w] of m) this.wanted.set(set, key, w);
    for (const [name, e] of shared) {
      const before = this.shared.get(name)?.n ?? 0;
      if (!before && e.n > 0) this.count({ chains: [e.spec], sets: [], elements: [] }, 1);
      if (before > 0 && e.n <= 0) this.count({ chains: [e.spec], sets: [], elements: [] }, -1);
      if (e.n > 0) this.shared.set(name, e);
      else this.shared.delete(name);
    }
    return this.stats(false, tx);
  }

  private count(f: Fragment, sign: number): void {
    this.nChains += sign * f.chains.length;
    for (const c of f.chains) this.nRules += sign * c.rules.length;
  }

  private stats(full: boolean, tx: Transaction): SyncStats {
    this.lastStats = { full, operations: tx.numOperations(), chains: this.nChains, rules: this.nRules, elements: this.wanted.size };
    return this.lastStats;
  }
}

function countShared(fs: Iterable<Fragment>): Map<string, { spec: ChainSpec; n: number }> {
  const m = new Map<string, { spec: ChainSpec; n: number }>();
  for (const f of fs) {
    for (const c of f.shared ?? []) {
      const e = m.get(c.name);
      if (e) e.n++;
      else m.set(c.name, { spec: c, n: 1 });
    }
  }
  return m;
}


function diffChains(ph: Phases, prev: ChainSpec[], next: ChainSpec[]): void {
  const old = new Map(prev.map((c) => [c.name, c]));
  const now = new Set<string>();
  for (const c of next) {
    now.add(c.name);
    const o = old.get(c.name);
    if (!o) {
      ph.chains.push(chainObj(c));
      ph.addRules(c);
    } else if (!sameRules(o.rules, c.rules)) {
      ph.flushes.push({ kind: 'chain', name: c.name });
      ph.addRules(c);
    }
  }
  for (const c of prev) {
    if (now.has(c.name)) continue;
    ph.flushes.push({ kind: 'chain', name: c.name });
    ph.chainDeletes.push({ kind: 'chain', name: c.name });
  }
}

function diffSets(ph: Phases, prev: SetSpec[], next: SetSpec[]): void {
  const old = new Map(prev.map((s) => [s.name, s]));
  const now = new Set<string>();
  for (const s of next) {
    now.add(s.name);
    const o = old.get(s.name);
    // Set names hash everything immutable (the timeout), so a same-named set is the same set.
    if (o) continue;
    ph.sets.push(setObj(s));
  }
  for (const s of prev) if (!now.has(s.name)) ph.setDeletes.push(setObj(s));
}
