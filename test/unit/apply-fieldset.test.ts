import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../src/api/status.js';
import { defaultFieldManager, FieldSet, fieldSetOf, managedSetOf, pathString } from '../../src/api/apply/index.js';
import { podSchema, schemas, service, serviceSchema } from './apply-fixtures.js';

const fv = (s: FieldSet): string => JSON.stringify(s.toFieldsV1());

describe('field sets of objects', () => {
  const cases: { name: string; obj: Record<string, unknown>; schema?: typeof serviceSchema; want: unknown }[] = [
    {
      name: 'granular map: labels; server metadata and apiVersion/kind untracked',
      obj: service({}, { uid: 'u', resourceVersion: '5', generation: 2, labels: { app: 'web', tier: 'fe' } }),
      want: { 'f:metadata': { 'f:labels': { 'f:app': {}, 'f:tier': {} } } },
    },
    {
      name: 'map list with two keys; missing key taken from its default',
      obj: service({ ports: [{ port: 80, targetPort: 8080 }, { port: 53, protocol: 'UDP' }] }),
      want: {
        'f:spec': {
          'f:ports': {
            'k:{"port":53,"protocol":"UDP"}': { '.': {}, 'f:port': {}, 'f:protocol': {} },
            'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {}, 'f:targetPort': {} },
          },
        },
      },
    },
    {
      name: 'set list: finalizers',
      obj: service({}, { finalizers: ['b.io/x', 'a.io/y'] }),
      want: { 'f:metadata': { 'f:finalizers': { 'v:"a.io/y"': {}, 'v:"b.io/x"': {} } } },
    },
    {
      name: 'atomic list, list without type, atomic map',
      obj: service({ clusterIPs: ['10.0.0.1'], externalIPs: ['1.2.3.4'], selector: { app: 'web' } }),
      want: { 'f:spec': { 'f:clusterIPs': {}, 'f:externalIPs': {}, 'f:selector': {} } },
    },
    {
      name: 'merge key without list type; nested map list; empty struct is owned',
      schema: podSchema,
      obj: {
        apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' },
        spec: { containers: [{ name: 'app', image: 'nginx', env: [{ name: 'A', value: '1' }] }], volumes: [{ name: 'tmp', emptyDir: {} }] },
      },
      want: {
        'f:spec': {
          'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:env': { 'k:{"name":"A"}': { '.': {}, 'f:name': {}, 'f:value': {} } }, 'f:image': {}, 'f:name': {} } },
          'f:volumes': { 'k:{"name":"tmp"}': { '.': {}, 'f:emptyDir': {}, 'f:name': {} } },
        },
      },
    },
    {
      name: 'fields without schema are deduced: maps granular, lists atomic',
      obj: service({ extra: { a: 1, b: [1, 2] } }),
      want: { 'f:spec': { 'f:extra': { '.': {}, 'f:a': {}, 'f:b': {} } } },
    },
    {
      name: 'empty map list and null are owned as leaves',
      obj: service({ ports: [], type: null }),
      want: { 'f:spec': { 'f:ports': {}, 'f:type': {} } },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(managedSetOf(c.obj, c.schema ?? serviceSchema, schemas).toFieldsV1(), c.want);
    });
  }

  it('fieldSetOf a sub-tree keeps everything', () => {
    const s = fieldSetOf({ apiVersion: 'v1', metadata: { name: 'x' } }, serviceSchema, schemas);
    assert.deepEqual(s.toFieldsV1(), { 'f:apiVersion': {}, 'f:metadata': { 'f:name': {} } });
  });

  const bad: { name: string; spec: Record<string, unknown>; msg: RegExp }[] = [
    { name: 'missing key without default', spec: { ports: [{ protocol: 'TCP' }] }, msg: /\.spec\.ports: element 0: associative list with keys has an element that omits key field "port"/ },
    { name: 'duplicate keys', spec: { ports: [{ port: 80 }, { port: 80, protocol: 'TCP' }] }, msg: /duplicate entries for key \[port=80,protocol="TCP"\]/ },
  ];
  for (const c of bad) {
    it(`strict extraction rejects ${c.name}`, () => {
      assert.throws(
        () => managedSetOf(service(c.spec), serviceSchema, schemas, { strict: true }),
        (e: unknown) => e instanceof StatusError && e.code === 400 && c.msg.test(e.message),
      );
      assert.doesNotThrow(() => managedSetOf(service(c.spec), serviceSchema, schemas));
    });
  }
});

