import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StorageError, type Backend, type KeyValue, type ListResult, type WatchEvent, type Watcher } from '../backend.js';
import { alreadyExists, compacted, conflict, notFound } from '../errors.js';
import { prefixEnd } from '../prefix.js';
import { applyPragmas, createSchema } from './schema.js';
import { prepareStatements, type LogRow, type Statements } from './statements.js';
import { WatchHub, type Subscription } from './watch-hub.js';

const REPLAY_PAGE = 1000;
const COMPACT_WINDOW = 5000;
const COMPACT_META = 'compact_revision';

const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * kine-style Backend over one SQLite file: an append-only log plus a table of
 * live keys pointing into it. All writes happen synchronously on this
 * connection, so revisions are assigned in commit order and watchers are told
 * synchronously after each commit. One process owns the file: revisions are
 * counted in memory, and watchers only see writes made through this instance.
 */
export class SqliteBackend implements Backend {
  #db: Database.Database | undefined;
  #st: Statements | undefined;
  #rev = 0;
  #compactRev = 0;
  #compacting: Promise<void> = Promise.resolve();
  readonly #hub = new WatchHub();

  constructor(readonly path: string) {}

  async start(): Promise<void> {
    if (this.#db) return;
    if (this.path !== ':memory:' && !this.path.startsWith('file:')) mkdirSync(dirname(this.path), { recursive: true });
    const db = new Database(this.path);
    try {
      applyPragmas(db);
      createSchema(db);
      this.#st = prepareStatements(db);
    } catch (err) {
      db.close();
      throw err;
    }
    this.#db = db;
    this.#rev = this.#st.lastRevision.get()?.rev ?? 0;
    this.#compactRev = this.#st.getMeta.get(COMPACT_META)?.value ?? 0;
  }

  async close(): Promise<void> {
    const db = this.#db;
    if (!db) return;
    await this.#compacting;
    this.#hub.failAll(new StorageError('Unavailable', 'storage closed'));
    this.#db = undefined;
    this.#st = undefined;
    db.close(); // the last connection to close checkpoints and removes the WAL
  }

  async currentRevision(): Promise<number> {
    this.#open();
    return this.#rev;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const row = this.#open().st.getCurrent.get(key);
    return row && { key, ...row };
  }

  async list(prefix: string): Promise<ListResult> {
    const { st } = this.#open();
    const end = prefixEnd(prefix);
    // One synchronous statement, so it sees exactly the state at #rev.
    const items = end === '' ? st.listFrom.all(prefix) : st.listRange.all(prefix, end);
    return { items, revision: this.#rev };
  }

  async create(key: string, value: string): Promise<number> {
    const { db, st } = this.#open();
    const rev = this.#rev + 1;
    db.transaction(() => {
      if (st.getCurrent.get(key)) throw alreadyExists(key);
      st.insertLog.run(rev, key, value, rev, 0, 0);
      st.setCurrent.run(key, rev);
    })();
    this.#rev = rev;
    if (this.#hub.size > 0) this.#hub.publish({ type: 'create', kv: { key, value, createRevision: rev, modRevision: rev } });
    return rev;
  }

  async update(key: string, value: string, expectedModRevision: number): Promise<number> {
    const { db, st } = this.#open();
    const rev = this.#rev + 1;
    const prev = db.transaction(() => {
      const cur = st.getCurrent.get(key);
      if (!cur) throw notFound(key);
      if (cur.modRevision !== expectedModRevision) throw conflict(key, expectedModRevision, cur.modRevision);
      st.insertLog.run(rev, key, value, cur.createRevision, cur.modRevision, 0);
      st.setCurrent.run(key, rev);
      return cur;
    })();
    this.#rev = rev;
    if (this.#hub.size > 0) {
      this.#hub.publish({
        type: 'update',
        kv: { key, value, createRevision: prev.createRevision, modRevision: rev },
        prevKv: { key, ...prev },
      });
    }
    return rev;
  }

  async delete(key: string, expectedModRevision?: number): Promise<{ revision: number; kv: KeyValue }> {
    const { db, st } = this.#open();
    const rev = this.#rev + 1;
    const prev = db.transaction(() => {
      const cur = st.getCurrent.get(key);
      if (!cur) throw notFound(key);
      if (expectedModRevision !== undefined && cur.modRevision !== expectedModRevision) {
        throw conflict(key, expectedModRevision, cur.modRevision);
      }
      st.insertLog.run(rev, key, cur.value, cur.createRevision, cur.modRevision, 1);
      st.deleteCurrent.run(key);
      return cur;
    })();
    this.#rev = rev;
    const kv: KeyValue = { key, ...prev };
    if (this.#hub.size > 0) {
      this.#hub.publish({ type: 'delete', kv: { ...kv, modRevision: rev }, prevKv: kv });
    }
    return { revision: rev, kv };
  }

  watch(prefix: string, fromRevision: number, onEvent: (e: WatchEvent) => void, onError: (err: Error) => void): Watcher {
    this.#open();
    if (fromRevision < this.#compactRev - 1) throw compacted(fromRevision, this.#compactRev);
    const upTo = this.#rev;
    const replaying = fromRevision < upTo;
    const sub = this.#hub.subscribe(prefix, fromRevision, replaying, onEvent, onError);
    if (replaying) void this.#replay(sub, fromRevision, upTo);
    return sub;
  }

  /** Streams log rows in (from, upTo] page by page; live events above upTo are held meanwhile. */
  async #replay(sub: Subscription, from: number, upTo: number): Promise<void> {
    let cursor = from;
    try {
      for (;;) {
        await nextTick(); // also lets the caller hold the Watcher before the first event
        if (sub.closed) return;
        if (!this.#db || !this.#st) throw new StorageError('Unavailable', 'storage closed');
        if (cursor < this.#compactRev - 1) throw compacted(cursor, this.#compactRev);
        const rows = this.#st.replayPage.all({ from: cursor, upTo, lo: sub.prefix, hi: sub.end, limit: REPLAY_PAGE });
        for (const row of rows) sub.deliver(toEvent(row));
        if (rows.length < REPLAY_PAGE) break;
        cursor = rows[rows.length - 1].revision;
      }
      sub.goLive();
    } catch (err) {
      sub.fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  compact(revision: number): Promise<void> {
    // Serialised: each run continues from the revision the previous one recorded.
    const run = this.#compacting.then(() => this.#compact(revision));
    this.#compacting = run.catch(() => undefined);
    return run;
  }

  async #compact(revision: number): Promise<void> {
    const { db, st } = this.#open();
    if (revision > this.#rev) throw new Error(`cannot compact at future revision ${revision} (current ${this.#rev})`);
    const from = this.#compactRev;
    if (revision <= from) return;
    // Record first: from here on, watches that would need the dropped rows fail.
    st.setMeta.run(COMPACT_META, revision);
    this.#compactRev = revision;
    // Small windows with a yield in between keep writers from stalling behind us.
    for (let lo = Math.max(from, 1); lo < revision; lo += COMPACT_WINDOW) {
      const hi = Math.min(lo + COMPACT_WINDOW, revision);
      if (!this.#db) return;
      db.transaction(() => {
        st.compactSuperseded.run(lo, hi);
        st.compactTombstones.run(lo, hi);
      })();
      await nextTick();
    }
  }

  /** The revision compact() last recorded (0 when never compacted). */
  get compactRevision(): number {
    return this.#compactRev;
  }

  #open(): { db: Database.Database; st: Statements } {
    if (!this.#db || !this.#st) throw new StorageError('Unavailable', 'storage is not started');
    return { db: this.#db, st: this.#st };
  }
}

function toEvent(row: LogRow): WatchEvent {
  const kv: KeyValue = {
    key: row.key,
    value: row.value,
    createRevision: row.createRevision,
    modRevision: row.revision,
  };
  const prevKv: KeyValue | undefined =
    row.prevValue === null || row.prevCreateRevision === null
      ? undefined
      : { key: row.key, value: row.prevValue, createRevision: row.prevCreateRevision, modRevision: row.prevRevision };
  if (row.deleted) return { type: 'delete', kv, prevKv };
  return row.createRevision === row.revision ? { type: 'create', kv } : { type: 'update', kv, prevKv };
}
