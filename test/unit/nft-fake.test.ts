// Transaction rendering and the FakeNft model's kernel-like semantics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeNft } from '../../src/nft/fake.js';
import { isNotFound, isAlreadyExists, NftError } from '../../src/nft/errors.js';
import { parseLine } from '../../src/nft/parse.js';

const base = (nft: FakeNft) => nft.newTransaction()
  .add({ kind: 'table', comment: 't' })
  .add({ kind: 'chain', name: 'pre', base: { type: 'nat', hook: 'prerouting', priority: -100 } })
  .add({ kind: 'chain', name: 'svc-a', comment: 'ns/a:http' })
  .add({ kind: 'map', name: 'vips', type: 'ipv4_addr . inet_proto . inet_service : verdict' })
  .add({ kind: 'set', name: 'aff', type: 'ipv4_addr', flags: ['dynamic', 'timeout'], timeout: 30 })
  .add({ kind: 'rule', chain: 'pre', rule: 'ip daddr . meta l4proto . th dport vmap @vips' })
  .add({ kind: 'rule', chain: 'svc-a', rule: 'meta l4proto tcp dnat to 10.0.0.1:80', comment: 'ep' })
  .add({ kind: 'element', set: 'vips', key: '10.96.0.1 . tcp . 80', value: 'goto svc-a', comment: 'ns/a:http' });

test('transactions render as an nft -f script', () => {
  const tx = base(new FakeNft('k'));
  assert.equal(tx.toString(), [
    'add table ip k { comment "t" ; }',
    'add chain ip k pre { type nat hook prerouting priority -100 ; }',
    'add chain ip k svc-a { comment "ns/a:http" ; }',
    'add map ip k vips { type ipv4_addr . inet_proto . inet_service : verdict ; }',
    'add set ip k aff { type ipv4_addr ; flags dynamic,timeout ; timeout 30s ; }',
    'add rule ip k pre ip daddr . meta l4proto . th dport vmap @vips',
    'add rule ip k svc-a meta l4proto tcp dnat to 10.0.0.1:80 comment "ep"',
    'add element ip k vips { 10.96.0.1 . tcp . 80 comment "ns/a:http" : goto svc-a }',
    '',
  ].join('\n'));
  assert.equal(tx.numOperations(), 8);
  const del = new FakeNft('k').newTransaction().delete({ kind: 'element', set: 'vips', key: '1.2.3.4 . tcp . 1' }).flush({ kind: 'chain', name: 'c' });
  assert.equal(del.toString(), 'delete element ip k vips { 1.2.3.4 . tcp . 1 }\nflush chain ip k c\n');
});

test('the first invalid object sticks and run reports it', async () => {
  const nft = new FakeNft('k');
  const tx = nft.newTransaction().add({ kind: 'table' }).add({ kind: 'chain', name: 'bad name' }).add({ kind: 'chain', name: 'ok' });
  assert.match(tx.error!.message, /invalid chain name/);
  assert.equal(tx.numOperations(), 1);
  await assert.rejects(nft.run(tx), (e) => e instanceof NftError && e.code === 'Invalid');
  assert.equal(nft.state, undefined);
  const long = nft.newTransaction().add({ kind: 'chain', name: 'c', comment: 'x'.repeat(129) });
  assert.ok(long.error);
});

const cases: { name: string; build: (nft: FakeNft) => ReturnType<FakeNft['newTransaction']>; code: string }[] = [
  { name: 'jump to a missing chain', build: (n) => n.newTransaction().add({ kind: 'rule', chain: 'pre', rule: 'jump nowhere' }), code: 'NotFound' },
  { name: '@set that does not exist', build: (n) => n.newTransaction().add({ kind: 'rule', chain: 'pre', rule: 'ip saddr @nope drop' }), code: 'NotFound' },
  { name: 'vmap value naming a missing chain', build: (n) => n.newTransaction().add({ kind: 'element', set: 'vips', key: '1.1.1.1 . tcp . 1', value: 'goto nope' }), code: 'NotFound' },
  { name: 'deleting a chain that has rules', build: (n) => n.newTransaction().delete({ kind: 'chain', name: 'svc-a' }), code: 'Busy' },
  { name: 'deleting a chain still referenced by a map element', build: (n) => n.newTransaction().flush({ kind: 'chain', name: 'svc-a' }).delete({ kind: 'chain', name: 'svc-a' }), code: 'Busy' },
  { name: 'deleting a set still used by a rule', build: (n) => n.newTransaction().add({ kind: 'rule', chain: 'svc-a', rule: 'update @aff { ip saddr }' }).delete({ kind: 'set', name: 'aff', type: '' }), code: 'Busy' },
  { name: 're-adding a map key with another value', build: (n) => n.newTransaction().add({ kind: 'element', set: 'vips', key: '10.96.0.1 . tcp . 80', value: 'drop' }), code: 'AlreadyExists' },
  { name: 'deleting a missing element', build: (n) => n.newTransaction().delete({ kind: 'element', set: 'vips', key: '9.9.9.9 . tcp . 80' }), code: 'NotFound' },
  { name: 'a key of the wrong arity', build: (n) => n.newTransaction().add({ kind: 'element', set: 'vips', key: '9.9.9.9', value: 'drop' }), code: 'Invalid' },
  { name: 'changing a set definition', build: (n) => n.newTransaction().add({ kind: 'set', name: 'aff', type: 'ipv4_addr', flags: ['dynamic', 'timeout'], timeout: 60 }), code: 'AlreadyExists' },
];

