import type { Etcd3, IWatchResponse, KVClient, Watcher as EtcdWatcher } from 'etcd3';
import type { WatchEvent, Watcher } from '../backend.js';
import { compacted } from '../errors.js';
import { toWatchEvent } from './convert.js';
import { isEtcdCompacted, mapEtcdError } from './errors.js';

/**
 * One etcd watch (with prev_kv) from fromRevision + 1. The etcd3 client resumes
 * after disconnects from the last revision it saw, so a reconnect leaves no gap.
 */
export class EtcdWatch implements Watcher {
  readonly #watcher: EtcdWatcher;
  #last: number;
  #closed = false;
  /** The server already cancelled it; a second cancel would draw a reply the client cannot route. */
  #cancelled = false;

  constructor(
    client: Etcd3,
    private readonly kv: KVClient,
    readonly prefix: string,
    fromRevision: number,
    private readonly onEvent: (e: WatchEvent) => void,
    private readonly onError: (err: Error) => void,
    private readonly detach: (w: EtcdWatch) => void,
  ) {
    this.#last = fromRevision;
    this.#watcher = client
      .watch()
      .prefix(prefix)
      .withPreviousKV()
      .startRevision(String(fromRevision + 1))
      .watcher();
    this.#watcher.on('data', (res) => this.#onData(res));
    this.#watcher.on('error', (err) => void this.#onWatchError(err));
  }

  #onData(res: IWatchResponse): void {
    for (const ev of res.events) {
      if (this.#closed) return;
      const rev = Number(ev.kv.mod_revision);
      if (rev <= this.#last) continue;
      this.#last = rev;
      try {
        this.onEvent(toWatchEvent(ev));
      } catch (err) {
        this.fail(err instanceof Error ? err : new Error(String(err)));
      }
    }
  }

  /**
   * etcd 3.4 cancels a compacted watch without a reason the client passes on,
   * so ask directly whether the next revision we need is still readable.
   */
  async #onWatchError(err: Error): Promise<void> {
    this.#cancelled = true; // etcd3 emits 'error' only for a server-side cancel
    if (this.#closed) return;
    const next = this.#last + 1;
    try {
      await this.kv.range({ key: Buffer.from([0]), count_only: true, revision: next });
    } catch (probeErr) {
      if (isEtcdCompacted(probeErr)) return this.fail(compacted(this.#last));
    }
    this.fail(mapEtcdError(err) as Error);
  }

  fail(err: Error): void {
    if (this.#closed) return;
    this.close();
    this.onError(err);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.detach(this);
    this.#watcher.removeAllListeners('data');
    this.#watcher.on('error', () => undefined); // a late cancel error must not become an unhandled 'error'
    if (!this.#cancelled) void this.#watcher.cancel().catch(() => undefined);
  }
}
