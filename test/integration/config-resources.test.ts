// ConfigMaps and Secrets through the real kubectl: create from literals and
// files, the tables kubectl prints, stringData folded into data and never read
// back, describe, the typed secrets kubectl makes, and errors in Kubernetes'
// words (422 with field paths, 400 for bad base64, immutable objects).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { suiteWithKubectl } from '../support/server.js';
import { parseTable, rowByName } from '../support/table.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const json = (o: unknown) => ({ input: JSON.stringify(o) });

describe('ConfigMaps and Secrets', { timeout: 90_000 }, () => {
  const suite = suiteWithKubectl();

  test('kubectl create configmap from literals and a file; get prints NAME DATA AGE; api-resources lists cm', async () => {
    const file = suite.k.file('nginx.conf', 'server { listen 80; }\n');
    await suite.k.ok(['create', 'configmap', 'web', '--from-literal=MODE=prod', `--from-file=${file}`]);
    await suite.k.ok(['create', '-f', '-'], json({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bin' }, binaryData: { blob: b64('\x00\x01') }, data: { a: '1' } }));
    const t = parseTable(await suite.k.ok(['get', 'configmaps']));
    assert.deepEqual(t.columns, ['NAME', 'DATA', 'AGE']);
    assert.equal(rowByName(t, 'web').DATA, '2');
    assert.equal(rowByName(t, 'bin').DATA, '2', 'binaryData keys count too');
    const cm = JSON.parse(await suite.k.ok(['get', 'cm', 'web', '-o', 'json']));
    assert.deepEqual(cm.data, { MODE: 'prod', 'nginx.conf': 'server { listen 80; }\n' });
    const described = await suite.k.ok(['describe', 'configmap', 'web']);
    assert.match(described, /^MODE:\n----\nprod$/m, described);
    assert.match(await suite.k.ok(['api-resources', '--api-group=']), /^configmaps\s+cm\s+v1\s+true\s+ConfigMap$/m);
  });

  test('kubectl create secret generic / tls / docker-registry: types, DATA counts, values base64 in data', async () => {
    await suite.k.ok(['create', 'secret', 'generic', 'db', '--from-literal=password=s3cr=t', '--from-literal=user=admin']);
    // The serving certificate and key of the test server make a real TLS pair for kubectl's own check.
    await suite.k.ok(['create', 'secret', 'tls', 'web-tls', `--cert=${join(suite.srv.dataDir, 'pki', 'apiserver.crt')}`, `--key=${join(suite.srv.dataDir, 'pki', 'apiserver.key')}`]);
    await suite.k.ok(['create', 'secret', 'docker-registry', 'pull', '--docker-server=registry.example', '--docker-username=u', '--docker-password=p']);
    const t = parseTable(await suite.k.ok(['get', 'secrets']));
    assert.deepEqual(t.columns, ['NAME', 'TYPE', 'DATA', 'AGE']);
    assert.deepEqual(['db', 'web-tls', 'pull'].map((n) => [rowByName(t, n).TYPE, rowByName(t, n).DATA]), [['Opaque', '2'], ['kubernetes.io/tls', '2'], ['kubernetes.io/dockerconfigjson', '1']]);
    assert.equal(await suite.k.ok(['get', 'secret', 'db', '-o', 'jsonpath={.data.password}']), b64('s3cr=t'));
    const described = await suite.k.ok(['describe', 'secret', 'db']);
    assert.match(described, /^password:\s+6 bytes$/m, described);
  });

  test('stringData is merged into data on create and on apply, and never returned', async () => {
    const s = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'plain' }, data: { a: b64('old'), b: b64('kept') }, stringData: { a: 'new' } };
    await suite.k.ok(['apply', '-f', '-'], json(s));
    let got = JSON.parse(await suite.k.ok(['get', 'secret', 'plain', '-o', 'json']));
    assert.deepEqual(got.data, { a: b64('new'), b: b64('kept') });
    assert.equal(got.type, 'Opaque');
    assert.equal('stringData' in got, false);
    await suite.k.ok(['apply', '-f', '-'], json({ ...s, stringData: { c: 'added' } }));
    got = JSON.parse(await suite.k.ok(['get', 'secret', 'plain', '-o', 'json']));
    assert.deepEqual(got.data, { a: b64('old'), b: b64('kept'), c: b64('added') });
  });

  test('422 Invalid: bad keys and the keys a type requires, with field paths', async () => {
    let r = await suite.k.run(['create', '-f', '-'], json({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bad-tls' }, type: 'kubernetes.io/tls', stringData: { 'tls.crt': 'x' } }));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /The Secret "bad-tls" is invalid: data\[tls\.key\]: Required value/, r.stderr);
    r = await suite.k.run(['create', '-f', '-'], json({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bad-keys' }, data: { 'a b': '1', k: 'x' }, binaryData: { k: b64('y') } }));
    assert.match(r.stderr, /The ConfigMap "bad-keys" is invalid: \n\* data\[a b\]: Invalid value: "a b": a valid config key must consist of alphanumeric characters, '-', '_' or '\.'/, r.stderr);
    assert.match(r.stderr, /\* data\[k\]: Invalid value: "k": duplicate of key present in binaryData/, r.stderr);
    r = await suite.k.run(['create', '-f', '-'], json({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { a: 'x'.repeat(1024 * 1024 + 1) } }));
    assert.match(r.stderr, /The ConfigMap "big" is invalid: \[\]: Too long: may not be more than 1048576 bytes/, r.stderr);
  });

  test('400 BadRequest: data that is not base64, in the words of Go\'s decoder', async () => {
    const r = await suite.k.run(['create', '-f', '-'], json({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'not-b64' }, data: { a: 'abc!' } }));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3/, r.stderr);
    assert.equal((await suite.k.run(['get', 'secret', 'not-b64'])).code, 1, 'nothing was stored');
    const num = await suite.k.run(['create', '-f', '-'], json({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'num' }, data: { a: 5 } }));
    assert.match(num.stderr, /ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap\.data of type string/, num.stderr);
    // A patch's result is decoded the same way: bad base64 written by a patch is refused too.
    await suite.k.ok(['create', 'secret', 'generic', 'patched', '--from-literal=a=1']);
    const p = await suite.k.run(['patch', 'secret', 'patched', '--type=merge', '-p', '{"data":{"a":"!!"}}']);
    assert.match(p.stderr, /illegal base64 data at input byte 0/, p.stderr);
    assert.equal(await suite.k.ok(['get', 'secret', 'patched', '-o', 'jsonpath={.data.a}']), b64('1'));
  });

  test('immutable: data can no longer change, the flag cannot be unset, deletion still works', async () => {
    await suite.k.ok(['create', '-f', '-'], json({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'frozen' }, data: { a: '1' }, immutable: true }));
    let r = await suite.k.run(['patch', 'configmap', 'frozen', '--type=merge', '-p', '{"data":{"a":"2"}}']);
    assert.match(r.stderr, /The ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set/, r.stderr);
    r = await suite.k.run(['patch', 'configmap', 'frozen', '--type=merge', '-p', '{"immutable":false}']);
    assert.match(r.stderr, /immutable: Forbidden: field is immutable when `immutable` is set/, r.stderr);
    await suite.k.ok(['label', 'configmap', 'frozen', 'x=y']);
    await suite.k.ok(['delete', 'configmap', 'frozen']);
    await suite.k.ok(['create', 'secret', 'generic', 'typed', '--type=example.com/custom', '--from-literal=a=1']);
    r = await suite.k.run(['patch', 'secret', 'typed', '--type=merge', '-p', '{"type":"Opaque"}']);
    assert.match(r.stderr, /The Secret "typed" is invalid: type: Invalid value: "Opaque": field is immutable/, r.stderr);
  });

  test('kubectl explain secret.stringData and configmap.binaryData read the served OpenAPI', async () => {
    assert.match(await suite.k.ok(['explain', 'secret.stringData']), /FIELD:\s+stringData <map\[string\]string>/);
    assert.match(await suite.k.ok(['explain', 'configmap.binaryData']), /FIELD:\s+binaryData <map\[string\]string>/);
  });
});
