// ObjectMeta validation: each rule with a valid and an invalid case, checked by the
// exact "field: message" line Kubernetes puts into a 422 Status.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateObjectMeta, validateObjectMetaUpdate, nameRuleFor, carryOverMetaOnUpdate, type MetaOptions } from '../../src/api/validation/meta.js';
import { fieldErrorMessage, type FieldError } from '../../src/api/status.js';
import type { ObjectMeta } from '../../src/api/object.js';

const lines = (errs: FieldError[]): string[] => errs.map((e) => `${e.field}: ${fieldErrorMessage(e)}`);

const ns: MetaOptions = { namespaced: true, nameRule: 'dns1123-subdomain' };
const subdomainMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const labelMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const dns1035Msg =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const nameKeyMsg =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const labelValueMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

const ref = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'u1' };

const createCases: { name: string; meta: ObjectMeta; opts?: MetaOptions; want: string[] }[] = [
  { name: 'valid', meta: { name: 'web', namespace: 'default' }, want: [] },
  { name: 'name required', meta: { namespace: 'default' }, want: ['metadata.name: Required value: name or generateName is required'] },
  { name: 'name not a subdomain', meta: { name: 'Web', namespace: 'default' }, want: [`metadata.name: Invalid value: "Web": ${subdomainMsg}`] },
  { name: 'subdomain may have dots', meta: { name: 'web.v1', namespace: 'default' }, want: [] },
  { name: 'label rule: dots', meta: { name: 'a.b' }, opts: { namespaced: false, nameRule: 'dns1123-label' }, want: ['metadata.name: Invalid value: "a.b": must not contain dots'] },
  { name: 'label rule: bad', meta: { name: 'a_b' }, opts: { namespaced: false, nameRule: 'dns1123-label' }, want: [`metadata.name: Invalid value: "a_b": ${labelMsg}`] },
  { name: '1035 rule: leading digit', meta: { name: '1web', namespace: 'default' }, opts: { namespaced: true, nameRule: 'dns1035-label' }, want: [`metadata.name: Invalid value: "1web": ${dns1035Msg}`] },
  { name: 'path segment: ok', meta: { name: 'system:admin' }, opts: { namespaced: false, nameRule: 'path-segment' }, want: [] },
  { name: 'path segment: ..', meta: { name: '..' }, opts: { namespaced: false, nameRule: 'path-segment' }, want: [`metadata.name: Invalid value: "..": may not be '..'`] },
  { name: 'path segment: slash', meta: { name: 'a/b%' }, opts: { namespaced: false, nameRule: 'path-segment' }, want: [`metadata.name: Invalid value: "a/b%": may not contain '/'`, `metadata.name: Invalid value: "a/b%": may not contain '%'`] },
  { name: 'too long', meta: { name: 'a'.repeat(254), namespace: 'default' }, want: [`metadata.name: Invalid value: "${'a'.repeat(254)}": must be no more than 253 characters`] },
  { name: 'generateName may end in a dash', meta: { generateName: 'web-', name: 'web-x7k2p', namespace: 'default' }, want: [] },
  { name: 'generateName invalid', meta: { generateName: 'Web-', name: 'web-x7k2p', namespace: 'default' }, want: [`metadata.generateName: Invalid value: "Web-": ${subdomainMsg}`] },
  { name: 'namespace required', meta: { name: 'web' }, want: ['metadata.namespace: Required value'] },
  { name: 'namespace syntax', meta: { name: 'web', namespace: 'My_NS' }, want: [`metadata.namespace: Invalid value: "My_NS": ${labelMsg}`] },
  { name: 'namespace on cluster-scoped', meta: { name: 'n1', namespace: 'default' }, opts: { namespaced: false, nameRule: 'dns1123-subdomain' }, want: ['metadata.namespace: Forbidden: not allowed on this type'] },
  { name: 'negative generation', meta: { name: 'web', namespace: 'default', generation: -1 }, want: ['metadata.generation: Invalid value: -1: must be greater than or equal to 0'] },
  { name: 'labels ok', meta: { name: 'web', namespace: 'default', labels: { 'app.kubernetes.io/name': 'web', tier: '' } }, want: [] },
  { name: 'label key bad', meta: { name: 'web', namespace: 'default', labels: { 'bad key': 'x' } }, want: [`metadata.labels: Invalid value: "bad key": ${nameKeyMsg}`] },
  { name: 'label key prefix bad', meta: { name: 'web', namespace: 'default', labels: { 'Example.com/x': 'y' } }, want: [`metadata.labels: Invalid value: "Example.com/x": prefix part ${subdomainMsg}`] },
  { name: 'label value bad', meta: { name: 'web', namespace: 'default', labels: { app: '-web' } }, want: [`metadata.labels: Invalid value: "-web": ${labelValueMsg}`] },
  { name: 'label value too long', meta: { name: 'web', namespace: 'default', labels: { app: 'a'.repeat(64) } }, want: [`metadata.labels: Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters`] },
  { name: 'annotation keys ignore case', meta: { name: 'web', namespace: 'default', annotations: { 'Example.COM/Note': 'anything at all' } }, want: [] },
  { name: 'annotation key bad', meta: { name: 'web', namespace: 'default', annotations: { 'a b': '' } }, want: [`metadata.annotations: Invalid value: "a b": ${nameKeyMsg}`] },
  { name: 'annotations at the limit', meta: { name: 'web', namespace: 'default', annotations: { k: 'x'.repeat(256 * 1024 - 1) } }, want: [] },
  { name: 'annotations too large', meta: { name: 'web', namespace: 'default', annotations: { k: 'x'.repeat(256 * 1024) } }, want: ['metadata.annotations: Too long: may not be more than 262144 bytes'] },
  { name: 'owner ok', meta: { name: 'web', namespace: 'default', ownerReferences: [{ ...ref, controller: true }] }, want: [] },
  {
    name: 'owner fields empty',
    meta: { name: 'web', namespace: 'default', ownerReferences: [{ apiVersion: 'apps/', kind: '', name: '', uid: '' }] },
    want: [
      'metadata.ownerReferences.apiVersion: Invalid value: "apps/": version must not be empty',
      'metadata.ownerReferences.kind: Invalid value: "": must not be empty',
      'metadata.ownerReferences.name: Invalid value: "": must not be empty',
      'metadata.ownerReferences.uid: Invalid value: "": must not be empty',
    ],
  },
  {
    name: 'two controllers',
    meta: { name: 'web', namespace: 'default', ownerReferences: [{ ...ref, controller: true }, { ...ref, name: 'web-2', uid: 'u2', controller: true }] },
    want: ['metadata.ownerReferences: Invalid value: [{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-1","uid":"u1","controller":true},{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-2","uid":"u2","controller":true}]: Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/web-1 and ReplicaSet/web-2'],
  },
  {
    name: 'events cannot own',
    meta: { name: 'web', namespace: 'default', ownerReferences: [{ apiVersion: 'v1', kind: 'Event', name: 'e', uid: 'u' }] },
    want: ['metadata.ownerReferences: Invalid value: {"apiVersion":"v1","kind":"Event","name":"e","uid":"u"}: /v1, Kind=Event is disallowed from being an owner'],
  },
  { name: 'finalizers ok', meta: { name: 'web', namespace: 'default', finalizers: ['kubernetes', 'example.com/cleanup', 'foregroundDeletion'] }, want: [] },
  { name: 'finalizer not qualified', meta: { name: 'web', namespace: 'default', finalizers: ['cleanup'] }, want: ['metadata.finalizers[0]: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified'] },
  { name: 'finalizer bad syntax', meta: { name: 'web', namespace: 'default', finalizers: ['example.com/a b'] }, want: [`metadata.finalizers: Invalid value: "example.com/a b": ${nameKeyMsg}`] },
  { name: 'orphan and foreground', meta: { name: 'web', namespace: 'default', finalizers: ['orphan', 'foregroundDeletion'] }, want: ['metadata.finalizers: Invalid value: ["orphan","foregroundDeletion"]: finalizer orphan and foregroundDeletion cannot be both set'] },
];

