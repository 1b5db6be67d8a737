// kill -9 a process that is writing to SQLite; every write it acknowledged
// must be there after reopening, and revisions must not go backwards.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteBackend } from '../../src/storage/sqlite/sqlite-backend.js';

const here = dirname(fileURLToPath(import.meta.url));
const WRITER = join(here, '..', 'support', `sqlite-writer${here.includes('/dist/') ? '.js' : '.ts'}`);
const dir = mkdtempSync(join(tmpdir(), 'kubesvc-crash-'));
const removeDir = (): void => rmSync(dir, { recursive: true, force: true });
process.once('exit', removeDir);
after(removeDir);

test('acknowledged SQLite writes survive kill -9', async () => {
  const path = join(dir, 'state.db');
  const args = WRITER.endsWith('.ts') ? ['--import', 'tsx', WRITER, path] : [WRITER, path];
  const child = spawn(process.execPath, args, { cwd: join(here, '..', '..'), stdio: ['ignore', 'pipe', 'pipe'] });
  const killChild = (): void => void child.kill('SIGKILL');
  process.once('exit', killChild);

  const acked = new Map<string, number>();
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  let partial = '';
  child.stdout.on('data', (b: Buffer) => {
    const lines = (partial + b.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const [key, rev] = line.split(' ');
      acked.set(key, Number(rev));
      if (acked.size >= 300) child.kill('SIGKILL');
    }
  });
  const timer = setTimeout(killChild, 30_000);
  const signal = await exited;
  clearTimeout(timer);
  process.removeListener('exit', killChild);

  assert.equal(signal, 'SIGKILL', `writer should have been killed, stderr:\n${stderr}`);
  assert.ok(acked.size >= 300, `only ${acked.size} acknowledged writes; stderr:\n${stderr}`);

  const backend = new SqliteBackend(path);
  await backend.start();
  try {
    const maxAcked = Math.max(...acked.values());
    const list = await backend.list('/crash/');
    const present = new Map(list.items.map((kv) => [kv.key, kv.modRevision]));
    for (const [key, rev] of acked) assert.equal(present.get(key), rev, `acknowledged ${key}@${rev} is missing`);
    assert.ok((await backend.currentRevision()) >= maxAcked);
    assert.ok((await backend.create('/after-crash', 'v')) > maxAcked);
  } finally {
    await backend.close();
  }
});
