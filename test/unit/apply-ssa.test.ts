import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deepClone, type KubeObject, type ManagedFieldsEntry } from '../../src/api/object.js';
import { StatusError } from '../../src/api/status.js';
import { serverSideApply, updateManagedFields, type ApplyArgs } from '../../src/api/apply/index.js';
import { deepFreeze, schemas, service, serviceSchema } from './apply-fixtures.js';

const T0 = '2024-05-01T10:00:00Z';
const T1 = '2024-05-01T10:05:00Z';
const T2 = '2024-05-01T10:09:00Z';
const P80 = 'k:{"port":80,"protocol":"TCP"}';
const P443 = 'k:{"port":443,"protocol":"TCP"}';

function apply(live: KubeObject | undefined, applied: KubeObject, manager = 'kubectl', extra: Partial<ApplyArgs> = {}): KubeObject {
  return serverSideApply({ live, applied, manager, force: false, rootSchema: serviceSchema, schemas, apiVersion: 'v1', now: T1, ...extra });
}

/** A non-apply write: returns updated with its managedFields recomputed. */
function write(old: KubeObject | undefined, updated: KubeObject, manager: string, now = T0, subresource?: string): KubeObject {
  const out = deepClone(updated);
  out.metadata.managedFields = updateManagedFields({ old, updated, manager, rootSchema: serviceSchema, schemas, apiVersion: 'v1', now, subresource });
  return out;
}

const entry = (o: KubeObject, manager: string, operation = 'Apply', subresource?: string): ManagedFieldsEntry | undefined =>
  o.metadata.managedFields?.find((e) => e.manager === manager && e.operation === operation && e.subresource === subresource);

function conflictOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof StatusError, String(e));
    return e;
  }
  assert.fail('expected a conflict');
}

const base = service({ selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] }, { labels: { app: 'web' } });

describe('serverSideApply: create and re-apply', () => {
  it('creates the object with one Apply entry', () => {
    const got = apply(undefined, base);
    assert.deepEqual(got.spec, base.spec);
    assert.deepEqual(got.metadata.managedFields, [{
      manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: T1, fieldsType: 'FieldsV1',
      fieldsV1: { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:ports': { [P80]: { '.': {}, 'f:port': {}, 'f:targetPort': {} } }, 'f:selector': {} } },
    }]);
  });

  it('re-applying without a field removes it from the object and the entry', () => {
    const v1 = apply(undefined, service({ selector: { app: 'web' }, ports: [{ port: 80 }, { port: 443 }], sessionAffinity: 'None' }, { labels: { app: 'web', tier: 'fe' } }));
    const v2 = apply(v1, service({ selector: { app: 'web' }, ports: [{ port: 80 }] }, { labels: { app: 'web' } }));
    assert.deepEqual(v2.spec, { selector: { app: 'web' }, ports: [{ port: 80 }] });
    assert.deepEqual(v2.metadata.labels, { app: 'web' });
    assert.deepEqual(entry(v2, 'kubectl')!.fieldsV1, {
      'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:ports': { [P80]: { '.': {}, 'f:port': {} } }, 'f:selector': {} },
    });
  });

  it('a removed field another manager co-owns stays', () => {
    const v1 = apply(undefined, base);
    const v2 = apply(v1, base, 'helm'); // same values: co-owned
    const v3 = apply(v2, service({ selector: { app: 'web' } }, { labels: { app: 'web' } }));
    assert.deepEqual(v3.spec.ports, [{ port: 80, targetPort: 8080 }]);
    assert.equal(JSON.stringify(entry(v3, 'kubectl')!.fieldsV1).includes('f:ports'), false);
  });

  it('removing a field keeps fields it does not own (server defaults)', () => {
    const v1 = apply(undefined, base);
    const defaulted = deepClone(v1);
    defaulted.spec.clusterIP = '10.0.0.7'; // set by the registry: owned by nobody
    const v2 = apply(defaulted, service({ ports: [{ port: 80, targetPort: 8080 }] }, { labels: { app: 'web' } }));
    assert.deepEqual(v2.spec, { ports: [{ port: 80, targetPort: 8080 }], clusterIP: '10.0.0.7' });
  });

  it('merges map lists by key and keeps other items in place', () => {
    const v1 = write(undefined, service({ ports: [{ port: 53, protocol: 'UDP' }, { port: 80, targetPort: 80 }] }), 'kubectl-create');
    const v2 = apply(v1, service({ ports: [{ port: 80, targetPort: 80, name: 'http' }, { port: 443 }] }), 'kubectl', { force: true });
    assert.deepEqual(v2.spec.ports, [{ port: 53, protocol: 'UDP' }, { port: 80, targetPort: 80, name: 'http' }, { port: 443 }]);
  });

  it('an applied null unsets the field', () => {
    const v1 = apply(undefined, service({ type: 'ClusterIP', sessionAffinity: 'None' }));
    const v2 = apply(v1, service({ type: 'ClusterIP', sessionAffinity: null }));
    assert.deepEqual(v2.spec, { type: 'ClusterIP' });
  });

  it('an identical re-apply keeps the entry time', () => {
    const v1 = apply(undefined, base);
    const v2 = apply(v1, base, 'kubectl', { now: T2 });
    assert.equal(entry(v2, 'kubectl')!.time, T1);
    assert.deepEqual(v2, v1);
  });

  it('rejects malformed apply configurations with 400', () => {
    const cases: [string, KubeObject, RegExp][] = [
      ['no apiVersion', { ...base, apiVersion: undefined }, /apiVersion must be set/],
      ['no kind', { ...base, kind: undefined }, /kind must be set/],
      ['other version', { ...base, apiVersion: 'v2' }, /Incorrect version specified in apply patch. Specified patch version: v2, expected: v1/],
      ['managedFields', { ...base, metadata: { ...base.metadata, managedFields: [] } }, /metadata.managedFields must be nil/],
    ];
    for (const [name, obj, msg] of cases) {
      assert.throws(() => apply(undefined, obj), (e: unknown) => e instanceof StatusError && e.code === 400 && msg.test(e.message), name);
    }
  });
});

