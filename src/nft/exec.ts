// ExecNft pipes each large transaction's script to one `nft -f -` (inside a
// named network namespace through `ip netns exec` when asked), and small ones
// to a long-lived `nft -i` (session.ts), which spares each of them the cost of
// an nft process exiting. Either way a transaction is one kernel batch, so a
// sync is all-or-nothing.
import { spawn } from 'node:child_process';
import { NftError, codeFromStderr } from './errors.js';
import type { ListKind, NftInterface } from './interface.js';
import { NftSession } from './session.js';
import { Transaction } from './transaction.js';

/** Beyond this, one-shot `nft -f`: a long-lived nft would keep the memory a big parse takes. */
const SESSION_MAX_OPERATIONS = 2000;

export interface ExecNftOptions {
  family?: string;
  table: string;
  netns?: string;
  nftPath?: string;
}

export class ExecNft implements NftInterface {
  readonly family: string;
  readonly table: string;

  private readonly session: NftSession;

  constructor(private readonly o: ExecNftOptions) {
    this.family = o.family ?? 'ip';
    this.table = o.table;
    const [cmd, ...argv] = this.inNetns(['sh', '-c', 'exec "$0" -i 2>&1', o.nftPath ?? 'nft']);
    this.session = new NftSession(cmd, argv);
  }

  /** argv run in the configured netns (through `ip netns exec`), or as is. */
  private inNetns(argv: string[]): string[] {
    return this.o.netns ? ['ip', 'netns', 'exec', this.o.netns, ...argv] : argv;
  }

  newTransaction(): Transaction {
    return new Transaction(this.family, this.table);
  }

  private exec(args: string[], stdin: Iterable<string> = []): Promise<string> {
    const [cmd, ...argv] = this.inNetns([this.o.nftPath ?? 'nft', ...args]);
    return new Promise((resolve, reject) => {
      const p = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [], err: Buffer[] = [];
      p.stdout.on('data', (c: Buffer) => out.push(c));
      p.stderr.on('data', (c: Buffer) => err.push(c));
      p.on('error', (e) => reject(new NftError('Failed', `${cmd}: ${e.message}`)));
      p.on('close', (rc) => {
        const stderr = Buffer.concat(err).toString('utf8');
        if (rc === 0) resolve(Buffer.concat(out).toString('utf8'));
        else reject(new NftError(codeFromStderr(stderr), `nft ${args.join(' ')}: exit ${rc}: ${stderr.slice(0, 2000).trim()}`));
      });
      p.stdin.on('error', () => { /* nft exited early; close reports why */ });
      // Written chunk by chunk as rendered, so no single 10 MB script string is built (the stream buffers what nft has not read yet).
      for (const chunk of stdin) p.stdin.write(chunk);
      p.stdin.end();
    });
  }

  async run(tx: Transaction): Promise<void> {
    if (tx.error) throw new NftError('Invalid', tx.error.message);
    if (!tx.numOperations()) return;
    if (tx.numOperations() <= SESSION_MAX_OPERATIONS) await this.session.run(tx.lines());
    else await this.exec(['-f', '-'], tx.lines());
  }

  /** Stops the long-lived nft, if one runs. */
  close(): Promise<void> { return this.session.close(); }

  async list(kind: ListKind): Promise<string[]> {
    // -t leaves set elements out: a listing at 100k elements is otherwise large.
    const text = await this.exec(['-j', '-t', 'list', kind, this.family]);
    const key = kind.slice(0, -1);
    const items = (JSON.parse(text).nftables ?? []) as Record<string, { table: string; name: string }>[];
    return items.map((i) => i[key]).filter((x) => x && x.table === this.table).map((x) => x.name);
  }
}