for (const c of createCases)
  test(`create: ${c.name}`, () => {
    assert.deepEqual(lines(validateObjectMeta(c.meta, c.opts ?? ns)), c.want);
  });

const old: ObjectMeta = { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '5', generation: 2, creationTimestamp: '2024-05-01T10:00:00Z' };

const updateCases: { name: string; meta: ObjectMeta; old?: ObjectMeta; want: string[] }[] = [
  { name: 'valid', meta: { ...old, labels: { a: 'b' } }, want: [] },
  { name: 'name immutable', meta: { ...old, name: 'web2' }, want: ['metadata.name: Invalid value: "web2": field is immutable'] },
  { name: 'namespace immutable', meta: { ...old, namespace: 'other' }, want: ['metadata.namespace: Invalid value: "other": field is immutable'] },
  { name: 'uid immutable', meta: { ...old, uid: 'u2' }, want: ['metadata.uid: Invalid value: "u2": field is immutable'] },
  { name: 'creationTimestamp immutable', meta: { ...old, creationTimestamp: '2025-01-01T00:00:00Z' }, want: ['metadata.creationTimestamp: Invalid value: "2025-01-01T00:00:00Z": field is immutable'] },
  { name: 'deletionTimestamp cannot be set by update', meta: { ...old, deletionTimestamp: '2025-01-01T00:00:00Z' }, want: ['metadata.deletionTimestamp: Invalid value: "2025-01-01T00:00:00Z": field is immutable'] },
  { name: 'deletionTimestamp cannot be unset', meta: { ...old }, old: { ...old, deletionTimestamp: '2025-01-01T00:00:00Z' }, want: ['metadata.deletionTimestamp: Invalid value: null: field is immutable'] },
  { name: 'resourceVersion required', meta: { ...old, resourceVersion: '' }, want: ['metadata.resourceVersion: Invalid value: "": must be specified for an update'] },
  { name: 'generation decremented', meta: { ...old, generation: 1 }, want: ['metadata.generation: Invalid value: 1: must not be decremented'] },
  {
    name: 'no new finalizers while deleting',
    meta: { ...old, deletionTimestamp: 'T', finalizers: ['a.io/x', 'b.io/y'] },
    old: { ...old, deletionTimestamp: 'T', finalizers: ['a.io/x'] },
    want: ['metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b.io/y"}'],
  },
  { name: 'finalizers may be removed while deleting', meta: { ...old, deletionTimestamp: 'T', finalizers: [] }, old: { ...old, deletionTimestamp: 'T', finalizers: ['a.io/x'] }, want: [] },
  { name: 'labels still validated', meta: { ...old, labels: { app: '-x' } }, want: [`metadata.labels: Invalid value: "-x": ${labelValueMsg}`] },
];

