// Child process for the crash test: creates keys forever and prints
// "<key> <revision>" once each create has been acknowledged.
import { writeSync } from 'node:fs';
import { SqliteBackend } from '../../src/storage/sqlite/sqlite-backend.js';

const path = process.argv[2];
if (!path) throw new Error('usage: sqlite-writer.ts <db path>');
const backend = new SqliteBackend(path);
await backend.start();
for (let i = 0; ; i++) {
  const key = `/crash/${String(i).padStart(8, '0')}`;
  const rev = await backend.create(key, JSON.stringify({ i, pad: 'x'.repeat(200) }));
  writeSync(1, `${key} ${rev}\n`); // synchronous: once written, the parent may rely on it
  if (i % 50 === 0) await new Promise((r) => setImmediate(r));
}
