// One behavioural suite for every Backend. Each test works under its own key
// prefix, so tests share one store; compaction runs last because it is global.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { StorageError, type Backend, type WatchEvent, type Watcher } from '../../src/storage/backend.js';

export type BackendFactory = () => Promise<{ backend: Backend; cleanup: () => Promise<void> }>;

async function rejectsWith(p: Promise<unknown>, code: StorageError['code']): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof StorageError, `expected StorageError, got ${String(err)}`);
    assert.equal(err.code, code);
    return true;
  });
}

/** Collects a watch's events; waitFor resolves once n have arrived. */
class Recorder {
  readonly events: WatchEvent[] = [];
  readonly errors: Error[] = [];
  #waiters: { n: number; resolve: () => void }[] = [];
  watcher?: Watcher;

  onEvent = (e: WatchEvent): void => {
    this.events.push(e);
    this.#wake();
  };
  onError = (err: Error): void => {
    this.errors.push(err);
    this.#wake();
  };

  #wake(): void {
    this.#waiters = this.#waiters.filter((w) => {
      if (this.events.length >= w.n || this.errors.length > 0) w.resolve();
      return !(this.events.length >= w.n || this.errors.length > 0);
    });
  }

  async waitFor(n: number, ms = 5000): Promise<WatchEvent[]> {
    if (this.events.length < n && this.errors.length === 0) {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`timed out waiting for ${n} events, got ${this.events.length}`)), ms);
        this.#waiters.push({ n, resolve: () => (clearTimeout(t), resolve()) });
      });
    }
    if (this.errors.length) throw this.errors[0];
    return this.events;
  }

  /** Waits for the first error (or times out). */
  async waitError(ms = 5000): Promise<Error> {
    await this.waitFor(Number.MAX_SAFE_INTEGER, ms).catch(() => undefined);
    const err = this.errors[0];
    assert.ok(err, 'expected a watch error');
    return err;
  }
}

