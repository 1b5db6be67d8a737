// QuietGate (lower-priority work waits for held work to end, or its deadline),
// the agent's event queue behind it, and LatestFile (coalesced atomic rewrites).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QuietGate } from '../../src/util/quiet-gate.js';
import { LatestFile } from '../../src/util/latest-file.js';
import { EventQueue, MAX_HOLD_MS } from '../../src/agent/pod/event-queue.js';

const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('quiet gate', () => {
  it('is quiet with nothing held; waits for every hold to end; a release twice counts once', async () => {
    const g = new QuietGate();
    assert.equal(g.quiet, true);
    await g.whenQuiet(10_000);
    const a = g.hold(), b = g.hold();
    let woke = false;
    const w = g.whenQuiet(10_000).then(() => { woke = true; });
    a();
    a();
    await tick();
    assert.equal(woke, false, 'one hold is still on');
    assert.equal(g.quiet, false);
    b();
    await w;
    assert.equal(g.quiet, true);
  });

  it('with a settle time, quiet means nothing held for that long; a new hold meanwhile starts it again', async () => {
    const g = new QuietGate(60);
    const t0 = Date.now();
    g.hold()();
    assert.equal(g.quiet, false, 'just released');
    let woke = 0;
    const w = g.whenQuiet(10_000).then(() => { woke = Date.now(); });
    await tick(30);
    g.hold()();
    await w;
    assert.ok(woke - t0 >= 85, `woke after ${woke - t0} ms: the second hold's settle time counts from its release`);
    assert.equal(g.quiet, true);
  });

  it('lets a waiter go at its deadline while work is still held', async () => {
    const g = new QuietGate();
    const release = g.hold();
    const t0 = Date.now();
    await g.whenQuiet(30);
    assert.ok(Date.now() - t0 >= 25, 'waited for the deadline');
    await g.whenQuiet(0);
    release();
  });
});

describe('event queue behind the gate', () => {
  it('holds events while pods start, sends them in order once none does', async () => {
    const g = new QuietGate();
    const sent: string[] = [];
    const q = new EventQueue({ record: async (_o: any, e: any) => { sent.push(e.reason); } }, 'test', { gate: g });
    const release = g.hold();
    for (const r of ['Created', 'Started', 'Pulled']) q.emit({ metadata: { name: 'p' } } as any, { type: 'Normal', reason: r, message: '' });
    await tick(20);
    assert.deepEqual(sent, [], 'nothing while a pod is starting');
    release();
    while (sent.length < 3) await tick(2);
    assert.deepEqual(sent, ['Created', 'Started', 'Pulled']);
  });

  it('an event waits at most MAX_HOLD_MS after it was emitted, not that long per event', async () => {
    assert.ok(MAX_HOLD_MS >= 500 && MAX_HOLD_MS <= 5000);
    const g = new QuietGate();
    g.hold(); // never released: constant churn
    const sent: number[] = [];
    const q = new EventQueue({ record: async () => { sent.push(Date.now()); } }, 'test', { gate: g, concurrency: 1 });
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) q.emit({ metadata: { name: 'p' } } as any, { type: 'Normal', reason: `r${i}`, message: '' });
    while (sent.length < 5) await tick(20);
    const last = sent[4] - t0;
    assert.ok(last >= MAX_HOLD_MS - 50, `sent before the hold ran out (${last} ms)`);
    assert.ok(last < MAX_HOLD_MS + 1000, `five events took ${last} ms: each waited the full hold`);
  });
});

describe('latest file', () => {
  it('writes the latest state, many saves in few writes, atomically (no temp file left)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubesvc-latest-'));
    try {
      const path = join(dir, 'state.json');
      const f = new LatestFile(path);
      let renders = 0;
      for (let i = 1; i <= 50; i++) f.save(() => { renders++; return JSON.stringify({ i }); });
      await f.flush();
      assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { i: 50 });
      assert.equal(renders, 1, 'saves of one tick are one write');
      // Saves while a write is in flight go out in one more write.
      f.save(() => 'a');
      await tick();
      f.save(() => 'b');
      f.save(() => 'c');
      await f.flush();
      assert.equal(readFileSync(path, 'utf8'), 'c');
      assert.equal(existsSync(`${path}.tmp`), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a failed write and keeps going', async () => {
    const errors: string[] = [];
    const f = new LatestFile('/nonexistent-dir-kubesvc/state.json', (e) => errors.push(e.message));
    f.save(() => 'x');
    await f.flush();
    assert.equal(errors.length, 1);
    assert.match(errors[0], /ENOENT/);
  });
});
