// A zombie (exited, not yet reaped) counts as gone: cleanup neither waits for it nor
// signals it, and a test's leftover check does not report it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { isZombie, procStat } from '../../src/cluster/state.js';
import { terminate } from '../../src/cluster/cleanup.js';

const ppidOf = (pid: number): number | undefined => {
  try {
    return Number(procStat(pid).f[1]);
  } catch {
    return undefined;
  }
};

test('a zombie is gone for isZombie and terminate', async () => {
  // The shell starts `true` in the background, then becomes `sleep`, which never reaps it.
  const parent = spawn('/bin/sh', ['-c', 'true & exec sleep 5'], { stdio: 'ignore' });
  try {
    let zombie: number | undefined;
    for (let i = 0; i < 100 && zombie === undefined; i++) {
      await new Promise((r) => setTimeout(r, 20));
      zombie = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).find((p) => ppidOf(p) === parent.pid && isZombie(p));
    }
    assert.ok(zombie, 'the background child became a zombie');
    assert.equal(isZombie(parent.pid!), false, 'a sleeping process is not a zombie');
    assert.equal(isZombie(process.pid), false);
    const signalled: number[] = [];
    const t0 = Date.now();
    await terminate([zombie], 3000, (pid) => signalled.push(pid));
    assert.deepEqual(signalled, [], 'nothing to signal');
    assert.ok(Date.now() - t0 < 500, 'and no grace period waited');
  } finally {
    parent.kill('SIGKILL');
  }
});
