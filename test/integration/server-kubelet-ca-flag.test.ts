// `kubesvc server --kubelet-certificate-authority`: a file that cannot be read or holds
// no certificate stops the server before it starts, with the flag named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliCommand } from '../../src/cluster/self.js';

const run = (args: string[]): Promise<{ code: number; stderr: string }> => new Promise((resolve) => {
  const [cmd, ...pre] = cliCommand();
  execFile(cmd, [...pre, ...args], { timeout: 30_000 }, (e, _out, stderr) => resolve({ code: e ? Number(e.code ?? 1) : 0, stderr }));
});

test('server refuses a kubelet CA file it cannot use', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubesvc-kubelet-ca-'));
  try {
    const base = ['server', '--data-dir', join(dir, 'data'), '--listen', '127.0.0.1:0', '--kubelet-certificate-authority'];
    const missing = await run([...base, join(dir, 'nope.crt')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /--kubelet-certificate-authority: cannot read .*nope\.crt: ENOENT/);
    writeFileSync(join(dir, 'text'), 'not a certificate\n');
    const text = await run([...base, join(dir, 'text')]);
    assert.equal(text.code, 1);
    assert.match(text.stderr, /--kubelet-certificate-authority: .*text holds no PEM certificate/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
