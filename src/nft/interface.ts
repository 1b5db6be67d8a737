// The only code that touches nftables sits behind this interface.
import type { Transaction } from './transaction.js';

export type ListKind = 'chains' | 'sets' | 'maps';

export interface NftInterface {
  readonly family: string;
  readonly table: string;
  newTransaction(): Transaction;
  /** Applies the whole transaction atomically or not at all. */
  run(tx: Transaction): Promise<void>;
  /** Names of this table's objects in the kernel; [] when the table does not exist. */
  list(kind: ListKind): Promise<string[]>;
  /** Releases what the implementation keeps running (a long-lived nft); it restarts on demand. */
  close?(): Promise<void>;
}
