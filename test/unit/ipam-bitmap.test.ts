// Address plan: service CIDR 10.96.0.0/12 (kubernetes 10.96.0.1, kube-dns 10.96.0.10),
// small ranges 10.0.0.0/29 (6 usable) and /30 (2 usable), NodePorts 30000-32767.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bitmap, rangeOffset } from '../../src/controllers/ipam/bitmap.js';
import { indexToIP, ipToIndex, nthIP, parseIPv4CIDR } from '../../src/controllers/ipam/cidr.js';
import { seeded } from './ipam-rng.js';


test('bitmap: specific allocation, has, release, counts', () => {
  const b = new Bitmap(10);
  assert.equal(b.allocate(3), true);
  assert.equal(b.allocate(3), false, 'already taken');
  assert.equal(b.allocate(10), false, 'out of range');
  assert.equal(b.allocate(-1), false);
  assert.equal(b.has(3), true);
  assert.equal(b.free, 9);
  b.release(3);
  b.release(3); // no-op
  b.release(99); // no-op
  assert.equal(b.has(3), false);
  assert.equal(b.used, 0);
});

test('bitmap: random scan hands out every offset once, then reports exhaustion', () => {
  const b = new Bitmap(37);
  const got = new Set<number>();
  for (let i = 0; i < 37; i++) {
    const v = b.allocateNext(seeded(7));
    assert.notEqual(v, undefined);
    assert.ok(!got.has(v!));
    got.add(v!);
  }
  assert.equal(b.free, 0);
  assert.equal(b.allocateNext(seeded(7)), undefined);
  b.release(17);
  assert.equal(b.allocateNext(seeded(3)), 17);
});

test('bitmap: random start differs with the random source', () => {
  const picks = new Set([1, 2, 3, 4, 5].map((s) => new Bitmap(1000).allocateNext(seeded(s))));
  assert.ok(picks.size > 1);
});

test('bitmap: dynamic picks prefer [offset, max) and fall back to [0, offset)', () => {
  const b = new Bitmap(20, 16);
  for (let i = 0; i < 4; i++) assert.ok(b.allocateNext(seeded(i + 1))! >= 16);
  const next = b.allocateNext(seeded(1));
  assert.ok(next !== undefined && next < 16, 'upper part full → lower part');
});

test('bitmap: findNext does not allocate and honours skip', () => {
  const b = new Bitmap(3);
  assert.equal(b.findNext(() => 0, (i) => i === 0), 1);
  assert.equal(b.used, 0);
  assert.equal(b.findNext(() => 0, () => true), undefined);
});

test('bitmap: snapshot and restore round-trip through base64', () => {
  const b = new Bitmap(1 << 20);
  for (const i of [0, 1, 255, 256, 65535, (1 << 20) - 1]) b.allocate(i);
  const c = new Bitmap(1 << 20);
  c.restore(b.snapshot());
  assert.deepEqual([...c], [...b]);
  assert.equal(c.used, 6);
  assert.throws(() => new Bitmap(8).restore(b.snapshot()), /snapshot holds/);
});

test('rangeOffset as Kubernetes calculateRangeOffset', () => {
  assert.equal(rangeOffset(2 ** 20, 16, 256, 16), 256); // /12
  assert.equal(rangeOffset(256, 16, 256, 16), 16); // /24
  assert.equal(rangeOffset(16, 16, 256, 16), 0); // /28
  assert.equal(rangeOffset(2768, 16, 128, 32), 86); // 30000-32767
});

test('cidr: 10.96.0.0/12 math', () => {
  const r = parseIPv4CIDR('10.96.0.0/12')!;
  assert.equal(r.size, 2 ** 20 - 2);
  assert.equal(indexToIP(r, 0), '10.96.0.1');
  assert.equal(nthIP(r, 10), '10.96.0.10');
  assert.equal(indexToIP(r, r.size - 1), '10.111.255.254');
  assert.equal(ipToIndex(r, '10.96.0.0'), undefined, 'network');
  assert.equal(ipToIndex(r, '10.111.255.255'), undefined, 'broadcast');
  assert.equal(ipToIndex(r, '10.112.0.1'), undefined, 'outside');
  assert.equal(ipToIndex(r, '10.100.3.7'), (4 << 16) + (3 << 8) + 7 - 1);
  assert.equal(parseIPv4CIDR('10.100.3.4/12')!.cidr, '10.96.0.0/12', 'host bits cleared');
});

test('cidr: small and degenerate ranges', () => {
  const r29 = parseIPv4CIDR('10.0.0.0/29')!;
  assert.equal(r29.size, 6);
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((i) => indexToIP(r29, i)), ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6']);
  assert.throws(() => indexToIP(r29, 6));
  assert.equal(parseIPv4CIDR('10.0.0.0/30')!.size, 2);
  assert.equal(parseIPv4CIDR('10.0.0.0/31')!.size, 0);
  assert.equal(parseIPv4CIDR('10.0.0.1/32')!.size, 0);
  assert.equal(parseIPv4CIDR('0.0.0.0/0')!.size, 2 ** 32 - 2);
  for (const bad of ['10.0.0.0', '10.0.0.0/33', '10.0.0/8', 'x/8', '10.0.0.0/8/1', '::/64']) assert.equal(parseIPv4CIDR(bad), undefined, bad);
});
