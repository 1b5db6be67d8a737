import type Database from 'better-sqlite3';

// Table names carry a version so a future layout can migrate side by side.
export const LOG = 'log_v1';
export const CURRENT = 'current_v1';
export const META = 'meta_v1';

export function applyPragmas(db: Database.Database): void {
  // WAL + NORMAL: a commit survives a process crash (kill -9) without an fsync
  // per write; only an OS crash or power loss can lose the newest commits.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = OFF');
  db.pragma('wal_autocheckpoint = 4000');
  // A checkpoint (fsync + copy) costs a few ms; inline, it lands on the write
  // that crosses the threshold. 4000 pages (16 MB of WAL) keeps that well under
  // 1% of writes. A checkpointing worker thread was tried and
  // was worse: the checkpointer's read-lock 0 stalls the writer for its full run.
}

export function createSchema(db: Database.Database): void {
  db.exec(`
    -- Append-only history, one row per write. A delete is a tombstone row that
    -- keeps the deleted value so watch replay can report it.
    -- No AUTOINCREMENT: the backend assigns revisions itself, and compaction never
    -- deletes the newest row, so max(revision) is never reused; this saves the
    -- sqlite_sequence page write on every commit.
    CREATE TABLE IF NOT EXISTS ${LOG} (
      revision        INTEGER PRIMARY KEY,
      key             TEXT    NOT NULL,
      value           TEXT    NOT NULL,
      create_revision INTEGER NOT NULL,
      prev_revision   INTEGER NOT NULL,  -- previous row of this key, 0 for a create
      deleted         INTEGER NOT NULL
    );
    -- Live keys -> their latest log row; get/list read through it.
    CREATE TABLE IF NOT EXISTS ${CURRENT} (
      key      TEXT    PRIMARY KEY,
      revision INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS ${META} (
      name  TEXT    PRIMARY KEY,
      value INTEGER NOT NULL
    ) WITHOUT ROWID;
  `);
}
