// A batch of operations applied atomically by one `nft -f -`. As knftables'
// Transaction: each call validates its object and the first problem sticks;
// nothing throws while building, and run() reports the sticky error.
import { render, validate, type NftObject, type Operation, type Verb } from './objects.js';

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

  toString(): string {
    let s = '';
    for (const op of this.ops) s += render(this.family, this.table, op.verb, op.obj) + '\n';
    return s;
  }
}
