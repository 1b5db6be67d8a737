import { test } from 'node:test';
import assert from 'node:assert/strict';
import { schemas } from '../../src/api/schema/index.js';
import {
  decodeErrorMessage, findTypeErrors, findUnknownFields, strictErrorMessage, warningHeaderValue, warningTexts,
} from '../../src/api/schema/unknown-fields.js';

const SVC = 'io.k8s.api.core.v1.Service';
const DEPLOY = 'io.k8s.api.apps.v1.Deployment';
const POD = 'io.k8s.api.core.v1.Pod';

const svc = (spec: unknown, extra: Record<string, unknown> = {}) =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', labels: { anything: 'goes' } }, spec, ...extra });
const deploy = (container: Record<string, unknown>) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' },
  spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a' } }, spec: { containers: [container] } } },
});

const UNKNOWN: { name: string; root: string; obj: unknown; want: string[] }[] = [
  { name: 'clean service', root: SVC, obj: svc({ ports: [{ port: 80, targetPort: 8080 }], selector: { app: 'a' } }), want: [] },
  { name: 'unknown spec field', root: SVC, obj: svc({ foo: 1 }), want: ['spec.foo'] },
  { name: 'top-level unknown', root: SVC, obj: svc({}, { extra: true }), want: ['extra'] },
  { name: 'nested array item', root: SVC, obj: svc({ ports: [{ port: 80 }, { port: 81, bar: 'x' }] }), want: ['spec.ports[1].bar'] },
  { name: 'several, in document order', root: SVC, obj: svc({ a: 1, ports: [{ port: 1, b: 2 }] }), want: ['spec.a', 'spec.ports[0].b'] },
  { name: 'map keys never flagged', root: SVC, obj: svc({ selector: { weird: 'x', 'a.b/c': 'y' } }), want: [] },
  { name: 'metadata unknown', root: SVC, obj: { metadata: { name: 'x', lables: {} } }, want: ['metadata.lables'] },
  { name: 'case sensitive', root: SVC, obj: { Spec: {} }, want: ['Spec'] },
  { name: 'int-or-string: string', root: SVC, obj: svc({ ports: [{ port: 80, targetPort: 'http' }] }), want: [] },
  { name: 'int-or-string: object is not walked', root: SVC, obj: svc({ ports: [{ port: 80, targetPort: { x: 1 } }] }), want: [] },
  { name: 'null values', root: SVC, obj: svc(null), want: [] },
  {
    name: 'deep in a deployment', root: DEPLOY,
    obj: deploy({ name: 'c', image: 'i', lifecycle: { preStart: { exec: { command: ['x'] } } }, env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'status.podIP', nope: 1 } } }] }),
    want: ['spec.template.spec.containers[0].lifecycle.preStart', 'spec.template.spec.containers[0].env[0].valueFrom.fieldRef.nope'],
  },
  {
    name: 'preserve-unknown subtrees are skipped', root: POD,
    obj: { spec: { containers: [{ name: 'c' }], affinity: { nodeAffinity: { anything: { goes: 1 } } }, volumes: [{ name: 'v', nfs: { server: 's', x: 1 } }] } },
    want: [],
  },
  {
    name: 'opaque managedFields', root: POD,
    obj: { metadata: { managedFields: [{ manager: 'm', fieldsV1: { 'f:spec': { 'f:x': {} } } }] } }, want: [],
  },
  {
    name: 'resources are maps of quantities', root: POD,
    obj: { spec: { containers: [{ name: 'c', resources: { limits: { cpu: '1', 'example.com/gpu': 2 }, request: {} } }] } },
    want: ['spec.containers[0].resources.request'],
  },
];

for (const c of UNKNOWN) {
  test(`unknown fields: ${c.name}`, () => assert.deepEqual(findUnknownFields(c.obj, c.root, schemas), c.want));
}

test('messages match the Kubernetes wording', () => {
  assert.equal(strictErrorMessage(['spec.foo']), 'strict decoding error: unknown field "spec.foo"');
  assert.equal(strictErrorMessage(['spec.foo', 'spec.ports[0].bar']),
    'strict decoding error: unknown field "spec.foo", unknown field "spec.ports[0].bar"');
  assert.deepEqual(warningTexts(['spec.foo']), ['unknown field "spec.foo"']);
  assert.equal(warningHeaderValue('unknown field "spec.foo"'), '299 - "unknown field \\"spec.foo\\""');
  assert.equal(decodeErrorMessage('Service', 'v1', 'x'), 'Service in version "v1" cannot be handled as a Service: x');
});

const TYPES: { name: string; root: string; obj: unknown; want: string[] }[] = [
  { name: 'clean', root: SVC, obj: svc({ ports: [{ port: 80, targetPort: 'http', nodePort: 30000 }], type: 'NodePort' }), want: [] },
  {
    name: 'string for int32', root: SVC, obj: svc({ ports: [{ port: '80' }] }),
    want: ['json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32'],
  },
  {
    name: 'float for int32', root: SVC, obj: svc({ ports: [{ port: 1.5 }] }),
    want: ['json: cannot unmarshal number 1.5 into Go struct field ServicePort.spec.ports.port of type int32'],
  },
  {
    name: 'object for array', root: SVC, obj: svc({ ports: { port: 80 } }),
    want: ['json: cannot unmarshal object into Go struct field ServiceSpec.spec.ports of type []v1.ServicePort'],
  },
  {
    name: 'string for struct', root: SVC, obj: svc('x'),
    want: ['json: cannot unmarshal string into Go struct field Service.spec of type v1.ServiceSpec'],
  },
  {
    name: 'number in a string map', root: SVC, obj: svc({ selector: { app: 1 } }),
    want: ['json: cannot unmarshal number into Go struct field ServiceSpec.spec.selector of type string'],
  },
  {
    name: 'bool for string', root: SVC, obj: { metadata: { name: true } },
    want: ['json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.name of type string'],
  },
  { name: 'int-or-string accepts both', root: SVC, obj: svc({ ports: [{ port: 1, targetPort: 8080 }, { port: 2, targetPort: 'web' }] }), want: [] },
  {
    name: 'int-or-string rejects bool', root: SVC, obj: svc({ ports: [{ port: 1, targetPort: true }] }),
    want: ['json: cannot unmarshal bool into Go value of type int32'],
  },
  {
    name: 'replicas as string', root: DEPLOY, obj: { spec: { replicas: '3' } },
    want: ['json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32'],
  },
  {
    name: 'containerPort deep', root: DEPLOY, obj: deploy({ name: 'c', ports: [{ containerPort: '80' }] }),
    want: ['json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32'],
  },
  {
    name: 'bad quantity', root: POD, obj: { spec: { containers: [{ name: 'c', resources: { limits: { memory: '64Mb', cpu: '100m' } } }] } },
    want: ["quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
  },
  { name: 'good quantities', root: POD, obj: { spec: { containers: [{ name: 'c', resources: { limits: { memory: '64Mi', cpu: 0.5, x: '1e3', y: '2k' } } }] } }, want: [] },
  { name: 'null is fine', root: DEPLOY, obj: { spec: { replicas: null, template: null } }, want: [] },
  { name: 'preserve-unknown skipped', root: POD, obj: { spec: { affinity: { nodeAffinity: 'whatever' } } }, want: [] },
];

for (const c of TYPES) {
  test(`type errors: ${c.name}`, () => assert.deepEqual(findTypeErrors(c.obj, c.root, schemas), c.want));
}
