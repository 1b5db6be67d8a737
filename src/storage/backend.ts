// The storage contract every datastore implements (kine-shaped): a revisioned
// key-value log with optimistic concurrency and watch. Values are opaque strings
// (the API server stores JSON). Revisions are global, strictly increasing integers.

export interface KeyValue {
  key: string;
  value: string;
  /** Revision at which this key was (last) created. */
  createRevision: number;
  /** Revision of the last write to this key. */
  modRevision: number;
}

export type WatchEventType = 'create' | 'update' | 'delete';

export interface WatchEvent {
  type: WatchEventType;
  /** For delete: the deleted value with modRevision = the delete's revision. */
  kv: KeyValue;
  /** The value before this event (absent for create). */
  prevKv?: KeyValue;
}

export interface ListResult {
  items: KeyValue[];
  /** The store revision the list was read at. */
  revision: number;
}

export interface Watcher {
  close(): void;
}

export interface Backend {
  /** Opens the store (creating schema as needed). */
  start(): Promise<void>;
  close(): Promise<void>;
  /** Latest committed revision (0 for an empty store). */
  currentRevision(): Promise<number>;
  get(key: string): Promise<KeyValue | undefined>;
  /** Every live key with the prefix, sorted by key, read at one revision. */
  list(prefix: string): Promise<ListResult>;
  /** Throws StorageError 'AlreadyExists' when the key is live. Returns the new revision. */
  create(key: string, value: string): Promise<number>;
  /**
   * Writes when the key's modRevision equals expectedModRevision.
   * Throws 'NotFound' when absent, 'Conflict' when the revision differs.
   */
  update(key: string, value: string, expectedModRevision: number): Promise<number>;
  /**
   * Deletes the key (when expectedModRevision is given, only at that revision).
   * Returns the revision of the delete and the value deleted.
   */
  delete(key: string, expectedModRevision?: number): Promise<{ revision: number; kv: KeyValue }>;
  /**
   * Streams every event with revision > fromRevision for keys under prefix, in
   * revision order, then live ones. Throws 'Compacted' (synchronously or through
   * onError) when fromRevision is older than the oldest retained revision.
   */
  watch(prefix: string, fromRevision: number, onEvent: (e: WatchEvent) => void, onError: (err: Error) => void): Watcher;
  /**
   * Drops history older than revision (etcd semantics). Current values are kept.
   * Afterwards watch(prefix, from) is served for from >= revision - 1 and fails
   * with 'Compacted' for anything older.
   */
  compact(revision: number): Promise<void>;
}

export type StorageErrorCode = 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Compacted' | 'Unavailable';

export class StorageError extends Error {
  constructor(readonly code: StorageErrorCode, message: string, readonly key?: string) {
    super(message);
    this.name = 'StorageError';
  }
}

export const isNotFound = (e: unknown): boolean => e instanceof StorageError && e.code === 'NotFound';
export const isAlreadyExists = (e: unknown): boolean => e instanceof StorageError && e.code === 'AlreadyExists';
export const isConflict = (e: unknown): boolean => e instanceof StorageError && e.code === 'Conflict';
export const isCompacted = (e: unknown): boolean => e instanceof StorageError && e.code === 'Compacted';
