import { Etcd3, type ICompare, type IKeyValue, type ITxnResponse, type KVClient } from 'etcd3';
import { StorageError, type Backend, type KeyValue, type ListResult, type WatchEvent, type Watcher } from '../backend.js';
import { alreadyExists, conflict, notFound } from '../errors.js';
import { prefixEndBytes } from '../prefix.js';
import { toKeyValue } from './convert.js';
import { isEtcdCompacted, mapEtcdError } from './errors.js';
import { EtcdWatch } from './etcd-watch.js';

const LIST_PAGE = 500; // keeps each response far below gRPC's 4 MiB default
const LIST_ATTEMPTS = 3;

const enc = (s: string): Buffer => Buffer.from(s, 'utf8');
const exists = (key: Buffer): ICompare => ({ key, target: 'Version', result: 'Greater', version: 0 });
const modIs = (key: Buffer, rev: number): ICompare => ({ key, target: 'Mod', result: 'Equal', mod_revision: rev });

/** etcd has no empty key; the whole keyspace is ['\0', '\0'). */
export function keyRange(prefix: string): { key: Buffer; range_end: Buffer } {
  if (prefix === '') return { key: Buffer.from([0]), range_end: Buffer.from([0]) };
  const key = enc(prefix);
  return { key, range_end: prefixEndBytes(key) };
}

/** Backend over a real etcd v3 cluster; revisions are etcd's own. */
export class EtcdBackend implements Backend {
  readonly #client: Etcd3;
  readonly #kv: KVClient;
  readonly #watches = new Set<EtcdWatch>();

  constructor(readonly endpoints: string[]) {
    this.#client = new Etcd3({ hosts: endpoints, dialTimeout: 5000 });
    this.#kv = this.#client.kv;
  }

  async start(): Promise<void> {
    await this.currentRevision(); // fail fast when etcd is unreachable
  }

  async close(): Promise<void> {
    for (const w of [...this.#watches]) w.fail(new StorageError('Unavailable', 'storage closed'));
    this.#client.close();
  }

  async currentRevision(): Promise<number> {
    const res = await this.#call(() => this.#kv.range({ key: Buffer.from([0]), count_only: true }));
    return Number(res.header.revision);
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const res = await this.#call(() => this.#kv.range({ key: enc(key) }));
    return res.kvs.length ? toKeyValue(res.kvs[0]) : undefined;
  }

  async list(prefix: string): Promise<ListResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#listOnce(prefix);
      } catch (err) {
        // A compaction overtook our pinned revision between pages: start over.
        if (!isEtcdCompacted(err) || attempt >= LIST_ATTEMPTS) throw mapEtcdError(err);
      }
    }
  }

  async #listOnce(prefix: string): Promise<ListResult> {
    const { key, range_end } = keyRange(prefix);
    const items: KeyValue[] = [];
    let revision = 0;
    let start = key;
    for (;;) {
      // Linearizable read; later pages are pinned to the first page's revision.
      const res = await this.#kv.range({ key: start, range_end, limit: LIST_PAGE, revision: revision || undefined });
      if (!revision) revision = Number(res.header.revision);
      for (const kv of res.kvs) items.push(toKeyValue(kv));
      if (!res.more || res.kvs.length === 0) return { items, revision };
      start = Buffer.concat([res.kvs[res.kvs.length - 1].key, Buffer.from([0])]);
    }
  }

  async create(key: string, value: string): Promise<number> {
    const k = enc(key);
    const res = await this.#txn({
      compare: [{ key: k, target: 'Create', result: 'Equal', create_revision: 0 }],
      success: [{ request_put: { key: k, value: enc(value) } }],
    });
    if (!res.succeeded) throw alreadyExists(key);
    return Number(res.header.revision);
  }

  async update(key: string, value: string, expectedModRevision: number): Promise<number> {
    const k = enc(key);
    const res = await this.#txn({
      compare: [exists(k), modIs(k, expectedModRevision)],
      success: [{ request_put: { key: k, value: enc(value) } }],
      failure: [{ request_range: { key: k } }],
    });
    if (!res.succeeded) throw preconditionFailure(key, expectedModRevision, res);
    return Number(res.header.revision);
  }

  async delete(key: string, expectedModRevision?: number): Promise<{ revision: number; kv: KeyValue }> {
    const k = enc(key);
    const compare = expectedModRevision === undefined ? [exists(k)] : [exists(k), modIs(k, expectedModRevision)];
    const res = await this.#txn({
      compare,
      success: [{ request_delete_range: { key: k, prev_kv: true } }],
      failure: [{ request_range: { key: k } }],
    });
    if (!res.succeeded) throw preconditionFailure(key, expectedModRevision ?? 0, res);
    const prev: IKeyValue | undefined = res.responses[0]?.response_delete_range?.prev_kvs?.[0];
    if (!prev) throw notFound(key); // unreachable: the compare and the delete are one txn
    return { revision: Number(res.header.revision), kv: toKeyValue(prev) };
  }

  watch(prefix: string, fromRevision: number, onEvent: (e: WatchEvent) => void, onError: (err: Error) => void): Watcher {
    const w = new EtcdWatch(this.#client, this.#kv, prefix, fromRevision, onEvent, onError, (x) =>
      this.#watches.delete(x),
    );
    this.#watches.add(w);
    return w;
  }

  async compact(revision: number): Promise<void> {
    try {
      // physical: return only once the history is gone, so later watches fail predictably.
      await this.#kv.compact({ revision, physical: true });
    } catch (err) {
      if (isEtcdCompacted(err)) return; // already compacted at or past revision
      throw mapEtcdError(err);
    }
  }

  #txn(req: Parameters<KVClient['txn']>[0]): Promise<ITxnResponse> {
    return this.#call(() => this.#kv.txn(req));
  }

  async #call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw mapEtcdError(err);
    }
  }
}

function preconditionFailure(key: string, expected: number, res: ITxnResponse): Error {
  const current = res.responses[0]?.response_range?.kvs?.[0];
  return current ? conflict(key, expected, Number(current.mod_revision)) : notFound(key);
}
