// Container processes through posix_spawn (koffi, real processes): output,
// exit codes and signals come back; the child starts with default signal
// dispositions (not Node's ignored SIGPIPE), an empty signal mask and its own
// session; stdin, cwd, env and the env's PATH are honoured; every child is reaped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { nativeSpawn } from '../../src/agent/runtime/native-spawn.js';

const read = (s: Readable): Promise<string> => new Promise((resolve) => { let t = ''; s.setEncoding('utf8'); s.on('data', (c) => (t += c)); s.on('end', () => resolve(t)); });
const env = { PATH: '/usr/bin:/bin' };

test('output, exit code, and a clean start: default signals, empty mask, own session', async () => {
  const c = nativeSpawn({ argv: ['sh', '-c', 'echo out; echo err >&2; grep -E "^(SigIgn|SigBlk)" /proc/self/status; cut -d" " -f6 /proc/$$/stat; echo $$; exit 3'], env, stdin: false, detached: true });
  const [out, err, exit] = await Promise.all([read(c.stdout), read(c.stderr), c.exited]);
  assert.deepEqual(exit, { code: 3, signal: null });
  assert.equal(err, 'err\n');
  const [first, ...rest] = out.trim().split('\n');
  assert.equal(first, 'out');
  const ign = rest.find((l) => l.startsWith('SigIgn'))!, blk = rest.find((l) => l.startsWith('SigBlk'))!;
  const [session, self] = rest.slice(-2);
  const sigpipe = 1n << 12n;
  assert.equal(BigInt(`0x${ign.split(/\s+/)[1]}`) & sigpipe, 0n, `SIGPIPE must not be ignored: ${ign}`);
  assert.match(blk, /SigBlk:\s+0+$/);
  assert.equal(session, self, 'the child leads its own session');
  assert.equal(Number(self), c.pid);
});

test('a signal ends it; stdin, cwd, env and the env\'s PATH are used', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubesvc-nspawn-'));
  try {
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin', 'hello-here'), '#!/bin/sh\necho "hi $WHO from $(pwd)"; cat\n');
    chmodSync(join(dir, 'bin', 'hello-here'), 0o755);
    const c = nativeSpawn({ argv: ['hello-here'], env: { PATH: `${join(dir, 'bin')}:/usr/bin:/bin`, WHO: 'pod' }, cwd: dir, stdin: true, detached: false });
    c.stdin!.end('from stdin\n');
    const [out, exit] = await Promise.all([read(c.stdout), c.exited]);
    assert.equal(out, `hi pod from ${dir}\nfrom stdin\n`);
    assert.equal(exit.code, 0);

    const s = nativeSpawn({ argv: ['sleep', '30'], env, stdin: false, detached: true });
    process.kill(-s.pid, 'SIGTERM');
    assert.deepEqual(await s.exited, { code: null, signal: 'SIGTERM' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a program that is not there is an error with its errno; many children at once are all reaped', async () => {
  assert.throws(() => nativeSpawn({ argv: ['/no/such/program'], env, stdin: false, detached: true }), /spawn \/no\/such\/program: ENOENT/);
  const kids = Array.from({ length: 30 }, (_, i) => nativeSpawn({ argv: ['sh', '-c', `exit ${i % 7}`], env, stdin: false, detached: true }));
  const exits = await Promise.all(kids.map((k) => k.exited));
  assert.deepEqual(exits.map((e) => e.code), kids.map((_, i) => i % 7));
  for (const k of kids) assert.throws(() => process.kill(k.pid, 0), /ESRCH/, `pid ${k.pid} left as a zombie`);
});

