// Garbage collection over ownerReferences in the API server (no controllers run
// here): background deletion of dependents, orphaning, foreground deletion, and an
// ownerReference added to a live object later (the collector indexes each write).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { suiteServer } from '../support/server.js';
import type { KubeObject } from '../../src/api/object.js';

const RS = '/apis/apps/v1/namespaces/default/replicasets';
const PODS = '/api/v1/namespaces/default/pods';

describe('garbage collector', { timeout: 60_000 }, () => {
  const t = suiteServer();

  const owner = async (name: string): Promise<KubeObject> => {
    const r = await t.api.request('POST', RS, {
      body: { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name }, spec: { replicas: 0, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } },
    });
    assert.equal(r.status, 201, r.text);
    return r.json<KubeObject>();
  };
  const ref = (o: KubeObject) => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: o.metadata.name, uid: o.metadata.uid, controller: true, blockOwnerDeletion: true });
  const pod = async (name: string, owners: unknown[] = []): Promise<void> => {
    const r = await t.api.request('POST', PODS, { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name, ...(owners.length ? { ownerReferences: owners } : {}) }, spec: { containers: [{ name: 'c', image: 'i' }] } } });
    assert.equal(r.status, 201, r.text);
  };
  const status = async (path: string): Promise<number> => (await t.api.request('GET', path)).status;
  async function until(what: string, f: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 300; i++) {
      if (await f()) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.fail(`timed out waiting for ${what}`);
  }

  test('background: the owner goes at once, then its dependents; an unowned pod stays', async () => {
    const rs = await owner('bg');
    await pod('bg-1', [ref(rs)]);
    await pod('bg-2', [ref(rs)]);
    await pod('bg-free');
    assert.equal((await t.api.request('DELETE', `${RS}/bg`, { body: { propagationPolicy: 'Background' } })).status, 200);
    await until('dependents gone', async () => (await status(`${PODS}/bg-1`)) === 404 && (await status(`${PODS}/bg-2`)) === 404);
    assert.equal(await status(`${PODS}/bg-free`), 200);
  });

  test('orphan: the dependents stay, without the ownerReference', async () => {
    const rs = await owner('or');
    await pod('or-1', [ref(rs)]);
    // 200 though the owner stays until the collector has released its dependents (the orphan finalizer), as on kube-apiserver.
    assert.equal((await t.api.request('DELETE', `${RS}/or`, { body: { propagationPolicy: 'Orphan' } })).status, 200);
    await until('owner gone', async () => (await status(`${RS}/or`)) === 404);
    const p = (await t.api.request('GET', `${PODS}/or-1`)).json<KubeObject>();
    assert.equal(p.metadata.ownerReferences, undefined);
  });

  test('foreground: the owner waits, marked, until its dependents are gone', async () => {
    const rs = await owner('fg');
    await pod('fg-1', [ref(rs)]);
    const d = await t.api.request('DELETE', `${RS}/fg`, { body: { propagationPolicy: 'Foreground' } });
    assert.equal(d.status, 200, d.text);
    assert.ok(d.json<KubeObject>().metadata.finalizers?.includes('foregroundDeletion'));
    await until('dependent then owner gone', async () => (await status(`${PODS}/fg-1`)) === 404 && (await status(`${RS}/fg`)) === 404);
  });

  test('an ownerReference added by a later write counts: deleting that owner collects the pod', async () => {
    const rs = await owner('late');
    await pod('late-1');
    // A status write in between must not lose what the collector knows.
    assert.equal((await t.api.request('PATCH', `${PODS}/late-1`, { contentType: 'application/merge-patch+json', body: { metadata: { ownerReferences: [ref(rs)] } } })).status, 200);
    assert.equal((await t.api.request('PATCH', `${PODS}/late-1/status`, { contentType: 'application/merge-patch+json', body: { status: { phase: 'Running' } } })).status, 200);
    assert.equal((await t.api.request('DELETE', `${RS}/late`, { body: { propagationPolicy: 'Background' } })).status, 200);
    await until('pod collected', async () => (await status(`${PODS}/late-1`)) === 404);
  });

  test('the deprecated orphanDependents=false is answered 202 while the owner stays', async () => {
    const rs = await owner('legacy');
    await pod('legacy-1', [ref(rs)]);
    // A finalizer of someone else's keeps the owner, so the answer comes before it is gone.
    assert.equal((await t.api.request('PATCH', `${RS}/legacy`, { contentType: 'application/merge-patch+json', body: { metadata: { finalizers: ['example.com/hold'] } } })).status, 200);
    assert.equal((await t.api.request('DELETE', `${RS}/legacy`, { body: { orphanDependents: false } })).status, 202);
    // Background: the dependent goes once its owner is gone.
    assert.equal((await t.api.request('PATCH', `${RS}/legacy`, { contentType: 'application/merge-patch+json', body: { metadata: { finalizers: null } } })).status, 200);
    await until('owner, then dependent gone', async () => (await status(`${RS}/legacy`)) === 404 && (await status(`${PODS}/legacy-1`)) === 404);
  });

  test('a dependent whose owner never existed is collected', async () => {
    await pod('dangling', [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'nobody', uid: '00000000-0000-0000-0000-000000000001' }]);
    await until('dangling pod collected', async () => (await status(`${PODS}/dangling`)) === 404);
  });
});

describe('a terminating namespace', { timeout: 60_000 }, () => {
  const t = suiteServer();

  test('refuses new content with 403 while its last pod is held by a finalizer, and goes once it is released', async () => {
    assert.equal((await t.api.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ending' } } })).status, 201);
    const pods = '/api/v1/namespaces/ending/pods';
    const body = (name: string, finalizers?: string[]) => ({ body: { apiVersion: 'v1', kind: 'Pod', metadata: { name, ...(finalizers ? { finalizers } : {}) }, spec: { containers: [{ name: 'c', image: 'i' }] } } });
    assert.equal((await t.api.request('POST', pods, body('held', ['example.com/hold']))).status, 201);
    assert.equal((await t.api.request('DELETE', '/api/v1/namespaces/ending')).status, 200);
    let refused: Awaited<ReturnType<typeof t.api.request>> | undefined;
    for (let i = 0; i < 300 && refused?.status !== 403; i++) {
      refused = await t.api.request('POST', pods, body(`late-${i}`));
      if (refused.status !== 403) await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(refused?.status, 403, refused?.text);
    assert.match(refused!.text, /unable to create new content in namespace ending because it is being terminated/);
    assert.equal((await t.api.request('PATCH', `${pods}/held`, { contentType: 'application/merge-patch+json', body: { metadata: { finalizers: null } } })).status, 200);
    for (let i = 0; i < 300 && (await t.api.request('GET', '/api/v1/namespaces/ending')).status !== 404; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal((await t.api.request('GET', '/api/v1/namespaces/ending')).status, 404);
  });
});
