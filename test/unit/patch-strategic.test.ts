// Strategic merge patch, table-driven. Schemas below mirror the patch metadata
// Kubernetes publishes (Service ports by `port`, containers/env/volumes by `name`,
// volumes `merge,retainKeys`, finalizers a merged primitive list, tolerations
// replaced). `Item` mirrors apimachinery's own test type (mergingList, mergingIntList).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyStrategicMergePatch } from '../../src/api/patch/index.js';
import { StatusError } from '../../src/api/status.js';
import { deepClone, type JsonObject } from '../../src/api/object.js';
import { refTo, type Schema, type SchemaMap } from '../../src/api/schema/types.js';

const str: Schema = { type: 'string' };
const strMap: Schema = { type: 'object', additionalProperties: str };
const ref = (name: string): Schema => ({ $ref: refTo(name) });
const mergeList = (item: Schema, key?: string, strategy = 'merge'): Schema => ({
  type: 'array',
  items: item,
  'x-kubernetes-patch-strategy': strategy,
  ...(key ? { 'x-kubernetes-patch-merge-key': key } : {}),
});

const schemas: SchemaMap = {
  ObjectMeta: {
    type: 'object',
    properties: { name: str, labels: strMap, annotations: strMap, finalizers: mergeList(str) },
  },
  Service: { type: 'object', properties: { metadata: ref('ObjectMeta'), spec: ref('ServiceSpec') } },
  ServiceSpec: {
    type: 'object',
    properties: {
      type: str,
      selector: { ...strMap, 'x-kubernetes-map-type': 'atomic' },
      ports: { ...mergeList(ref('ServicePort'), 'port'), 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['port', 'protocol'] },
      externalIPs: { type: 'array', items: str },
    },
  },
  ServicePort: {
    type: 'object',
    properties: { name: str, protocol: str, port: { type: 'integer' }, targetPort: { 'x-kubernetes-int-or-string': true }, nodePort: { type: 'integer' } },
  },
  Pod: { type: 'object', properties: { metadata: ref('ObjectMeta'), spec: ref('PodSpec') } },
  PodSpec: {
    type: 'object',
    properties: {
      containers: mergeList(ref('Container'), 'name'),
      volumes: mergeList(ref('Volume'), 'name', 'merge,retainKeys'),
      tolerations: { type: 'array', items: ref('Toleration') },
      securityContext: ref('PodSecurityContext'),
      nodeSelector: strMap,
    },
  },
  Container: {
    type: 'object',
    properties: {
      name: str,
      image: str,
      args: { type: 'array', items: str },
      env: mergeList(ref('EnvVar'), 'name'),
      ports: mergeList(ref('ContainerPort'), 'containerPort'),
    },
  },
  ContainerPort: { type: 'object', properties: { containerPort: { type: 'integer' }, name: str, protocol: str } },
  EnvVar: { type: 'object', properties: { name: str, value: str, valueFrom: { type: 'object' } } },
  Toleration: { type: 'object', properties: { key: str, operator: str, value: str, effect: str } },
  PodSecurityContext: { type: 'object', properties: { runAsUser: { type: 'integer' }, runAsGroup: { type: 'integer' } } },
  Volume: {
    type: 'object',
    properties: { name: str, configMap: { type: 'object' }, emptyDir: { type: 'object' }, secret: { type: 'object' } },
  },
  Item: {
    type: 'object',
    properties: {
      name: str,
      value: str,
      other: str,
      mergingList: mergeList(ref('Item'), 'name'),
      mergingIntList: mergeList({ type: 'integer' }),
      nonMergingList: { type: 'array', items: ref('Item') },
      retainKeysMap: { ...ref('RetainKeysMap'), 'x-kubernetes-patch-strategy': 'retainKeys' },
    },
  },
  RetainKeysMap: { type: 'object', properties: { name: str, value: str, other: str } },
};

interface Case {
  name: string;
  original: JsonObject;
  patch: unknown;
  want?: JsonObject;
  wantError?: { code: number; message?: RegExp };
}