describe('serverSideApply: conflicts between managers', () => {
  // Created by client-side apply (an Update), then taken over by server-side apply.
  const csa = write(undefined, base, 'kubectl-client-side-apply');
  const changedPort = service({ selector: { app: 'web' }, ports: [{ port: 80, targetPort: 9090 }] }, { labels: { app: 'web' } });

  it('changing a field another manager owns is a 409 worded like Kubernetes', () => {
    const err = conflictOf(() => apply(csa, changedPort));
    assert.equal(err.code, 409);
    assert.equal(err.reason, 'Conflict');
    assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .spec.ports[port=80,protocol="TCP"].targetPort');
    assert.deepEqual(err.details, {
      causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using v1', field: '.spec.ports[port=80,protocol="TCP"].targetPort' }],
    });
  });

  it('several conflicts are listed per manager', () => {
    const withHelm = apply(csa, service({ type: 'ClusterIP' }, { labels: { owner: 'helm' } }), 'helm');
    const err = conflictOf(() => apply(withHelm, service({ type: 'NodePort', selector: { app: 'api' }, ports: [{ port: 80, targetPort: 9090 }] }, { labels: { owner: 'me' } })));
    assert.equal(err.message, [
      'Apply failed with 4 conflicts: conflicts with "helm":',
      '- .metadata.labels.owner',
      '- .spec.type',
      'conflicts with "kubectl-client-side-apply" using v1:',
      '- .spec.ports[port=80,protocol="TCP"].targetPort',
      '- .spec.selector',
    ].join('\n'));
    assert.deepEqual(err.details?.causes?.map((c) => c.field), ['.metadata.labels.owner', '.spec.type', '.spec.ports[port=80,protocol="TCP"].targetPort', '.spec.selector']);
    assert.equal(err.details?.causes?.[0].message, 'conflict with "helm"');
  });

  it('force takes the conflicting fields over', () => {
    const got = apply(csa, changedPort, 'kubectl', { force: true });
    assert.equal(got.spec.ports[0].targetPort, 9090);
    const csaFields = JSON.stringify(entry(got, 'kubectl-client-side-apply', 'Update')!.fieldsV1);
    assert.ok(!csaFields.includes('targetPort') && csaFields.includes('f:selector'), csaFields);
    assert.ok(JSON.stringify(entry(got, 'kubectl')!.fieldsV1).includes('f:targetPort'));
  });

  it('applying the same values makes co-owners, without conflict', () => {
    const got = apply(csa, base);
    assert.deepEqual(got.spec, base.spec);
    assert.deepEqual(entry(got, 'kubectl')!.fieldsV1, entry(apply(undefined, base), 'kubectl')!.fieldsV1);
    assert.ok(JSON.stringify(entry(got, 'kubectl-client-side-apply', 'Update')!.fieldsV1).includes('f:targetPort'));
  });

  it('an Update by kubectl-edit after apply moves the changed field to it', () => {
    const applied = apply(undefined, base);
    const edited = deepClone(applied);
    edited.spec.ports[0].targetPort = 7070;
    const got = write(applied, edited, 'kubectl-edit', T2);
    assert.deepEqual(entry(got, 'kubectl-edit', 'Update'), {
      manager: 'kubectl-edit', operation: 'Update', apiVersion: 'v1', time: T2, fieldsType: 'FieldsV1',
      fieldsV1: { 'f:spec': { 'f:ports': { [P80]: { 'f:targetPort': {} } } } },
    });
    assert.ok(!JSON.stringify(entry(got, 'kubectl')!.fieldsV1).includes('targetPort'));
    // Apply is listed before Update.
    assert.deepEqual(got.metadata.managedFields!.map((e) => e.manager), ['kubectl', 'kubectl-edit']);
    // Re-applying the old value now conflicts with the editor.
    const err = conflictOf(() => apply(got, base));
    assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "kubectl-edit" using v1: .spec.ports[port=80,protocol="TCP"].targetPort');
  });

  it('objects written before tracking belong to before-first-apply', () => {
    const untracked = deepClone(base);
    const err = conflictOf(() => apply(untracked, changedPort));
    assert.match(err.message, /conflict with "before-first-apply" using v1: \.spec\.ports\[port=80,protocol="TCP"\]\.targetPort/);
    const got = apply(untracked, base);
    assert.deepEqual(got.metadata.managedFields!.map((e) => [e.manager, e.operation]), [['kubectl', 'Apply'], ['before-first-apply', 'Update']]);
  });

  it('an applier on a subresource is printed with it', () => {
    const status = service({});
    status.status = { conditions: [{ type: 'Ready', status: 'True' }] };
    const v1 = apply(undefined, status, 'ctl', { subresource: 'status' });
    const next = service({});
    next.status = { conditions: [{ type: 'Ready', status: 'False' }] };
    const err = conflictOf(() => apply(v1, next, 'other', { subresource: 'status' }));
    assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "ctl" with subresource "status": .status.conditions[type="Ready"].status');
  });
});

