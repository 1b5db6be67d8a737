// A batch of operations applied atomically by one `nft -f -`. As knftables'
// Transaction: each call validates its object and the first problem sticks;
// nothing throws while building, and run() reports the sticky error.
import { elementItem, render, validate, type NftObject, type Operation, type Verb } from './objects.js';

const ELEMENTS_PER_LINE = 1000;

export class Transaction {
  readonly ops: Operation[] = [];
  private err: Error | undefined;

  constructor(readonly family: string, readonly table: string) {}

  add(obj: NftObject): this { return this.push('add', obj); }
  create(obj: NftObject): this { return this.push('create', obj); }
  flush(obj: NftObject): this { return this.push('flush', obj); }
  delete(obj: NftObject): this { return this.push('delete', obj); }

  private push(verb: Verb, obj: NftObject): this {
    if (this.err) return this;
    const problem = validate(verb, obj);
    if (problem) this.err = new Error(`nft transaction: ${verb} ${obj.kind}: ${problem}`);
    else this.ops.push({ verb, obj });
    return this;
  }

  get error(): Error | undefined { return this.err; }

  numOperations(): number { return this.ops.length; }

  /**
   * The `nft -f` script. Runs of element operations on one set share a line
   * (`add element … { a, b, … }`): nft 1.0.6 evaluates each command against
   * its cache, so one command per element makes a 100k-element load slow.
   */
  toString(): string {
    let s = '';
    for (let i = 0; i < this.ops.length;) {
      const op = this.ops[i];
      const o = op.obj;
      if (o.kind !== 'element' || (op.verb !== 'add' && op.verb !== 'delete')) { s += render(this.family, this.table, op.verb, o) + '\n'; i++; continue; }
      let line = `${op.verb} element ${this.family} ${this.table} ${o.set} { `;
      for (let k = 0; i < this.ops.length && k < ELEMENTS_PER_LINE; i++, k++) {
        const n = this.ops[i], e = n.obj;
        if (n.verb !== op.verb || e.kind !== 'element' || e.set !== o.set) break;
        line += (k ? ', ' : '') + elementItem(n.verb, e);
      }
      s += line + ' }\n';
    }
    return s;
  }
}
