// A batch of operations applied atomically by one `nft -f -`. As knftables'
// Transaction: each call validates its object and the first problem sticks;
// nothing throws while building, and run() reports the sticky error.
import { elementItem, render, validate, type NftObject, type Operation, type Verb } from './objects.js';

const ELEMENTS_PER_LINE = 1000;

type ElementObject = Extract<NftObject, { kind: 'element' }>;
/** A run of element operations with one verb, kept as the caller's array: a full sync has 100k+ of them. */
interface ElementRun { verb: 'add' | 'delete'; elements: readonly ElementObject[] }
type Entry = Operation | ElementRun;
const isRun = (e: Entry): e is ElementRun => 'elements' in e;

export class Transaction {
  private readonly entries: Entry[] = [];
  private n = 0;
  private flat: Operation[] | undefined;
  private err: Error | undefined;

  constructor(readonly family: string, readonly table: string) {}

  add(obj: NftObject): this { return this.push('add', obj); }
  create(obj: NftObject): this { return this.push('create', obj); }
  flush(obj: NftObject): this { return this.push('flush', obj); }
  delete(obj: NftObject): this { return this.push('delete', obj); }

  /** Adds or deletes many elements at once; the same as one add()/delete() each, without an Operation apiece. */
  elements(verb: 'add' | 'delete', elements: readonly ElementObject[]): this {
    if (this.err || !elements.length) return this;
    for (const e of elements) {
      const problem = validate(verb, e);
      if (problem) { this.err = new Error(`nft transaction: ${verb} element: ${problem}`); return this; }
    }
    this.entries.push({ verb, elements });
    this.n += elements.length;
    this.flat = undefined;
    return this;
  }

  private push(verb: Verb, obj: NftObject): this {
    if (this.err) return this;
    const problem = validate(verb, obj);
    if (problem) this.err = new Error(`nft transaction: ${verb} ${obj.kind}: ${problem}`);
    else { this.entries.push({ verb, obj }); this.n++; this.flat = undefined; }
    return this;
  }

  /** Every operation in order, one per object. */
  get ops(): Operation[] {
    if (!this.flat) {
      this.flat = [];
      for (const e of this.entries) {
        if (!isRun(e)) this.flat.push(e);
        else for (const obj of e.elements) this.flat.push({ verb: e.verb, obj });
      }
    }
    return this.flat;
  }

  get error(): Error | undefined { return this.err; }

  numOperations(): number { return this.n; }

  /**
   * The `nft -f` script. Runs of element operations on one set share a line
   * (`add element … { a, b, … }`): nft 1.0.6 evaluates each command against
   * its cache, so one command per element makes a 100k-element load slow.
   */
  toString(): string { return [...this.lines()].join(''); }

  /** The script line by line (each ends in a newline), for writing it out as it is rendered. */
  *lines(): IterableIterator<string> {
    const items: string[] = [];
    let open: { verb: string; set: string } | undefined;
    const close = (): string => {
      const line = `${open!.verb} element ${this.family} ${this.table} ${open!.set} { ${items.join(', ')} }\n`;
      items.length = 0;
      open = undefined;
      return line;
    };
    for (const entry of this.entries) {
      const verb = entry.verb;
      const list: readonly NftObject[] = isRun(entry) ? entry.elements : [entry.obj];
      for (const o of list) {
        if (o.kind !== 'element' || (verb !== 'add' && verb !== 'delete')) {
          if (open) yield close();
          yield render(this.family, this.table, verb, o) + '\n';
          continue;
        }
        // join() builds one flat string per line: no rope of 100k pieces for the GC to trace.
        if (open && (open.verb !== verb || open.set !== o.set || items.length >= ELEMENTS_PER_LINE)) yield close();
        open ??= { verb, set: o.set };
        items.push(elementItem(verb, o));
      }
    }
    if (open) yield close();
  }
}
