// What an attach joins: live output fan-out and the stdin/stdinOnce rules.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { AttachPoint } from '../../src/agent/pod/attach-point.js';
import type { ProcessHandle } from '../../src/agent/runtime/process.js';

function handle(): ProcessHandle & { stdout: PassThrough; stderr: PassThrough; stdin: PassThrough } {
  return { pid: 1, stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough(), exited: new Promise(() => undefined), kill() { /* not started */ } };
}

describe('AttachPoint', () => {
  it('fans output out to every subscriber from the moment it subscribes, per stream, until it leaves', () => {
    const h = handle(), a = new AttachPoint(h, {});
    h.stdout.write('before');
    const seen: string[] = [];
    const off = a.subscribe((s, c) => seen.push(`${s}:${c}`));
    h.stdout.write('one');
    h.stderr.write('two');
    off();
    h.stdout.write('after');
    assert.deepEqual(seen, ['stdout:one', 'stderr:two']);
  });

  it('gives no stdin to a container without stdin: true', () => {
    assert.equal(new AttachPoint(handle(), { stdin: false }).claimStdin(), undefined);
  });

  it('stdin without stdinOnce stays open across attaches', () => {
    const h = handle(), a = new AttachPoint(h, { stdin: true });
    const got: string[] = [];
    h.stdin.on('data', (b: Buffer) => got.push(b.toString()));
    const first = a.claimStdin()!;
    first.write(Buffer.from('a'));
    first.release();
    const second = a.claimStdin()!;
    second.write(Buffer.from('b'));
    assert.equal(h.stdin.writableEnded, false);
    assert.deepEqual(got, ['a', 'b']);
  });

  it('stdinOnce: the first attach to take stdin closes it when it leaves; later attaches get none', () => {
    const h = handle(), a = new AttachPoint(h, { stdin: true, stdinOnce: true });
    const first = a.claimStdin()!;
    assert.equal(a.claimStdin(), undefined, 'one attach at a time');
    first.release();
    assert.equal(h.stdin.writableEnded, true);
    assert.equal(a.claimStdin(), undefined);
  });
});