describe('updateManagedFields', () => {
  it('create: every set field becomes the creator\'s, with "." on added containers', () => {
    const got = write(undefined, service({ ports: [{ port: 443, targetPort: 8443 }] }, { labels: { app: 'web' }, uid: 'u1', resourceVersion: '1' }), 'kubectl-create');
    assert.deepEqual(got.metadata.managedFields, [{
      manager: 'kubectl-create', operation: 'Update', apiVersion: 'v1', time: T0, fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
        'f:spec': { 'f:ports': { '.': {}, [P443]: { '.': {}, 'f:port': {}, 'f:targetPort': {} } } },
      },
    }]);
  });

  it('merges into the manager\'s previous Update entry and takes fields from others', () => {
    const v1 = write(undefined, service({ type: 'ClusterIP', sessionAffinity: 'None' }), 'a');
    const v2obj = deepClone(v1);
    v2obj.spec.type = 'NodePort';
    const v2 = write(v1, v2obj, 'b', T1);
    const v3obj = deepClone(v2);
    v3obj.spec.sessionAffinity = 'ClientIP';
    v3obj.spec.ports = [{ port: 80 }];
    const v3 = write(v2, v3obj, 'b', T2);
    assert.deepEqual(v3.metadata.managedFields, [{
      manager: 'b', operation: 'Update', apiVersion: 'v1', time: T2, fieldsType: 'FieldsV1',
      fieldsV1: { 'f:spec': { 'f:ports': { '.': {}, [P80]: { '.': {}, 'f:port': {} } }, 'f:sessionAffinity': {}, 'f:type': {} } },
    }]); // a's entry became empty and was dropped
  });

  it('an unchanged write keeps the entries as they are', () => {
    const v1 = write(undefined, base, 'a');
    const again = deepClone(v1);
    again.metadata.resourceVersion = '99';
    assert.deepEqual(updateManagedFields({ old: v1, updated: again, manager: 'b', rootSchema: serviceSchema, schemas, apiVersion: 'v1', now: T2 }), v1.metadata.managedFields);
  });

  it('removed fields leave every owner', () => {
    const v1 = apply(undefined, base);
    const v2obj = deepClone(v1);
    delete v2obj.metadata.labels;
    const v2 = write(v1, v2obj, 'kubectl-edit', T2);
    assert.equal(JSON.stringify(v2.metadata.managedFields).includes('f:labels'), false);
    assert.equal(entry(v2, 'kubectl-edit', 'Update'), undefined); // it only removed: no entry
  });

  it('status writes get their own entry', () => {
    const v1 = apply(undefined, base, 'ctl');
    const withStatus = deepClone(v1);
    withStatus.status = { loadBalancer: { ingress: [{ ip: '192.0.2.1' }] } };
    const v2 = write(v1, withStatus, 'ctl', T2, 'status');
    assert.deepEqual(entry(v2, 'ctl', 'Update', 'status'), {
      manager: 'ctl', operation: 'Update', apiVersion: 'v1', time: T2, fieldsType: 'FieldsV1', subresource: 'status',
      fieldsV1: { 'f:status': { 'f:loadBalancer': { '.': {}, 'f:ingress': {} } } },
    });
    // The untouched Apply entry is reused as it was, not re-encoded.
    assert.equal(entry(v2, 'ctl', 'Apply'), entry(v1, 'ctl', 'Apply'));
  });

  it('finalizers (a set) can be shared and removed item by item', () => {
    const v1 = apply(undefined, service({}, { finalizers: ['a.io/x'] }));
    const v2obj = deepClone(v1);
    v2obj.metadata.finalizers = ['a.io/x', 'b.io/y'];
    const v2 = write(v1, v2obj, 'controller', T2);
    assert.deepEqual(entry(v2, 'controller', 'Update')!.fieldsV1, { 'f:metadata': { 'f:finalizers': { 'v:"b.io/y"': {} } } });
    const v3 = apply(v2, service({}, { finalizers: ['b.io/y'] }), 'kubectl', { now: T2 });
    assert.deepEqual(v3.metadata.finalizers, ['b.io/y']); // a.io/x dropped, b.io/y now co-owned
    assert.deepEqual(entry(v3, 'kubectl')!.fieldsV1, { 'f:metadata': { 'f:finalizers': { 'v:"b.io/y"': {} } } });
  });

  it('managedFields sent with an update replace the live ones; [{}] clears them', () => {
    const v1 = write(undefined, base, 'a');
    const reset = deepClone(v1);
    reset.metadata.managedFields = [{}];
    assert.deepEqual(updateManagedFields({ old: v1, updated: reset, manager: 'b', rootSchema: serviceSchema, schemas, apiVersion: 'v1', now: T2 }), []);
  });

  it('caps Update managers at 10, folding the oldest into ancient-changes', () => {
    let obj = write(undefined, service({}, { labels: { m0: 'x' } }), 'm0', '2024-01-01T00:00:00Z');
    for (let i = 1; i <= 10; i++) {
      const next = deepClone(obj);
      next.metadata.labels![`m${i}`] = 'x';
      obj = write(obj, next, `m${i}`, `2024-01-01T00:00:${String(i).padStart(2, '0')}Z`);
    }
    const managers = obj.metadata.managedFields!.map((e) => e.manager);
    assert.equal(managers.length, 10);
    assert.ok(managers.includes('ancient-changes') && !managers.includes('m0') && !managers.includes('m1'), managers.join());
  });
});

describe('inputs are never mutated', () => {
  it('serverSideApply and updateManagedFields leave their arguments alone', () => {
    const live = deepFreeze(write(undefined, base, 'kubectl-client-side-apply'));
    const applied = deepFreeze(service({ ports: [{ port: 80, targetPort: 9090 }, { port: 443 }] }, { labels: { x: 'y' } }));
    const snapshot = JSON.stringify([live, applied]);
    const merged = apply(live, applied, 'kubectl', { force: true });
    const merged2 = apply(merged, deepFreeze(service({ ports: [{ port: 443 }] })), 'kubectl', { force: true });
    const edited = deepClone(merged2);
    edited.spec.type = 'NodePort';
    deepFreeze(edited);
    updateManagedFields({ old: deepFreeze(merged2), updated: edited, manager: 'e', rootSchema: serviceSchema, schemas, apiVersion: 'v1', now: T2 });
    assert.equal(JSON.stringify([live, applied]), snapshot);
  });
});