for (const c of cases) {
  test(`fake rejects ${c.name}, atomically`, async () => {
    const nft = new FakeNft('k');
    await nft.run(base(nft));
    const before = nft.dump();
    const tx = c.build(nft);
    tx.add({ kind: 'chain', name: 'added-before-failure' });
    await assert.rejects(nft.run(tx), (e) => e instanceof NftError && e.code === c.code);
    assert.equal(nft.dump(), before);
  });
}

test('flush then delete in order succeeds; the dump round-trips through parseDump', async () => {
  const nft = new FakeNft('k');
  await nft.run(base(nft));
  const text = nft.dump();
  const copy = new FakeNft('k');
  copy.parseDump(text);
  assert.equal(copy.dump(), text);
  await nft.run(nft.newTransaction()
    .delete({ kind: 'element', set: 'vips', key: '10.96.0.1 . tcp . 80' })
    .flush({ kind: 'chain', name: 'svc-a' })
    .delete({ kind: 'chain', name: 'svc-a' }));
  assert.deepEqual(await nft.list('chains'), ['pre']);
  assert.deepEqual(await nft.list('maps'), ['vips']);
  assert.deepEqual(await nft.list('sets'), ['aff']);
  assert.equal(nft.lastTransaction!.numOperations(), 3);
  await assert.rejects(nft.run(nft.newTransaction().delete({ kind: 'chain', name: 'svc-a' })), (e) => isNotFound(e));
  await assert.rejects(nft.run(nft.newTransaction().create({ kind: 'chain', name: 'pre', base: { type: 'nat', hook: 'prerouting', priority: -100 } })), (e) => isAlreadyExists(e));
  await nft.run(nft.newTransaction().delete({ kind: 'table' }));
  assert.equal(nft.dump(), '');
});

test('parseLine reads every rendered form', () => {
  assert.deepEqual(parseLine('add element ip k m { 1.2.3.4 . tcp . 80 comment "a/b:c" : goto x }').op.obj, { kind: 'element', set: 'm', key: '1.2.3.4 . tcp . 80', value: 'goto x', comment: 'a/b:c' });
  assert.deepEqual(parseLine('add element ip k s { 1.2.3.4 }').op.obj, { kind: 'element', set: 's', key: '1.2.3.4' });
  assert.deepEqual(parseLine('add chain ip k c { type filter hook input priority -110 ; comment "x y" ; }').op.obj, { kind: 'chain', name: 'c', base: { type: 'filter', hook: 'input', priority: -110 }, comment: 'x y' });
  assert.deepEqual(parseLine('add set ip k a { type ipv4_addr ; flags dynamic,timeout ; timeout 10s ; }').op.obj, { kind: 'set', name: 'a', type: 'ipv4_addr', flags: ['dynamic', 'timeout'], timeout: 10 });
  assert.deepEqual(parseLine('add rule ip k c ip daddr 1.2.3.4 reject comment "why"').op.obj, { kind: 'rule', chain: 'c', rule: 'ip daddr 1.2.3.4 reject', comment: 'why' });
});

test('toString puts runs of element operations on one set on one line', () => {
  const tx = new FakeNft('k').newTransaction()
    .add({ kind: 'element', set: 'm', key: '1.1.1.1 . tcp . 80 . 0', value: '10.0.0.1 . 8080', comment: 'ns/a:http' })
    .add({ kind: 'element', set: 'm', key: '1.1.1.1 . tcp . 80 . 1', value: '10.0.0.2 . 8080' })
    .add({ kind: 'element', set: 'h', key: '10.0.0.1 . 10.0.0.1' })
    .delete({ kind: 'element', set: 'h', key: '10.0.0.2 . 10.0.0.2' })
    .delete({ kind: 'element', set: 'h', key: '10.0.0.3 . 10.0.0.3' });
  assert.equal(tx.toString(), [
    'add element ip k m { 1.1.1.1 . tcp . 80 . 0 comment "ns/a:http" : 10.0.0.1 . 8080, 1.1.1.1 . tcp . 80 . 1 : 10.0.0.2 . 8080 }',
    'add element ip k h { 10.0.0.1 . 10.0.0.1 }',
    'delete element ip k h { 10.0.0.2 . 10.0.0.2, 10.0.0.3 . 10.0.0.3 }',
    '',
  ].join('\n'));
});

test('typeof maps render and parse back', () => {
  const line = 'add map ip k m { typeof ip daddr . numgen random mod 1 : ip daddr . th dport ; comment "x" ; }';
  assert.deepEqual(parseLine(line).op.obj, { kind: 'map', name: 'm', type: 'typeof ip daddr . numgen random mod 1 : ip daddr . th dport', comment: 'x' });
  const nft = new FakeNft('k');
  nft.parseDump(`add table ip k\n${line}\nadd element ip k m { 1.1.1.1 . 0 : 10.0.0.1 . 80 }\n`);
  assert.equal(nft.dump(), `add table ip k\n${line}\nadd element ip k m { 1.1.1.1 . 0 : 10.0.0.1 . 80 }\n`);
});
