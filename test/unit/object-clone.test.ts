// deepClone copies JSON data exactly: no shared sub-tree, nothing lost, and a
// "__proto__" key (JSON.parse makes it an own key) stays a key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deepClone } from '../../src/api/object.js';

test('deepClone copies every value and shares nothing', () => {
  const v = { a: [1, 'x', null, true, { b: [[2]] }], c: { d: { e: 'f' } }, g: null, h: 0, i: '' };
  const c = deepClone(v);
  assert.deepEqual(c, v);
  assert.notEqual(c.a, v.a);
  assert.notEqual(c.a[4], v.a[4]);
  assert.notEqual(c.c.d, v.c.d);
  (c.c.d as any).e = 'changed';
  assert.equal(v.c.d.e, 'f');
});

test('deepClone keeps a __proto__ key as data, not as the prototype', () => {
  const v = JSON.parse('{"labels":{"__proto__":{"polluted":"yes"},"app":"a"}}');
  const c = deepClone(v);
  assert.equal(Object.getPrototypeOf(c.labels), Object.prototype);
  assert.deepEqual(Object.keys(c.labels), ['__proto__', 'app']);
  assert.deepEqual(c.labels.__proto__, { polluted: 'yes' });
  assert.equal(({} as any).polluted, undefined);
  assert.equal(JSON.stringify(c), JSON.stringify(v));
});
