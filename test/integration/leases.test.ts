// coordination.k8s.io/v1 Leases through the real kubectl and the REST API: the
// table kubectl prints, optimistic concurrency as leader election relies on it
// (a stale resourceVersion is a 409), validation in Kubernetes' words, explain
// from the OpenAPI, and a node's lease collected with its Node.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { suiteWithKubectl } from '../support/server.js';
import { parseTable, rowByName } from '../support/table.js';

const LEASES = '/apis/coordination.k8s.io/v1/namespaces/default/leases';

describe('Leases', { timeout: 90_000 }, () => {
  const suite = suiteWithKubectl();

  test('kubectl create and get: HOLDER column, <unknown> without a holder, microsecond times kept', async () => {
    const held = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'held' }, spec: { holderIdentity: 'me', leaseDurationSeconds: 15, renewTime: '2026-12-03T10:00:00.123456Z', acquireTime: '2026-12-03T09:59:00.000001Z', leaseTransitions: 2 } };
    const free = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'free' } };
    await suite.k.ok(['create', '-f', suite.k.file('leases.yaml', [held, free].map((o) => stringify(o)).join('---\n'))]);
    const t = parseTable(await suite.k.ok(['get', 'leases']));
    assert.deepEqual(t.columns, ['NAME', 'HOLDER', 'AGE']);
    assert.equal(rowByName(t, 'held').HOLDER, 'me');
    assert.equal(rowByName(t, 'free').HOLDER, '<unknown>');
    const got = JSON.parse(await suite.k.ok(['get', 'lease', 'held', '-o', 'json']));
    assert.deepEqual(got.spec, held.spec);
  });

  test('leader election\'s compare-and-swap: an update with a stale resourceVersion is a 409 Conflict', async () => {
    const cur = await suite.api.create(LEASES, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'leader' }, spec: { holderIdentity: 'a', leaseDurationSeconds: 15 } });
    const won = await suite.api.update(`${LEASES}/leader`, { ...cur, spec: { ...cur.spec, holderIdentity: 'b', leaseTransitions: 1 } });
    assert.equal(won.spec.holderIdentity, 'b');
    await assert.rejects(suite.api.update(`${LEASES}/leader`, { ...cur, spec: { ...cur.spec, holderIdentity: 'c' } }), (e: Error & { status?: number }) => {
      assert.equal(e.status, 409);
      assert.match(e.message, /Operation cannot be fulfilled on leases\.coordination\.k8s\.io "leader": the object has been modified; please apply your changes to the latest version and try again/);
      return true;
    });
  });

  test('validation: a non-positive duration and negative transitions are 422 Invalid with field paths', async () => {
    const r = await suite.k.run(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'bad' }, spec: { leaseDurationSeconds: 0, leaseTransitions: -1 } }) });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /The Lease "bad" is invalid: \n\* spec\.leaseDurationSeconds: Invalid value: 0: must be greater than 0\n\* spec\.leaseTransitions: Invalid value: -1: must be greater than or equal to 0/, r.stderr);
  });

  test('kubectl explain lease.spec reads the served OpenAPI', async () => {
    const out = await suite.k.ok(['explain', 'lease.spec']);
    assert.match(out, /GROUP:\s+coordination\.k8s\.io/);
    for (const f of ['holderIdentity', 'leaseDurationSeconds', 'renewTime', 'leaseTransitions']) assert.match(out, new RegExp(`^\\s+${f}\\s`, 'm'), out);
  });

  test('a lease owned by a Node goes when the Node is deleted (the agent\'s node lease)', async () => {
    const node = await suite.api.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'gone' } });
    const path = '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases';
    await suite.api.create(path, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'gone', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'gone', uid: node.metadata.uid }] }, spec: { holderIdentity: 'gone' } });
    await suite.api.delete('/api/v1/nodes/gone');
    const deadline = Date.now() + 10_000;
    for (;;) {
      const still = await suite.api.get(`${path}/gone`).then(() => true, () => false);
      if (!still) break;
      assert.ok(Date.now() < deadline, 'the lease outlived its node');
      await new Promise((r) => setTimeout(r, 100));
    }
  });
});