function run(kind: string, cases: Case[]): void {
  for (const c of cases) {
    test(`${kind}: ${c.name}`, () => {
      const original = deepClone(c.original);
      const patch = deepClone(c.patch);
      const apply = () => applyStrategicMergePatch(c.original, c.patch, schemas[kind], schemas);
      if (c.wantError) {
        assert.throws(apply, (e: unknown) => {
          assert.ok(e instanceof StatusError, `not a StatusError: ${String(e)}`);
          assert.equal(e.code, c.wantError!.code, e.message);
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
}

const p80 = { name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 };
const p443 = { name: 'https', port: 443, protocol: 'TCP', targetPort: 8443 };
const svc = (ports: JsonObject[], extra: JsonObject = {}): JsonObject => ({
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: { type: 'ClusterIP', selector: { app: 'web' }, ports, ...extra },
});

run('Service', [
  {
    name: 'scalar replaced and field added',
    original: svc([p80]),
    patch: { spec: { type: 'NodePort', externalIPs: ['1.2.3.4'] } },
    want: svc([p80], { type: 'NodePort', externalIPs: ['1.2.3.4'] }),
  },
  {
    name: 'null deletes a field; null for an absent field is dropped',
    original: svc([p80]),
    patch: { metadata: { labels: { app: null, tier: 'fe' }, annotations: null }, spec: { selector: null } },
    want: { metadata: { name: 'web', labels: { tier: 'fe' } }, spec: { type: 'ClusterIP', ports: [p80] } },
  },
  {
    name: 'merge by key changes one port and keeps the rest',
    original: svc([p80, p443]),
    patch: { spec: { ports: [{ port: 443, targetPort: 9443 }] } },
    want: svc([p80, { ...p443, targetPort: 9443 }]),
  },
  {
    name: 'kubectl apply changing one port of a two-port Service',
    original: svc([p80, { ...p443, targetPort: 443 }]),
    patch: { spec: { '$setElementOrder/ports': [{ port: 80 }, { port: 443 }], ports: [{ port: 443, targetPort: 8443 }] } },
    want: svc([p80, p443]),
  },
  {
    name: 'kubectl apply adding a port in the middle',
    original: svc([p80, p443]),
    patch: { spec: { '$setElementOrder/ports': [{ port: 80 }, { port: 8080 }, { port: 443 }], ports: [{ port: 8080, name: 'alt' }] } },
    want: svc([p80, { port: 8080, name: 'alt' }, p443]),
  },
  {
    // Kube's order rule: without $setElementOrder a new item wins against live
    // items it cannot be compared with, so it lands first (see kubectl patch docs).
    name: 'new port without $setElementOrder goes first, as in kube',
    original: svc([p80, p443]),
    patch: { spec: { ports: [{ port: 8080, name: 'alt' }] } },
    want: svc([{ port: 8080, name: 'alt' }, p80, p443]),
  },
  {
    name: 'kubectl apply removing a port sends $patch: delete',
    original: svc([p80, p443]),
    patch: { spec: { '$setElementOrder/ports': [{ port: 80 }], ports: [{ $patch: 'delete', port: 443 }] } },
    want: svc([p80]),
  },
  {
    name: '$setElementOrder alone reorders',
    original: svc([p80, p443]),
    patch: { spec: { '$setElementOrder/ports': [{ port: 443 }, { port: 80 }] } },
    want: svc([p443, p80]),
  },
  {
    name: 'an item only the server knows keeps its live position',
    original: svc([p80, { port: 9000 }, p443]),
    patch: { spec: { '$setElementOrder/ports': [{ port: 80 }, { port: 443 }], ports: [{ port: 443, name: 'tls' }] } },
    want: svc([p80, { port: 9000 }, { ...p443, name: 'tls' }]),
  },
  {
    name: '$patch: replace on a list',
    original: svc([p80, p443]),
    patch: { spec: { ports: [{ $patch: 'replace' }, { port: 53, protocol: 'UDP' }] } },
    want: svc([{ port: 53, protocol: 'UDP' }]),
  },
  {
    name: '$patch: replace on a map',
    original: svc([p80], { selector: { app: 'web', tier: 'fe' } }),
    patch: { spec: { selector: { $patch: 'replace', app: 'api' } } },
    want: svc([p80], { selector: { app: 'api' } }),
  },
  {
    name: 'list added where none existed has its directives applied',
    original: { metadata: { name: 'web' }, spec: {} },
    patch: { spec: { ports: [{ port: 80 }, { port: 81, $patch: 'delete' }] } },
    want: { metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } },
  },
  {
    name: 'delete directive without the merge key',
    original: svc([p80]),
    patch: { spec: { ports: [{ $patch: 'delete', name: 'http' }] } },
    wantError: { code: 400, message: /does not contain declared merge key: port/ },
  },
  {
    name: 'patch item without the merge key',
    original: svc([p80]),
    patch: { spec: { ports: [{ targetPort: 1 }] } },
    wantError: { code: 400, message: /^map: map\[targetPort:1\] does not contain declared merge key: port$/ },
  },
  {
    name: '$setElementOrder out of step with the patch list',
    original: svc([p80, p443]),
    patch: { spec: { '$setElementOrder/ports': [{ port: 80 }, { port: 443 }], ports: [{ port: 443 }, { port: 80 }] } },
    wantError: { code: 400, message: /doesn't match \$setElementOrder list/ },
  },
  {
    name: '$setElementOrder that is not a list',
    original: svc([p80]),
    patch: { spec: { '$setElementOrder/ports': { port: 80 } } },
    wantError: { code: 400 },
  },
  {
    name: 'unknown $patch value',
    original: svc([p80]),
    patch: { spec: { selector: { $patch: 'explode' } } },
    wantError: { code: 400, message: /^unknown patch type: explode in map: map\[\$patch:explode\]$/ },
  },
  {
    name: 'unknown directive key',
    original: svc([p80]),
    patch: { spec: { $frobnicate: true } },
    wantError: { code: 400, message: /unknown directive "\$frobnicate"/ },
  },
  {
    name: '$patch: merge inside a list is refused as in kube',
    original: svc([p80]),
    patch: { spec: { ports: [{ $patch: 'merge', port: 80 }] } },
    wantError: { code: 400, message: /merging lists cannot yet be specified/ },
  },
  {
    name: '$patch: merge on a map is the default',
    original: svc([p80]),
    patch: { metadata: { labels: { $patch: 'merge', tier: 'fe' } } },
    want: { ...svc([p80]), metadata: { name: 'web', labels: { app: 'web', tier: 'fe' } } },
  },
  {
    name: 'list of lists',
    original: svc([p80]),
    patch: { metadata: { finalizers: [['a']] } },
    wantError: { code: 422, message: /^the server rejected our request due to an error in our request$/ },
  },
  {
    name: 'mixed element types in a merge list',
    original: { metadata: { finalizers: ['a'] } },
    patch: { metadata: { finalizers: [{ name: 'b' }] } },
    wantError: { code: 400, message: /list element types are not identical/ },
  },
  {
    name: 'patch that is not an object',
    original: svc([p80]),
    patch: [{ op: 'add' }],
    wantError: { code: 400, message: /cannot unmarshal array into Go value of type map\[string\]interface \{\}/ },
  },
  {
    name: 'an empty patch changes nothing',
    original: svc([p80, p443]),
    patch: {},
    want: svc([p80, p443]),
  },
  {
    name: 're-applying the live order changes nothing',
    original: svc([p80, p443]),
    patch: { spec: { '$setElementOrder/ports': [{ port: 80 }, { port: 443 }], ports: [{ port: 80, targetPort: 8080 }] } },
    want: svc([p80, p443]),
  },
  {
    name: '$patch: delete at the root empties the object',
    original: svc([p80]),
    patch: { $patch: 'delete' },
    want: {},
  },
]);

run('Service', [
  {
    name: 'finalizers are unioned',
    original: { metadata: { finalizers: ['a', 'b'] } },
    patch: { metadata: { '$setElementOrder/finalizers': ['a', 'b', 'c'], finalizers: ['c'] } },
    want: { metadata: { finalizers: ['a', 'b', 'c'] } },
  },
  {
    name: 'a primitive patch list must follow its $setElementOrder',
    original: { metadata: { finalizers: ['a', 'b'] } },
    patch: { metadata: { '$setElementOrder/finalizers': ['a', 'b', 'c'], finalizers: ['c', 'a'] } },
    wantError: { code: 400, message: /^The order in patch list:\n\[c a\]\n doesn't match \$setElementOrder list:\n\[a b c\]\n$/ },
  },
  {
    name: 'duplicates in a merged primitive list collapse',
    original: { metadata: { finalizers: ['a'] } },
    patch: { metadata: { finalizers: ['a'] } },
    want: { metadata: { finalizers: ['a'] } },
  },
  {
    name: '$deleteFromPrimitiveList removes finalizers',
    original: { metadata: { finalizers: ['a', 'b', 'c'] } },
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['b', 'x'] } },
    want: { metadata: { finalizers: ['a', 'c'] } },
  },
  {
    name: '$deleteFromPrimitiveList with kubectl $setElementOrder',
    original: { metadata: { finalizers: ['a', 'b', 'c'] } },
    patch: { metadata: { '$setElementOrder/finalizers': ['c', 'a'], '$deleteFromPrimitiveList/finalizers': ['b'] } },
    want: { metadata: { finalizers: ['c', 'a'] } },
  },
  {
    name: '$deleteFromPrimitiveList on an absent list adds nothing',
    original: { metadata: { name: 'x' } },
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } },
    want: { metadata: { name: 'x' } },
  },
  {
    name: '$deleteFromPrimitiveList that is not a list of primitives',
    original: { metadata: { finalizers: ['a'] } },
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': 'a' } },
    wantError: { code: 400, message: /^invalid patch format of primitive list$/ },
  },
  {
    name: 'malformed $deleteFromPrimitiveList key',
    original: { metadata: { finalizers: ['a'] } },
    patch: { metadata: { $deleteFromPrimitiveListfinalizers: ['a'] } },
    wantError: { code: 400, message: /^invalid patch format of primitive list$/ },
  },
  {
    name: 'malformed $setElementOrder key',
    original: { metadata: { finalizers: ['a'] } },
    patch: { metadata: { $setElementOrder: ['a'] } },
    wantError: { code: 400, message: /^invalid patch format of setElementOrder list$/ },
  },
]);

const ctr = (name: string, extra: JsonObject = {}): JsonObject => ({ name, image: `${name}:1`, ...extra });
const pod = (spec: JsonObject): JsonObject => ({ metadata: { name: 'p' }, spec });

run('Pod', [
  {
    name: 'nested merge through containers into env',
    original: pod({ containers: [ctr('app', { env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] }), ctr('side')] }),
    patch: {
      spec: {
        '$setElementOrder/containers': [{ name: 'app' }, { name: 'side' }],
        containers: [{ name: 'app', '$setElementOrder/env': [{ name: 'A' }, { name: 'B' }, { name: 'C' }], env: [{ name: 'B', value: '20' }, { name: 'C', value: '3' }] }],
      },
    },
    want: pod({
      containers: [ctr('app', { env: [{ name: 'A', value: '1' }, { name: 'B', value: '20' }, { name: 'C', value: '3' }] }), ctr('side')],
    }),
  },
  {
    name: 'deleting a container by key and an env var by null field',
    original: pod({ containers: [ctr('app', { env: [{ name: 'A', value: '1', valueFrom: { x: 1 } }] }), ctr('side')] }),
    patch: { spec: { containers: [{ name: 'side', $patch: 'delete' }, { name: 'app', env: [{ name: 'A', valueFrom: null }] }] } },
    want: pod({ containers: [ctr('app', { env: [{ name: 'A', value: '1' }] })] }),
  },
  {
    name: 'args (no strategy) are replaced whole',
    original: pod({ containers: [ctr('app', { args: ['a', 'b'] })] }),
    patch: { spec: { containers: [{ name: 'app', args: ['c'] }] } },
    want: pod({ containers: [ctr('app', { args: ['c'] })] }),
  },
  {
    name: 'tolerations (no strategy) are replaced whole',
    original: pod({ tolerations: [{ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'Exists' }] }),
    patch: { spec: { tolerations: [{ key: 'c', operator: 'Exists' }] } },
    want: pod({ tolerations: [{ key: 'c', operator: 'Exists' }] }),
  },
  {
    name: 'retainKeys on volumes drops the old volume source',
    original: pod({ volumes: [{ name: 'data', emptyDir: {} }, { name: 'cfg', configMap: { name: 'c1' } }] }),
    patch: {
      spec: {
        '$setElementOrder/volumes': [{ name: 'data' }, { name: 'cfg' }],
        volumes: [{ $retainKeys: ['configMap', 'name'], name: 'data', configMap: { name: 'c2' } }],
      },
    },
    want: pod({ volumes: [{ name: 'data', configMap: { name: 'c2' } }, { name: 'cfg', configMap: { name: 'c1' } }] }),
  },
  {
    name: 'retainKeys must name every patched key',
    original: pod({ volumes: [{ name: 'data', emptyDir: {} }] }),
    patch: { spec: { volumes: [{ $retainKeys: ['name'], name: 'data', secret: { secretName: 's' } }] } },
    wantError: { code: 400, message: /^invalid patch format of retainKeys$/ },
  },
  {
    name: 'retainKeys that is not a list',
    original: pod({ volumes: [{ name: 'data', emptyDir: {} }] }),
    patch: { spec: { volumes: [{ $retainKeys: 'name', name: 'data' }] } },
    wantError: { code: 400, message: /^invalid patch format of retainKeys$/ },
  },
  {
    // Kube answers `$patch: delete` on a map with an empty map, not an absent field.
    name: '$patch: delete on a map empties it',
    original: pod({ securityContext: { runAsUser: 1000 } }),
    patch: { spec: { securityContext: { $patch: 'delete' } } },
    want: pod({ securityContext: {} }),
  },
  {
    name: 'fields without a schema merge like JSON merge patch',
    original: { metadata: { name: 'p' }, spec: {}, extra: { a: 1, list: [1, 2], keep: true } },
    patch: { extra: { a: null, b: { c: 1 }, list: [3] }, brandNew: { x: null, y: 1 } },
    want: { metadata: { name: 'p' }, spec: {}, extra: { b: { c: 1 }, list: [3], keep: true }, brandNew: { y: 1 } },
  },
  {
    name: 'a list replacing a map and vice versa',
    original: pod({ nodeSelector: { a: 'b' }, containers: [ctr('app')] }),
    patch: { spec: { nodeSelector: ['x'], containers: { name: 'app' } } },
    want: pod({ nodeSelector: ['x'], containers: { name: 'app' } }),
  },
]);

// Current + three-way patch → result, from apimachinery's ordering tests.
const items = (...names: (number | JsonObject)[]): JsonObject[] =>
  names.map((n) => (typeof n === 'number' ? { name: String(n) } : n));
const order = (...names: number[]) => names.map((n) => ({ name: String(n) }));

run('Item', [
  {
    name: 'kube: merge lists of scalars',
    original: { mergingIntList: [1, 2, 4] },
    patch: { '$setElementOrder/mergingIntList': [1, 2, 3], mergingIntList: [3] },
    want: { mergingIntList: [1, 2, 3, 4] },
  },
  {
    name: 'kube: add an item in a list of primitives and preserve order',
    original: { mergingIntList: [1, 4, 2] },
    patch: { '$setElementOrder/mergingIntList': [3, 1, 2], mergingIntList: [3] },
    want: { mergingIntList: [3, 1, 4, 2] },
  },
  {
    name: 'kube: add and delete an item in a int list and preserve order',
    original: { mergingIntList: [1, 2, 3] },
    patch: { '$setElementOrder/mergingIntList': [4, 2, 1], mergingIntList: [4], '$deleteFromPrimitiveList/mergingIntList': [3] },
    want: { mergingIntList: [4, 2, 1] },
  },
  {
    name: 'kube: set elements order in a int list with server-only items 3',
    original: { mergingIntList: [1, 2, 7, 9, 8, 3, 4] },
    patch: { '$setElementOrder/mergingIntList': [2, 1, 4, 3] },
    want: { mergingIntList: [2, 1, 7, 9, 8, 4, 3] },
  },
  {
    name: 'kube: add multiple items in a list and preserve order',
    original: { mergingList: items({ name: '1', other: 'a' }, { name: '2', value: '2', other: 'b' }) },
    patch: { '$setElementOrder/mergingList': order(1, 4, 2, 3), mergingList: [{ name: '4', value: '4' }, { name: '3', value: '3' }] },
    want: {
      mergingList: items({ name: '1', other: 'a' }, { name: '4', value: '4' }, { name: '2', value: '2', other: 'b' }, { name: '3', value: '3' }),
    },
  },
  {
    name: 'kube: add and delete an item in a list and preserve order',
    original: { mergingList: items({ name: '1', other: 'a' }, { name: '2', value: '2', other: 'b' }, { name: '3', value: '3' }) },
    patch: { '$setElementOrder/mergingList': order(4, 2, 1), mergingList: [{ name: '4', value: '4' }, { name: '3', $patch: 'delete' }] },
    want: { mergingList: items({ name: '4', value: '4' }, { name: '2', value: '2', other: 'b' }, { name: '1', other: 'a' }) },
  },
  {
    name: 'kube: set elements order in a list with server-only items 2',
    original: { mergingList: items({ name: '1', other: 'a' }, 2, 9, 3, 4) },
    patch: { '$setElementOrder/mergingList': order(2, 1, 4, 3) },
    want: { mergingList: items(2, { name: '1', other: 'a' }, 9, 4, 3) },
  },
  {
    name: 'kube: set element order with duplicates keeps duplicates together',
    original: { mergingList: items(1, { name: '2', value: 'dup1' }, 3, { name: '2', value: 'dup2' }, 4) },
    patch: { '$setElementOrder/mergingList': order(2, 1, 4, 3, 2) },
    want: { mergingList: items({ name: '2', value: 'dup1' }, { name: '2', value: 'dup2' }, 1, 4, 3) },
  },
  {
    name: 'kube: merging list nested in merging list with its own order',
    original: { mergingList: items({ name: '1', other: 'a', mergingList: items({ name: '2', value: '2', other: 'd' }) }, { name: '2', other: 'b' }) },
    patch: {
      '$setElementOrder/mergingList': order(1, 2),
      mergingList: [{ name: '1', '$setElementOrder/mergingList': order(2, 1), mergingList: [{ name: '1', value: '1' }] }],
    },
    want: {
      mergingList: items(
        { name: '1', other: 'a', mergingList: items({ name: '2', value: '2', other: 'd' }, { name: '1', value: '1' }) },
        { name: '2', other: 'b' },
      ),
    },
  },
  {
    name: 'kube: non merging list nested in merging list is replaced',
    original: { mergingList: items({ name: '1', other: 'a', nonMergingList: items({ name: '1', value: 'c' }) }, { name: '2', other: 'b' }) },
    patch: { '$setElementOrder/mergingList': order(1, 2), mergingList: [{ name: '1', nonMergingList: [{ name: '1', value: '1' }] }] },
    want: { mergingList: items({ name: '1', other: 'a', nonMergingList: items({ name: '1', value: '1' }) }, { name: '2', other: 'b' }) },
  },
  {
    name: 'kube: retainKeys map clears a defaulted field',
    original: { retainKeysMap: { value: 'foo' } },
    patch: { retainKeysMap: { $retainKeys: ['other'], other: 'bar' } },
    want: { retainKeysMap: { other: 'bar' } },
  },
]);

test('a "__proto__" key stays data', () => {
  const out = applyStrategicMergePatch({ spec: {} }, JSON.parse('{"spec":{"__proto__":{"x":1}}}'), schemas.Pod, schemas);
  const spec = out.spec as JsonObject;
  assert.equal(Object.getPrototypeOf(spec), Object.prototype);
  assert.deepEqual(Object.keys(spec), ['__proto__']);
});
