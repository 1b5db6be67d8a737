// Runs the Backend contract against SQLite (a file in a temp dir) and a real etcd.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EtcdBackend } from '../../src/storage/etcd/etcd-backend.js';
import { openBackend } from '../../src/storage/open.js';
import { SqliteBackend } from '../../src/storage/sqlite/sqlite-backend.js';
import { startEtcd } from '../support/etcd.js';
import { backendContract } from './storage.contract.js';

backendContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubesvc-sqlite-'));
  const removeDir = (): void => rmSync(dir, { recursive: true, force: true });
  process.once('exit', removeDir);
  const backend = new SqliteBackend(join(dir, 'state.db'));
  await backend.start();
  return {
    backend,
    cleanup: async () => {
      await backend.close();
      removeDir();
    },
  };
});

backendContract('etcd', async () => {
  const etcd = await startEtcd();
  const backend = new EtcdBackend([etcd.endpoint]);
  try {
    await backend.start();
  } catch (err) {
    await etcd.stop();
    throw err;
  }
  return {
    backend,
    cleanup: async () => {
      await backend.close();
      await etcd.stop();
    },
  };
});

describe('sqlite specifics', () => {
  test('state survives close and reopen, including revision and compaction', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubesvc-sqlite-'));
    try {
      const path = join(dir, 'nested', 'state.db');
      const a = new SqliteBackend(path);
      await a.start();
      const r1 = await a.create('/x', '1');
      const r2 = await a.update('/x', '2', r1);
      await a.compact(r2);
      await a.close();
      const b = new SqliteBackend(path);
      await b.start();
      assert.equal(await b.currentRevision(), r2);
      assert.deepEqual(await b.get('/x'), { key: '/x', value: '2', createRevision: r1, modRevision: r2 });
      assert.throws(() => b.watch('/', r1 - 1, () => undefined, () => undefined), { code: 'Compacted' });
      assert.ok((await b.create('/y', 'v')) > r2);
      await b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('compaction drops superseded history rows', async () => {
    const b = new SqliteBackend(':memory:');
    await b.start();
    let rev = await b.create('/k', '0');
    for (let i = 1; i <= 20; i++) rev = await b.update('/k', String(i), rev);
    await b.create('/d', 'x');
    await b.delete('/d');
    await b.compact(await b.currentRevision());
    // Replaying from the compact revision - 1 still works; older fails.
    const events: string[] = [];
    const w = b.watch('/', b.compactRevision - 1, (e) => events.push(e.type), () => undefined);
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(events, ['delete']);
    w.close();
    assert.deepEqual((await b.list('/')).items.map((kv) => kv.value), ['20']);
    await b.close();
  });
});

describe('openBackend', () => {
  test('chooses the datastore from the URL', async () => {
    assert.ok((await openBackend(undefined, '/data')) instanceof SqliteBackend);
    assert.equal(((await openBackend(undefined, '/data')) as SqliteBackend).path, '/data/state.db');
    assert.equal(((await openBackend('sqlite:///tmp/x.db', '/data')) as SqliteBackend).path, '/tmp/x.db');
    assert.equal(((await openBackend('sqlite://:memory:', '/data')) as SqliteBackend).path, ':memory:');
    const etcd = (await openBackend('etcd://127.0.0.1:2379,10.0.0.2:2379', '/data')) as EtcdBackend;
    assert.deepEqual(etcd.endpoints, ['http://127.0.0.1:2379', 'http://10.0.0.2:2379']);
    void etcd.close();
  });

  test('rejects anything else, naming the accepted forms', async () => {
    for (const url of ['postgres://x', 'etcd://', 'etcd://host', 'mysql://a:1']) {
      await assert.rejects(openBackend(url, '/data'), /sqlite:\/\/<path>.*etcd:\/\/host:port/);
    }
  });
});
