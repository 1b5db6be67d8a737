// ConfigMap and Secret validation, Secret defaulting (stringData folded into
// data), Go's base64 and JSON error texts, and the pod fields that refer to
// ConfigMaps and Secrets: each checked by the exact "field: message" line of a
// Kubernetes 1.32 422 Status.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validateCreate, validateUpdate } from '../../src/api/validation/index.js';
import { fieldErrorMessage, type FieldError } from '../../src/api/status.js';
import { applyDefaults } from '../../src/api/defaults/index.js';
import { base64ErrorOffset } from '../../src/api/schema/go-base64.js';
import { goJsonError } from '../../src/api/validation/go-json.js';
import type { KubeObject } from '../../src/api/object.js';

const lines = (errs: FieldError[]): string[] => errs.map((e) => `${e.field}: ${fieldErrorMessage(e)}`);
const meta = { name: 'c', namespace: 'default' };
const b64 = (s: string) => Buffer.from(s).toString('base64');
const keyMsg = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

describe('ConfigMap validation', () => {
  const cases: { name: string; cm: Record<string, unknown>; want: string[] }[] = [
    { name: 'valid keys', cm: { data: { 'a.b': 'x', KEY_NAME: 'y', 'k-1': '' }, binaryData: { bin: b64('\x00\x01') } }, want: [] },
    { name: 'bad key', cm: { data: { 'a b': 'x' } }, want: [`data[a b]: Invalid value: "a b": ${keyMsg}`] },
    { name: "'.' and '..'-prefixed keys", cm: { data: { '.': '1', '..x': '2' } }, want: ['data[.]: Invalid value: ".": must not be \'.\'', 'data[..x]: Invalid value: "..x": must not start with \'..\''] },
    { name: 'over 253 characters', cm: { binaryData: { ['k'.repeat(254)]: '' } }, want: [`binaryData[${'k'.repeat(254)}]: Invalid value: "${'k'.repeat(254)}": must be no more than 253 characters`] },
    { name: 'a key in data and binaryData', cm: { data: { k: 'x' }, binaryData: { k: b64('y') } }, want: ['data[k]: Invalid value: "k": duplicate of key present in binaryData'] },
    { name: 'over 1 MiB in all', cm: { data: { a: 'x'.repeat(600_000) }, binaryData: { b: b64('y'.repeat(600_000)) } }, want: ['[]: Too long: may not be more than 1048576 bytes'] },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(lines(validateCreate('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta, ...c.cm } as KubeObject)), c.want));

  test('keys are the object\'s own: toString is a key like any other', () => {
    assert.deepEqual(lines(validateCreate('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta, data: { toString: 'x', constructor: 'y' } } as KubeObject)), []);
  });

  test('immutable: data, binaryData and the flag itself are frozen', () => {
    const old = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { ...meta, resourceVersion: '1' }, data: { a: '1' }, immutable: true } as KubeObject;
    assert.deepEqual(lines(validateUpdate('configmaps', { ...old, metadata: { ...old.metadata, labels: { x: 'y' } } } as KubeObject, old)), []);
    assert.deepEqual(lines(validateUpdate('configmaps', { ...old, data: { a: '2' }, binaryData: { b: '' }, immutable: false } as KubeObject, old)), [
      'immutable: Forbidden: field is immutable when `immutable` is set',
      'data: Forbidden: field is immutable when `immutable` is set',
      'binaryData: Forbidden: field is immutable when `immutable` is set',
    ]);
    const mutable = { ...old, immutable: undefined } as KubeObject;
    assert.deepEqual(lines(validateUpdate('configmaps', { ...mutable, data: { a: '2' } } as KubeObject, mutable)), []);
  });
});

describe('Secret validation and defaults', () => {
  const secret = (o: Record<string, unknown>): KubeObject => {
    const s = { apiVersion: 'v1', kind: 'Secret', metadata: { ...meta }, ...o } as KubeObject;
    applyDefaults('secrets', s);
    return s;
  };
  test('defaults: type Opaque; stringData goes into data (over the same key) and is gone', () => {
    const s = secret({ data: { a: b64('old'), b: b64('kept') }, stringData: { a: 'new', c: 'pässword' } });
    assert.equal(s.type, 'Opaque');
    assert.deepEqual(s.data, { a: b64('new'), b: b64('kept'), c: b64('pässword') });
    assert.equal('stringData' in s, false);
  });

  const cases: { name: string; s: Record<string, unknown>; annotations?: Record<string, string>; want: string[] }[] = [
    { name: 'Opaque with any keys', s: { data: { 'x.y': b64('1') } }, want: [] },
    { name: 'a bad stringData key is reported as its data key', s: { stringData: { 'no/slash': 'v' } }, want: [`data[no/slash]: Invalid value: "no/slash": ${keyMsg}`] },
    { name: 'over 1 MiB of decoded data', s: { data: { a: b64('x'.repeat(1024 * 1024 + 1)) } }, want: ['data: Too long: may not be more than 1048576 bytes'] },
    { name: 'tls needs tls.crt and tls.key', s: { type: 'kubernetes.io/tls', data: {} }, want: ['data[tls.crt]: Required value', 'data[tls.key]: Required value'] },
    { name: 'tls with both', s: { type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } }, want: [] },
    { name: 'basic-auth needs username or password', s: { type: 'kubernetes.io/basic-auth' }, want: ['data[username]: Required value', 'data[password]: Required value'] },
    { name: 'basic-auth with a password only', s: { type: 'kubernetes.io/basic-auth', stringData: { password: 'p' } }, want: [] },
    { name: 'ssh-auth needs a non-empty private key', s: { type: 'kubernetes.io/ssh-auth', data: { 'ssh-privatekey': '' } }, want: ['data[ssh-privatekey]: Required value'] },
    { name: 'dockerconfigjson must be a JSON object', s: { type: 'kubernetes.io/dockerconfigjson', stringData: { '.dockerconfigjson': '{"auths":' } },
      want: ['data[.dockerconfigjson]: Invalid value: "<secret contents redacted>": unexpected end of JSON input'] },
    { name: 'dockercfg missing', s: { type: 'kubernetes.io/dockercfg' }, want: ['data[.dockercfg]: Required value'] },
    { name: 'service-account-token needs its service account annotation', s: { type: 'kubernetes.io/service-account-token' },
      want: ['metadata.annotations[kubernetes.io/service-account.name]: Required value'] },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(lines(validateCreate('secrets', secret(c.s))), c.want));

  test('update: type is immutable; immutable freezes data', () => {
    const old = secret({ metadata: { ...meta, resourceVersion: '1' }, data: { a: b64('1') }, immutable: true });
    const next = secret({ metadata: { ...meta, resourceVersion: '1' }, type: 'kubernetes.io/basic-auth', stringData: { username: 'u' }, immutable: true });
    assert.deepEqual(lines(validateUpdate('secrets', next, old)), [
      'type: Invalid value: "kubernetes.io/basic-auth": field is immutable',
      'data: Forbidden: field is immutable when `immutable` is set',
    ]);
  });
});

describe("Go's decoding errors", () => {
  const b64cases: [string, number | undefined][] = [
    ['aGVsbG8=', undefined], ['aGk=\n', undefined], ['aG\nVsbG8=', undefined], ['', undefined],
    ['aGVsbG8', 4], ['a===', 1], ['aGk=x', 4], ['not base64!', 3], ['aGVsbA=', 7], ['aGVsbA=x', 6],
  ];
  for (const [s, want] of b64cases) test(`base64 ${JSON.stringify(s)} → ${want ?? 'ok'}`, () => assert.equal(base64ErrorOffset(s), want));

  const jsonCases: [string, string | undefined][] = [
    ['{"auths":{"r":{"auth":"x"}}}', undefined], ['null', undefined], [' {} ', undefined],
    ['', 'unexpected end of JSON input'], ['{"a":', 'unexpected end of JSON input'],
    ['x', "invalid character 'x' looking for beginning of value"],
    ['{a}', "invalid character 'a' looking for beginning of object key string"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b"}', "invalid character '\"' after object key:value pair"],
    ['{} x', "invalid character 'x' after top-level value"],
    ['{"a":tru}', "invalid character '}' in literal true (expecting 'e')"],
    ['[1]', 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
    ['{"a":01}', "invalid character '1' after object key:value pair"],
    ['{"a":1.}', "invalid character '}' after decimal point in numeric literal"],
    ['{"a":1e}', "invalid character '}' in exponent of numeric literal"],
    ['{"a":-1.5e+3}', undefined],
    ['{"a":"\\uZZ"}', "invalid character 'Z' in \\u hexadecimal character escape"],
    ['{\n', 'unexpected end of JSON input'],
    ['\n x', "invalid character 'x' looking for beginning of value"],
    ['{"a":\n\t}', "invalid character '}' looking for beginning of value"],
    ['{"a":"x\ny"}', "invalid character '\\n' in string literal"],
    ['é', "invalid character 'Ã' looking for beginning of value"],
    ['"s"', 'json: cannot unmarshal string into Go value of type map[string]interface {}'],
  ];
  for (const [s, want] of jsonCases) test(`json ${JSON.stringify(s)}`, () => assert.equal(goJsonError(s), want));
});

describe('pod env references to ConfigMaps and Secrets', () => {
  const pod = (c: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x', ...c }] } } as KubeObject);
  const subdomain = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  const errsOf = (c: Record<string, unknown>) => lines(validateCreate('pods', pod(c))).filter((l) => l.includes('env'));
  test('key selectors: the name must be a subdomain (an empty one too), the key a config key', () => {
    assert.deepEqual(errsOf({ env: [
      { name: 'A', valueFrom: { configMapKeyRef: { name: '', key: 'k' } } },
      { name: 'B', valueFrom: { secretKeyRef: { name: 's', key: '' } } },
      { name: 'C', valueFrom: { secretKeyRef: { name: 's', key: 'a b' } } },
      { name: 'D', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'ok', optional: true } } },
    ] }), [
      `spec.containers[0].env[0].valueFrom.configMapKeyRef.name: Invalid value: "": ${subdomain}`,
      'spec.containers[0].env[1].valueFrom.secretKeyRef.key: Required value',
      `spec.containers[0].env[2].valueFrom.secretKeyRef.key: Invalid value: "a b": ${keyMsg}`,
    ]);
  });
  test('envFrom: a source name is required and a subdomain', () => {
    assert.deepEqual(errsOf({ envFrom: [{ configMapRef: {} }, { secretRef: { name: 'Bad' } }, { prefix: 'P_', configMapRef: { name: 'ok' } }] }), [
      'spec.containers[0].envFrom[0].configMapRef.name: Required value',
      `spec.containers[0].envFrom[1].secretRef.name: Invalid value: "Bad": ${subdomain}`,
    ]);
  });
});
