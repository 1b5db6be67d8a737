import type Database from 'better-sqlite3';
import { CURRENT, LOG, META } from './schema.js';

export interface CurrentRow {
  value: string;
  createRevision: number;
  modRevision: number;
}

export interface ListRow extends CurrentRow {
  key: string;
}

export interface LogRow {
  revision: number;
  key: string;
  value: string;
  createRevision: number;
  prevRevision: number;
  deleted: number;
  prevValue: string | null;
  prevCreateRevision: number | null;
}

const currentCols = `l.value AS value, l.create_revision AS createRevision, l.revision AS modRevision`;

/** Every statement the backend runs, prepared once per connection. */
export function prepareStatements(db: Database.Database) {
  return {
    getCurrent: db.prepare<[string], CurrentRow>(
      `SELECT ${currentCols} FROM ${CURRENT} c JOIN ${LOG} l ON l.revision = c.revision WHERE c.key = ?`,
    ),
    listRange: db.prepare<[string, string], ListRow>(
      `SELECT c.key AS key, ${currentCols} FROM ${CURRENT} c JOIN ${LOG} l ON l.revision = c.revision
       WHERE c.key >= ? AND c.key < ? ORDER BY c.key`,
    ),
    listFrom: db.prepare<[string], ListRow>(
      `SELECT c.key AS key, ${currentCols} FROM ${CURRENT} c JOIN ${LOG} l ON l.revision = c.revision
       WHERE c.key >= ? ORDER BY c.key`,
    ),
    insertLog: db.prepare<[number, string, string, number, number, number]>(
      `INSERT INTO ${LOG} (revision, key, value, create_revision, prev_revision, deleted) VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    setCurrent: db.prepare<[string, number]>(
      `INSERT INTO ${CURRENT} (key, revision) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET revision = excluded.revision`,
    ),
    deleteCurrent: db.prepare<[string]>(`DELETE FROM ${CURRENT} WHERE key = ?`),
    // Named parameters: from < revision <= upTo, key in [lo, hi) or [lo, ∞) when hi = ''.
    replayPage: db.prepare<[{ from: number; upTo: number; lo: string; hi: string; limit: number }], LogRow>(
      `SELECT l.revision AS revision, l.key AS key, l.value AS value, l.create_revision AS createRevision,
              l.prev_revision AS prevRevision, l.deleted AS deleted,
              p.value AS prevValue, p.create_revision AS prevCreateRevision
       FROM ${LOG} l LEFT JOIN ${LOG} p ON p.revision = l.prev_revision
       WHERE l.revision > @from AND l.revision <= @upTo AND l.key >= @lo AND (@hi = '' OR l.key < @hi)
       ORDER BY l.revision LIMIT @limit`,
    ),
    lastRevision: db.prepare<[], { rev: number | null }>(`SELECT max(revision) AS rev FROM ${LOG}`),
    getMeta: db.prepare<[string], { value: number }>(`SELECT value FROM ${META} WHERE name = ?`),
    setMeta: db.prepare<[string, number]>(
      `INSERT INTO ${META} (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value`,
    ),
    // Compaction of one revision window [lo, hi): rows superseded by a row in the
    // window, and tombstones in it, are history nobody can ask for any more.
    compactSuperseded: db.prepare<[number, number]>(
      `DELETE FROM ${LOG} WHERE revision IN
         (SELECT prev_revision FROM ${LOG} WHERE revision >= ? AND revision < ? AND prev_revision > 0)`,
    ),
    compactTombstones: db.prepare<[number, number]>(
      `DELETE FROM ${LOG} WHERE revision >= ? AND revision < ? AND deleted = 1`,
    ),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
