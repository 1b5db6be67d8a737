// RFC 6902 JSON patch with the apiserver's error split: undecodable body 400,
// unappliable operation 422 with kube's generic message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from '../../src/api/patch/index.js';
import { StatusError } from '../../src/api/status.js';
import { deepClone, type JsonObject } from '../../src/api/object.js';

const GENERIC_422 = /^the server rejected our request due to an error in our request$/;

interface Case {
  name: string;
  original: JsonObject;
  patch: unknown;
  want?: JsonObject;
  wantError?: { code: number; reason?: string; message?: RegExp };
}

const doc = (): JsonObject => ({
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: { ports: [{ port: 80 }, { port: 443 }], selector: { app: 'web' } },
});

const cases: Case[] = [
  {
    name: 'add a map key',
    original: doc(),
    patch: [{ op: 'add', path: '/metadata/labels/tier', value: 'fe' }],
    want: { ...doc(), metadata: { name: 'web', labels: { app: 'web', tier: 'fe' } } },
  },
  {
    name: 'add into and append to an array',
    original: doc(),
    patch: [
      { op: 'add', path: '/spec/ports/1', value: { port: 8080 } },
      { op: 'add', path: '/spec/ports/-', value: { port: 9090 } },
    ],
    want: { ...doc(), spec: { ports: [{ port: 80 }, { port: 8080 }, { port: 443 }, { port: 9090 }], selector: { app: 'web' } } },
  },
  {
    name: 'remove',
    original: doc(),
    patch: [{ op: 'remove', path: '/spec/ports/0' }, { op: 'remove', path: '/metadata/labels' }],
    want: { metadata: { name: 'web' }, spec: { ports: [{ port: 443 }], selector: { app: 'web' } } },
  },
  {
    name: 'replace',
    original: doc(),
    patch: [{ op: 'replace', path: '/spec/ports/1/port', value: 8443 }],
    want: { ...doc(), spec: { ports: [{ port: 80 }, { port: 8443 }], selector: { app: 'web' } } },
  },
  {
    name: 'move',
    original: doc(),
    patch: [{ op: 'move', from: '/spec/selector', path: '/metadata/annotations' }],
    want: { metadata: { name: 'web', labels: { app: 'web' }, annotations: { app: 'web' } }, spec: { ports: [{ port: 80 }, { port: 443 }] } },
  },
  {
    name: 'copy',
    original: doc(),
    patch: [{ op: 'copy', from: '/metadata/labels', path: '/spec/selector' }],
    want: doc(),
  },
  {
    name: 'escaped pointer tokens',
    original: { metadata: { annotations: {} } },
    patch: [{ op: 'add', path: '/metadata/annotations/example.com~1a~0b', value: 'v' }],
    want: { metadata: { annotations: { 'example.com/a~b': 'v' } } },
  },
  {
    name: 'passing test then replace (optimistic concurrency)',
    original: doc(),
    patch: [
      { op: 'test', path: '/metadata/name', value: 'web' },
      { op: 'replace', path: '/metadata/name', value: 'web2' },
    ],
    want: { ...doc(), metadata: { name: 'web2', labels: { app: 'web' } } },
  },
  {
    name: 'failing test is a bare 422 and nothing applies',
    original: doc(),
    patch: [
      { op: 'replace', path: '/metadata/name', value: 'x' },
      { op: 'test', path: '/spec/ports/0/port', value: 81 },
    ],
    wantError: { code: 422, reason: 'Invalid', message: GENERIC_422 },
  },
  { name: 'remove of a missing path', original: doc(), patch: [{ op: 'remove', path: '/spec/affinity' }], wantError: { code: 422, message: GENERIC_422 } },
  { name: 'replace of a missing path', original: doc(), patch: [{ op: 'replace', path: '/spec/x', value: 1 }], wantError: { code: 422 } },
  { name: 'add under a missing parent', original: doc(), patch: [{ op: 'add', path: '/a/b', value: 1 }], wantError: { code: 422 } },
  { name: 'array index out of range', original: doc(), patch: [{ op: 'add', path: '/spec/ports/5', value: 1 }], wantError: { code: 422 } },
  { name: 'unknown op', original: doc(), patch: [{ op: 'frob', path: '/spec' }], wantError: { code: 422 } },
  { name: 'add without value', original: doc(), patch: [{ op: 'add', path: '/spec/x' }], wantError: { code: 422 } },
  { name: 'path without leading slash', original: doc(), patch: [{ op: 'add', path: 'spec/x', value: 1 }], wantError: { code: 422 } },
  { name: 'prototype pollution refused', original: doc(), patch: [{ op: 'add', path: '/__proto__/x', value: 1 }], wantError: { code: 422 } },
  {
    name: 'a patch that is not a list',
    original: doc(),
    patch: { op: 'add', path: '/x', value: 1 },
    wantError: { code: 400, reason: 'BadRequest', message: /^json: cannot unmarshal object into Go value of type jsonpatch\.Patch$/ },
  },
  { name: 'an operation that is not an object', original: doc(), patch: ['add'], wantError: { code: 400, message: /jsonpatch\.Operation/ } },
  { name: 'null patch changes nothing', original: doc(), patch: null, want: doc() },
  { name: 'empty patch changes nothing', original: doc(), patch: [], want: doc() },
  {
    name: 'a result that is not an object',
    original: doc(),
    patch: [{ op: 'replace', path: '', value: 5 }],
    wantError: { code: 422, reason: 'Invalid', message: /^ "" is invalid: patch: Invalid value: "5": json: cannot unmarshal number into Go value/ },
  },
];

for (const c of cases) {
  test(c.name, () => {
    const original = deepClone(c.original);
    const patch = deepClone(c.patch);
    const apply = () => applyJsonPatch(c.original, c.patch);
    if (c.wantError) {
      assert.throws(apply, (e: unknown) => {
        assert.ok(e instanceof StatusError, String(e));
        assert.equal(e.code, c.wantError!.code, e.message);
        if (c.wantError!.reason) assert.equal(e.reason, c.wantError!.reason);
        if (c.wantError!.message) assert.match(e.message, c.wantError!.message);
        return true;
      });
    } else {
      assert.deepEqual(apply(), c.want);
    }
    assert.deepEqual(c.original, original, 'original mutated');
    assert.deepEqual(c.patch, patch, 'patch mutated');
  });
}

test('422 keeps the underlying failure as cause, details empty like kube', () => {
  try {
    applyJsonPatch(doc(), [{ op: 'test', path: '/metadata/name', value: 'nope' }]);
    assert.fail('no error');
  } catch (e) {
    assert.ok(e instanceof StatusError);
    assert.deepEqual(e.toStatus().details, {});
    assert.match(String((e as Error).cause), /Test operation failed/);
  }
});

test('result shares nothing with the operations', () => {
  const value = { a: { b: 1 } };
  const out = applyJsonPatch({}, [{ op: 'add', path: '/x', value }]);
  (out.x as JsonObject).a = 2;
  assert.deepEqual(value, { a: { b: 1 } });
});

test('too many operations is 413', () => {
  const ops = Array.from({ length: MAX_JSON_PATCH_OPERATIONS + 1 }, () => ({ op: 'test', path: '/a', value: 1 }));
  assert.throws(() => applyJsonPatch({ a: 1 }, ops), (e: unknown) => {
    assert.ok(e instanceof StatusError);
    assert.equal(e.code, 413);
    assert.equal(e.message, 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001');
    return true;
  });
});
