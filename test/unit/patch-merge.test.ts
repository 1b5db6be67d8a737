// RFC 7386 JSON merge patch: the examples of the RFC's Appendix A, plus the
// object-only result the API needs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMergePatch } from '../../src/api/patch/index.js';
import { StatusError } from '../../src/api/status.js';
import { deepClone, type JsonObject } from '../../src/api/object.js';

interface Case {
  name: string;
  original: JsonObject;
  patch: unknown;
  want?: JsonObject;
  wantError?: { code: number };
}

const cases: Case[] = [
  { name: 'replace a value', original: { a: 'b' }, patch: { a: 'c' }, want: { a: 'c' } },
  { name: 'add a member', original: { a: 'b' }, patch: { b: 'c' }, want: { a: 'b', b: 'c' } },
  { name: 'null removes', original: { a: 'b' }, patch: { a: null }, want: {} },
  { name: 'null removes one of two', original: { a: 'b', b: 'c' }, patch: { a: null }, want: { b: 'c' } },
  { name: 'scalar replaces array', original: { a: ['b'] }, patch: { a: 'c' }, want: { a: 'c' } },
  { name: 'array replaces scalar', original: { a: 'c' }, patch: { a: ['b'] }, want: { a: ['b'] } },
  { name: 'nested merge with removal', original: { a: { b: 'c' } }, patch: { a: { b: 'd', c: null } }, want: { a: { b: 'd' } } },
  { name: 'arrays replace, never merge', original: { a: [{ b: 'c' }] }, patch: { a: [1] }, want: { a: [1] } },
  { name: 'null in the original is kept', original: { e: null }, patch: { a: 1 }, want: { e: null, a: 1 } },
  { name: 'object replaces array, its nulls dropped', original: { x: [1, 2] }, patch: { x: { a: 'b', c: null } }, want: { x: { a: 'b' } } },
  { name: 'nulls in new objects are dropped', original: {}, patch: { a: { bb: { ccc: null } } }, want: { a: { bb: {} } } },
  { name: 'nulls inside arrays are values', original: {}, patch: { a: [null, 1] }, want: { a: [null, 1] } },
  { name: 'empty patch', original: { a: 1 }, patch: {}, want: { a: 1 } },
  { name: 'array patch cannot yield an object', original: { a: 'b' }, patch: ['c'], wantError: { code: 422 } },
  { name: 'null patch cannot yield an object', original: { a: 'foo' }, patch: null, wantError: { code: 422 } },
  { name: 'string patch cannot yield an object', original: { a: 'foo' }, patch: 'bar', wantError: { code: 422 } },
];

for (const c of cases) {
  test(c.name, () => {
    const original = deepClone(c.original);
    const patch = deepClone(c.patch);
    if (c.wantError) {
      assert.throws(() => applyMergePatch(c.original, c.patch), (e: unknown) => e instanceof StatusError && e.code === c.wantError!.code);
    } else {
      assert.deepEqual(applyMergePatch(c.original, c.patch), c.want);
    }
    assert.deepEqual(c.original, original, 'original mutated');
    assert.deepEqual(c.patch, patch, 'patch mutated');
  });
}

test('result shares nothing with the inputs', () => {
  const original: JsonObject = { keep: { deep: [1] }, spec: { a: 1 } };
  const patch: JsonObject = { spec: { b: { c: 1 } } };
  const out = applyMergePatch(original, patch);
  ((out.keep as JsonObject).deep as number[]).push(2);
  ((out.spec as JsonObject).b as JsonObject).c = 2;
  assert.deepEqual(original, { keep: { deep: [1] }, spec: { a: 1 } });
  assert.deepEqual(patch, { spec: { b: { c: 1 } } });
});

test('a "__proto__" key stays data', () => {
  const out = applyMergePatch({}, JSON.parse('{"__proto__":{"polluted":true}}'));
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
  assert.deepEqual(Object.keys(out), ['__proto__']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
