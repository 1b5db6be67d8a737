// Content-Type dispatch and body decoding for PATCH.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePatchBody, PATCH_CONTENT_TYPES } from '../../src/api/patch/index.js';
import { StatusError } from '../../src/api/status.js';

const ALL_415 =
  'the body of the request was in an unknown format - accepted media types include: ' +
  'application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml';

const ok: { name: string; type: string; body: string; want: unknown }[] = [
  { name: 'json patch', type: 'application/json-patch+json', body: '[{"op":"remove","path":"/a"}]', want: { kind: 'json', value: [{ op: 'remove', path: '/a' }] } },
  { name: 'merge patch', type: 'application/merge-patch+json', body: '{"a":null}', want: { kind: 'merge', value: { a: null } } },
  { name: 'strategic merge patch', type: 'application/strategic-merge-patch+json', body: '{"a":1}', want: { kind: 'strategic', value: { a: 1 } } },
  { name: 'charset parameter and case ignored', type: 'Application/Merge-Patch+JSON; charset=utf-8', body: '{}', want: { kind: 'merge', value: {} } },
  { name: 'apply with a JSON body (what kubectl sends)', type: 'application/apply-patch+yaml', body: '{"apiVersion":"v1","kind":"Service","metadata":{"name":"x"}}', want: { kind: 'apply', value: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' } } } },
  { name: 'apply with a YAML body', type: 'application/apply-patch+yaml', body: 'apiVersion: v1\nkind: Service\nspec:\n  ports:\n  - port: 80\n', want: { kind: 'apply', value: { apiVersion: 'v1', kind: 'Service', spec: { ports: [{ port: 80 }] } } } },
  { name: 'apply with an empty body', type: 'application/apply-patch+yaml', body: '', want: { kind: 'apply', value: {} } },
];

for (const c of ok) test(c.name, () => assert.deepEqual(parsePatchBody(c.type, c.body), c.want));

const bad: { name: string; type: string; body: string; code: number; message?: RegExp | string; accepted?: readonly string[] }[] = [
  { name: 'plain JSON is not a patch type', type: 'application/json', body: '{}', code: 415, message: ALL_415 },
  { name: 'missing content type', type: '', body: '{}', code: 415, message: ALL_415 },
  { name: 'CBOR apply is not offered', type: 'application/apply-patch+cbor', body: '', code: 415, message: ALL_415 },
  {
    name: 'custom resources accept no strategic merge patch',
    type: 'application/strategic-merge-patch+json',
    body: '{}',
    accepted: PATCH_CONTENT_TYPES.filter((t) => !t.includes('strategic')),
    code: 415,
    message: 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
  },
  { name: 'invalid JSON patch body', type: 'application/json-patch+json', body: '[{', code: 400, message: /^error decoding patch: / },
  { name: 'empty merge patch body', type: 'application/merge-patch+json', body: '', code: 400, message: 'error decoding patch: unexpected end of JSON input' },
  { name: 'invalid strategic body', type: 'application/strategic-merge-patch+json', body: 'nope', code: 400 },
  { name: 'invalid YAML', type: 'application/apply-patch+yaml', body: 'a: [1', code: 400, message: /^error decoding YAML: / },
  { name: 'several YAML documents', type: 'application/apply-patch+yaml', body: 'a: 1\n---\nb: 2\n', code: 400, message: /^error decoding YAML: / },
  { name: 'apply body that is a list', type: 'application/apply-patch+yaml', body: '[1]', code: 400, message: /cannot unmarshal array into Go value of type map/ },
];

for (const c of bad) {
  test(c.name, () => {
    assert.throws(() => parsePatchBody(c.type, c.body, c.accepted), (e: unknown) => {
      assert.ok(e instanceof StatusError, String(e));
      assert.equal(e.code, c.code, e.message);
      assert.equal(e.reason, c.code === 415 ? 'UnsupportedMediaType' : 'BadRequest');
      if (typeof c.message === 'string') assert.equal(e.message, c.message);
      else if (c.message) assert.match(e.message, c.message);
      return true;
    });
  });
}
