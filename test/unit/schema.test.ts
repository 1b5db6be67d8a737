import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reachableSchemas, schemaNameFor, schemas, servedResources } from '../../src/api/schema/index.js';
import { propertySchema, resolveSchema, type Schema } from '../../src/api/schema/types.js';

function allRefs(s: unknown, out: string[] = []): string[] {
  if (Array.isArray(s)) s.forEach((x) => allRefs(x, out));
  else if (s && typeof s === 'object') {
    for (const [k, v] of Object.entries(s)) {
      if (k === '$ref') out.push(v as string);
      else allRefs(v, out);
    }
  }
  return out;
}

/** Resolves a dotted path like 'spec.template.spec.containers' to the field schema (unresolved). */
function field(root: string, path: string): Schema {
  let cur: Schema | undefined = schemas[root];
  let last: Schema | undefined;
  for (const part of path.split('.')) {
    let r = resolveSchema(schemas, cur);
    if (r?.type === 'array') r = resolveSchema(schemas, r.items);
    last = propertySchema(schemas, r, part);
    assert.ok(last, `${root}: no field ${part} in ${path}`);
    cur = last;
  }
  return last!;
}

test('every $ref resolves', () => {
  for (const [name, s] of Object.entries(schemas)) {
    for (const ref of allRefs(s)) {
      assert.ok(ref.startsWith('#/components/schemas/'), `${name}: bad ref ${ref}`);
      assert.ok(schemas[ref.slice(21)], `${name}: dangling ${ref}`);
    }
  }
});

test('every served kind has a GVK-tagged schema', () => {
  for (const r of servedResources) {
    const n = schemaNameFor(r.group, r.version, r.kind);
    assert.ok(n, `${r.kind}`);
    const gvks = schemas[n]['x-kubernetes-group-version-kind'];
    assert.deepEqual(gvks, [{ group: r.group, version: r.version, kind: r.kind }]);
    const props = schemas[n].properties!;
    for (const p of ['apiVersion', 'kind', 'metadata']) assert.ok(props[p], `${r.kind}.${p}`);
    assert.ok(schemaNameFor(r.group, r.version, r.kind + 'List'), `${r.kind}List`);
  }
  assert.equal(schemaNameFor('autoscaling', 'v1', 'Scale'), 'io.k8s.api.autoscaling.v1.Scale');
  assert.equal(schemaNameFor('', 'v1', 'Service'), 'io.k8s.api.core.v1.Service');
  assert.equal(schemaNameFor('apps', 'v1', 'Service'), undefined);
});

test('definition names follow Kubernetes', () => {
  for (const n of [
    'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'io.k8s.api.core.v1.ServicePort', 'io.k8s.api.core.v1.PodSpec',
    'io.k8s.api.apps.v1.RollingUpdateDeployment', 'io.k8s.api.discovery.v1.Endpoint', 'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
  ]) assert.ok(schemas[n], n);
});

// [root, path, mergeKey, strategy, listType, mapKeys]
const LISTS: [string, string, string | undefined, string | undefined, string, string[] | undefined][] = [
  ['io.k8s.api.core.v1.Pod', 'spec.containers', 'name', 'merge', 'map', ['name']],
  ['io.k8s.api.core.v1.Pod', 'spec.initContainers', 'name', 'merge', 'map', ['name']],
  ['io.k8s.api.core.v1.Pod', 'spec.containers.ports', 'containerPort', 'merge', 'map', ['containerPort', 'protocol']],
  ['io.k8s.api.core.v1.Pod', 'spec.containers.env', 'name', 'merge', 'map', ['name']],
  ['io.k8s.api.core.v1.Pod', 'spec.containers.volumeMounts', 'mountPath', 'merge', 'map', ['mountPath']],
  ['io.k8s.api.core.v1.Pod', 'spec.containers.command', undefined, undefined, 'atomic', undefined],
  ['io.k8s.api.core.v1.Pod', 'spec.volumes', 'name', 'merge,retainKeys', 'map', ['name']],
  ['io.k8s.api.core.v1.Pod', 'spec.tolerations', undefined, undefined, 'atomic', undefined],
  ['io.k8s.api.core.v1.Pod', 'status.conditions', 'type', 'merge', 'map', ['type']],
  ['io.k8s.api.core.v1.Pod', 'status.podIPs', 'ip', 'merge', 'map', ['ip']],
  ['io.k8s.api.core.v1.Pod', 'metadata.ownerReferences', 'uid', 'merge', 'map', ['uid']],
  ['io.k8s.api.core.v1.Pod', 'metadata.finalizers', undefined, 'merge', 'set', undefined],
  ['io.k8s.api.core.v1.Service', 'spec.ports', 'port', 'merge', 'map', ['port', 'protocol']],
  ['io.k8s.api.core.v1.Service', 'spec.clusterIPs', undefined, undefined, 'atomic', undefined],
  ['io.k8s.api.core.v1.Service', 'status.conditions', 'type', 'merge', 'map', ['type']],
  ['io.k8s.api.core.v1.Node', 'status.addresses', 'type', 'merge', 'map', ['type']],
  ['io.k8s.api.apps.v1.Deployment', 'spec.template.spec.containers', 'name', 'merge', 'map', ['name']],
  ['io.k8s.api.apps.v1.Deployment', 'status.conditions', 'type', 'merge', 'map', ['type']],
  ['io.k8s.api.apps.v1.ReplicaSet', 'status.conditions', 'type', 'merge', 'map', ['type']],
  ['io.k8s.api.discovery.v1.EndpointSlice', 'endpoints', undefined, undefined, 'atomic', undefined],
  ['io.k8s.api.discovery.v1.EndpointSlice', 'endpoints.addresses', undefined, undefined, 'set', undefined],
];

for (const [root, path, key, strategy, listType, mapKeys] of LISTS) {
  test(`list metadata: ${root.split('.').pop()}.${path}`, () => {
    const f = field(root, path);
    assert.equal(f.type, 'array');
    assert.equal(f['x-kubernetes-patch-merge-key'], key);
    assert.equal(f['x-kubernetes-patch-strategy'], strategy);
    assert.equal(f['x-kubernetes-list-type'], listType);
    assert.deepEqual(f['x-kubernetes-list-map-keys'], mapKeys);
  });
}

test('deployment strategy is retainKeys; selector and labels are maps', () => {
  assert.equal(field('io.k8s.api.apps.v1.Deployment', 'spec.strategy')['x-kubernetes-patch-strategy'], 'retainKeys');
  const sel = field('io.k8s.api.core.v1.Service', 'spec.selector');
  assert.equal(sel['x-kubernetes-map-type'], 'atomic');
  assert.equal((sel.additionalProperties as Schema).type, 'string');
  assert.equal(field('io.k8s.api.core.v1.Pod', 'metadata.labels').type, 'object');
});

test('every property has a description', () => {
  for (const [name, s] of Object.entries(schemas)) {
    assert.ok(s.description, `${name} has no description`);
    for (const [p, ps] of Object.entries(s.properties ?? {})) assert.ok(ps.description, `${name}.${p}`);
  }
});

test('reachable set of Service is closed and includes meta types', () => {
  const r = reachableSchemas(schemas, ['io.k8s.api.core.v1.Service']);
  for (const n of r) assert.ok(schemas[n], n);
  assert.ok(r.has('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'));
  assert.ok(r.has('io.k8s.apimachinery.pkg.util.intstr.IntOrString'));
  assert.ok(!r.has('io.k8s.api.core.v1.PodSpec'));
});