const brief = (e: WatchEvent) => ({ type: e.type, key: e.kv.key, value: e.kv.value, rev: e.kv.modRevision });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function backendContract(name: string, make: BackendFactory): void {
  describe(`Backend contract: ${name}`, () => {
    let b: Backend;
    let cleanup: () => Promise<void> = async () => undefined;
    const watchers: Watcher[] = [];

    const watch = (prefix: string, from: number): Recorder => {
      const r = new Recorder();
      r.watcher = b.watch(prefix, from, r.onEvent, r.onError);
      watchers.push(r.watcher);
      return r;
    };

    before(async () => {
      ({ backend: b, cleanup } = await make());
    });
    after(async () => {
      for (const w of watchers) w.close();
      await cleanup();
    });

    test('create, get and list in key order with prefix isolation', async () => {
      await b.create('/c1/a/2', 'two');
      await b.create('/c1/a/1', 'one');
      await b.create('/c1/ab', 'not under /c1/a/');
      await b.create('/c1/a', 'not under /c1/a/ either');
      const got = await b.get('/c1/a/1');
      assert.equal(got?.value, 'one');
      assert.equal(got?.key, '/c1/a/1');
      assert.equal(await b.get('/c1/missing'), undefined);
      const list = await b.list('/c1/a/');
      assert.deepEqual(list.items.map((kv) => [kv.key, kv.value]), [['/c1/a/1', 'one'], ['/c1/a/2', 'two']]);
      assert.equal(list.revision, await b.currentRevision());
      assert.deepEqual((await b.list('/c1/a')).items.map((kv) => kv.key), ['/c1/a', '/c1/a/1', '/c1/a/2', '/c1/ab']);
      assert.deepEqual((await b.list('/c1/none/')).items, []);
    });

    test('list of a large prefix returns every key at one revision', async () => {
      for (let i = 0; i < 1200; i++) await b.create(`/big/${String(i).padStart(5, '0')}`, 'x'.repeat(100));
      const list = await b.list('/big/');
      assert.equal(list.items.length, 1200);
      assert.equal(list.items[0].key, '/big/00000');
      assert.equal(list.items[1199].key, '/big/01199');
      assert.ok(list.items.every((kv) => kv.modRevision <= list.revision));
    });

    test('create of a live key is AlreadyExists', async () => {
      await b.create('/c2/x', 'v');
      await rejectsWith(b.create('/c2/x', 'again'), 'AlreadyExists');
      assert.equal((await b.get('/c2/x'))?.value, 'v');
    });

    test('update checks the expected revision', async () => {
      const r1 = await b.create('/c3/x', 'v1');
      const r2 = await b.update('/c3/x', 'v2', r1);
      assert.ok(r2 > r1);
      await rejectsWith(b.update('/c3/x', 'stale', r1), 'Conflict');
      await rejectsWith(b.update('/c3/missing', 'v', r1), 'NotFound');
      await rejectsWith(b.update('/c3/missing', 'v', 0), 'NotFound');
      const kv = await b.get('/c3/x');
      assert.deepEqual(kv, { key: '/c3/x', value: 'v2', createRevision: r1, modRevision: r2 });
    });

    test('delete with and without precondition', async () => {
      const r1 = await b.create('/c4/a', 'a');
      const rb = await b.create('/c4/b', 'b');
      await rejectsWith(b.delete('/c4/a', r1 - 1), 'Conflict');
      const d1 = await b.delete('/c4/a', r1);
      assert.ok(d1.revision > rb);
      assert.deepEqual(d1.kv, { key: '/c4/a', value: 'a', createRevision: r1, modRevision: r1 });
      const d2 = await b.delete('/c4/b');
      assert.equal(d2.kv.value, 'b');
      assert.ok(d2.revision > d1.revision);
      await rejectsWith(b.delete('/c4/a'), 'NotFound');
      await rejectsWith(b.delete('/c4/a', r1), 'NotFound');
      assert.equal(await b.get('/c4/a'), undefined);
      assert.deepEqual((await b.list('/c4/')).items, []);
    });

    test('revisions increase strictly across keys; createRevision stays, modRevision moves', async () => {
      const start = await b.currentRevision();
      const revs = [await b.create('/c5/a', '1'), await b.create('/c5/b', '1')];
      revs.push(await b.update('/c5/a', '2', revs[0]));
      revs.push((await b.delete('/c5/b')).revision);
      assert.ok(revs[0] > start);
      for (let i = 1; i < revs.length; i++) assert.ok(revs[i] > revs[i - 1], `revisions ${revs}`);
      assert.equal(await b.currentRevision(), revs[3]);
      const a = await b.get('/c5/a');
      assert.equal(a?.createRevision, revs[0]);
      assert.equal(a?.modRevision, revs[2]);
    });

    test('recreate after delete gets a new createRevision', async () => {
      const r1 = await b.create('/c6/x', 'first');
      await b.delete('/c6/x');
      const r2 = await b.create('/c6/x', 'second');
      assert.ok(r2 > r1);
      assert.deepEqual(await b.get('/c6/x'), { key: '/c6/x', value: 'second', createRevision: r2, modRevision: r2 });
    });

    test('watch replays history from an old revision, then live events, in order with prevKv', async () => {
      const from = await b.currentRevision();
      const r1 = await b.create('/w1/a', 'a1');
      const r2 = await b.update('/w1/a', 'a2', r1);
      const r3 = await b.create('/w1/b', 'b1');
      const d = await b.delete('/w1/a', r2);
      const rec = watch('/w1/', from);
      await rec.waitFor(4);
      const r5 = await b.update('/w1/b', 'b2', r3);
      const r6 = await b.create('/w1/a', 'a3');
      const events = await rec.waitFor(6);
      assert.deepEqual(events.map(brief), [
        { type: 'create', key: '/w1/a', value: 'a1', rev: r1 },
        { type: 'update', key: '/w1/a', value: 'a2', rev: r2 },
        { type: 'create', key: '/w1/b', value: 'b1', rev: r3 },
        { type: 'delete', key: '/w1/a', value: 'a2', rev: d.revision },
        { type: 'update', key: '/w1/b', value: 'b2', rev: r5 },
        { type: 'create', key: '/w1/a', value: 'a3', rev: r6 },
      ]);
      assert.equal(events[0].prevKv, undefined);
      assert.deepEqual(events[1].prevKv, { key: '/w1/a', value: 'a1', createRevision: r1, modRevision: r1 });
      assert.equal(events[1].kv.createRevision, r1);
      assert.deepEqual(events[3].prevKv, { key: '/w1/a', value: 'a2', createRevision: r1, modRevision: r2 });
      assert.equal(events[3].kv.createRevision, r1);
      assert.deepEqual(events[4].prevKv, { key: '/w1/b', value: 'b1', createRevision: r3, modRevision: r3 });
      assert.equal(events[5].prevKv, undefined);
      await sleep(50);
      assert.equal(rec.events.length, 6, 'no duplicates');
    });

    test('writes racing a watch replay are seen exactly once, in order', async () => {
      const from = await b.currentRevision();
      for (let i = 0; i < 50; i++) await b.create(`/w2/${i}`, 'v');
      const rec = watch('/w2/', from);
      for (let i = 50; i < 100; i++) await b.create(`/w2/${i}`, 'v');
      const events = await rec.waitFor(100);
      assert.deepEqual(events.map((e) => e.kv.key), Array.from({ length: 100 }, (_, i) => `/w2/${i}`));
      for (let i = 1; i < events.length; i++) assert.ok(events[i].kv.modRevision > events[i - 1].kv.modRevision);
      await sleep(50);
      assert.equal(rec.events.length, 100);
    });

    test('watch filters by prefix', async () => {
      const from = await b.currentRevision();
      const rec = watch('/w3/a/', from);
      await b.create('/w3/ab', 'no');
      await b.create('/w3/a', 'no');
      await b.create('/w3/b/x', 'no');
      await b.create('/w3/a/x', 'yes');
      const events = await rec.waitFor(1);
      await sleep(100);
      assert.deepEqual(events.map((e) => e.kv.key), ['/w3/a/x']);
    });

    test('watch from the current revision sees only newer events', async () => {
      await b.create('/w4/old', 'old');
      const rec = watch('/w4/', await b.currentRevision());
      await sleep(100); // a backend that wrongly replays would do it by now
      const r = await b.create('/w4/new', 'new');
      const events = await rec.waitFor(1);
      await sleep(50);
      assert.deepEqual(events.map(brief), [{ type: 'create', key: '/w4/new', value: 'new', rev: r }]);
    });

    test('closing a watch stops delivery', async () => {
      const rec = watch('/w5/', await b.currentRevision());
      await b.create('/w5/1', 'v');
      await rec.waitFor(1);
      rec.watcher?.close();
      await b.create('/w5/2', 'v');
      await sleep(100);
      assert.equal(rec.events.length, 1);
    });

    test('concurrent updates with the same expected revision: exactly one wins', async () => {
      const r = await b.create('/c7/x', '0');
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => b.update('/c7/x', `v${i}`, r)));
      const won = results.filter((x) => x.status === 'fulfilled');
      const lost = results.filter((x): x is PromiseRejectedResult => x.status === 'rejected');
      assert.equal(won.length, 1);
      for (const l of lost) assert.ok(l.reason instanceof StorageError && l.reason.code === 'Conflict', String(l.reason));
      const winner = results.findIndex((x) => x.status === 'fulfilled');
      assert.equal((await b.get('/c7/x'))?.value, `v${winner}`);
    });

    test('concurrent creates of one key: exactly one wins', async () => {
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => b.create('/c8/x', `v${i}`)));
      assert.equal(results.filter((x) => x.status === 'fulfilled').length, 1);
    });

    // Keep last: compaction is store-wide.
    test('compact: watch from an older revision fails Compacted, current data stays', async () => {
      const r1 = await b.create('/k1/a', 'a1');
      const r2 = await b.update('/k1/a', 'a2', r1);
      const r3 = await b.create('/k1/b', 'b1');
      const gone = await b.create('/k1/gone', 'x');
      await b.delete('/k1/gone', gone);
      const r4 = await b.update('/k1/a', 'a3', r2);
      await b.compact(r3);

      const tooOld = new Recorder();
      try {
        const w = b.watch('/k1/', r1, tooOld.onEvent, tooOld.onError);
        watchers.push(w);
        const err = await tooOld.waitError();
        assert.ok(err instanceof StorageError && err.code === 'Compacted', String(err));
      } catch (err) {
        assert.ok(err instanceof StorageError && err.code === 'Compacted', String(err));
      }

      // From the compact revision on, history is intact, prevKv included.
      const rec = watch('/k1/', r3);
      const events = await rec.waitFor(3);
      assert.deepEqual(events.map((e) => [e.type, e.kv.key]), [['create', '/k1/gone'], ['delete', '/k1/gone'], ['update', '/k1/a']]);
      assert.deepEqual(events[2].prevKv, { key: '/k1/a', value: 'a2', createRevision: r1, modRevision: r2 });
      assert.equal(events[2].kv.modRevision, r4);

      const list = await b.list('/k1/');
      assert.deepEqual(list.items.map((kv) => [kv.key, kv.value, kv.createRevision, kv.modRevision]), [
        ['/k1/a', 'a3', r1, r4],
        ['/k1/b', 'b1', r3, r3],
      ]);
      assert.equal((await b.get('/c1/a/1'))?.value, 'one', 'keys written long before the compaction survive');
      // Compacting again at or below the compact revision is harmless.
      await b.compact(r3);
      await b.compact(r2);
    });
  });
}