for (const c of updateCases)
  test(`update: ${c.name}`, () => {
    assert.deepEqual(lines(validateObjectMetaUpdate(c.meta, c.old ?? old)), c.want);
  });

test('carryOverMetaOnUpdate keeps server-owned fields', () => {
  const m: ObjectMeta = { name: 'web', namespace: 'default', resourceVersion: '5', generation: 9 };
  carryOverMetaOnUpdate(m, { ...old, deletionTimestamp: 'T', deletionGracePeriodSeconds: 30 });
  assert.deepEqual(m, { name: 'web', namespace: 'default', resourceVersion: '5', generation: 2, uid: 'u1', creationTimestamp: '2024-05-01T10:00:00Z', deletionTimestamp: 'T', deletionGracePeriodSeconds: 30 });
  assert.deepEqual(validateObjectMetaUpdate(m, { ...old, deletionTimestamp: 'T', deletionGracePeriodSeconds: 30 }), []);
});

test('nameRuleFor', () => {
  const want: Record<string, string> = {
    namespaces: 'dns1123-label',
    services: 'dns1035-label',
    pods: 'dns1123-subdomain',
    deployments: 'dns1123-subdomain',
    replicasets: 'dns1123-subdomain',
    endpoints: 'dns1123-subdomain',
    endpointslices: 'dns1123-subdomain',
    nodes: 'dns1123-subdomain',
    events: 'dns1123-subdomain',
    configmaps: 'dns1123-subdomain',
    clusterroles: 'path-segment',
  };
  for (const [r, rule] of Object.entries(want)) assert.equal(nameRuleFor(r), rule, r);
});