describe('FieldsV1 serialisation', () => {
  const wire = '{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:ports":{"k:{\\"port\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:port":{}}}}}';

  it('round-trips the Kubernetes form byte for byte', () => {
    assert.equal(fv(FieldSet.fromFieldsV1(JSON.parse(wire))), wire);
  });

  it('orders fields < keys < values, numbers numerically, "." first', () => {
    const s = FieldSet.of(
      ['f:x', 'i:10'], ['f:x', 'i:9'], ['f:x', 'v:"b"'], ['f:x', 'v:2'], ['f:x', 'k:{"a":10}'], ['f:x', 'k:{"a":9}'], ['f:x', 'f:z'], ['f:x'],
    );
    assert.equal(fv(s), '{"f:x":{".":{},"f:z":{},"k:{\\"a\\":9}":{},"k:{\\"a\\":10}":{},"v:2":{},"v:\\"b\\"":{},"i:9":{},"i:10":{}}}');
  });

  it('reads membership from "." and empty objects; drops unknown element types', () => {
    const s = FieldSet.fromFieldsV1({ 'f:a': { '.': {}, 'f:b': {} }, 'f:c': { 'f:d': {} }, 'x:e': {}, 'f:g': { 'q:h': {} } });
    assert.deepEqual(s.paths(), [['f:a'], ['f:a', 'f:b'], ['f:c', 'f:d']]);
  });

  it('prints paths as Kubernetes does', () => {
    assert.equal(pathString(['f:spec', 'f:ports', 'k:{"port":80,"protocol":"TCP"}', 'f:targetPort']), '.spec.ports[port=80,protocol="TCP"].targetPort');
    assert.equal(pathString(['f:metadata', 'f:finalizers', 'v:"a"']), '.metadata.finalizers[="a"]');
    assert.equal(pathString(['f:x', 'i:3']), '.x[3]');
  });
});

describe('set operations', () => {
  const A = FieldSet.of(['f:a'], ['f:b', 'f:c'], ['f:b', 'f:d'], ['f:l', 'k:{"k":1}'], ['f:l', 'k:{"k":1}', 'f:v']);
  const B = FieldSet.of(['f:b', 'f:c'], ['f:e'], ['f:l', 'k:{"k":1}', 'f:v']);
  const cases = [
    { name: 'union', got: A.union(B), want: [['f:a'], ['f:b', 'f:c'], ['f:b', 'f:d'], ['f:e'], ['f:l', 'k:{"k":1}'], ['f:l', 'k:{"k":1}', 'f:v']] },
    { name: 'difference', got: A.difference(B), want: [['f:a'], ['f:b', 'f:d'], ['f:l', 'k:{"k":1}']] },
    { name: 'intersection', got: A.intersection(B), want: [['f:b', 'f:c'], ['f:l', 'k:{"k":1}', 'f:v']] },
    { name: 'difference with itself is empty', got: A.difference(A), want: [] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(c.got.paths(), c.want));

  it('operations do not modify their operands', () => {
    const before = fv(A);
    A.union(B); A.difference(B); A.intersection(B);
    assert.equal(fv(A), before);
  });

  it('subtractSubtrees drops whole sub-trees', () => {
    const s = A.clone();
    assert.equal(s.subtractSubtrees(FieldSet.of(['f:l', 'k:{"k":1}'], ['f:b', 'f:c'])), true);
    assert.deepEqual(s.paths(), [['f:a'], ['f:b', 'f:d']]);
  });

  it('has, equals, size, isEmpty', () => {
    assert.ok(A.has(['f:b', 'f:c']) && !A.has(['f:b']) && !A.has([]));
    assert.ok(A.equals(A.clone()) && !A.equals(B));
    assert.equal(A.size(), 5);
    assert.ok(new FieldSet().isEmpty() && !A.isEmpty());
  });
});

describe('defaultFieldManager', () => {
  const cases: [string | undefined, string][] = [
    ['kubectl/v1.32.0 (linux/amd64) kubernetes/70d3cc9', 'kubectl'],
    ['kube-controller-manager/v1.32.0 (linux/amd64) kubernetes/abc/system:serviceaccount:kube-system:x', 'kube-controller-manager'],
    ['Go-http-client/1.1', 'Go-http-client'],
    ['curl', 'curl'],
    ['', ''],
    [undefined, ''],
    ['bad\u0000\u0007 name/1', 'bad name'],
    ['x'.repeat(200) + '/1', 'x'.repeat(128)],
    ['é'.repeat(100), 'é'.repeat(64)], // 2 bytes each: 128 bytes
  ];
  for (const [ua, want] of cases) it(JSON.stringify(ua)?.slice(0, 40) ?? 'undefined', () => assert.equal(defaultFieldManager(ua), want));
});
