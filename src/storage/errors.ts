import { StorageError } from './backend.js';

// One place for the messages, so both backends say the same thing.
export const notFound = (key: string): StorageError => new StorageError('NotFound', `key not found: ${key}`, key);
export const alreadyExists = (key: string): StorageError =>
  new StorageError('AlreadyExists', `key already exists: ${key}`, key);
export const conflict = (key: string, expected: number, actual: number): StorageError =>
  new StorageError('Conflict', `revision conflict on ${key}: expected ${expected}, found ${actual}`, key);
export const compacted = (from: number, compactRevision?: number): StorageError =>
  new StorageError(
    'Compacted',
    `revision ${from} has been compacted` + (compactRevision === undefined ? '' : ` (compact revision ${compactRevision})`),
  );
