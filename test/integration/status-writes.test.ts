// Writes through /status: only status changes, the writer owns just what it changed,
// and the object the watch cache holds for the old version stays as it was (the
// status path shares old's unchanged parts instead of copying them).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { suiteServer } from '../support/server.js';
import { resourceByKind } from '../../src/apiserver/resources.js';
import type { KubeObject } from '../../src/api/object.js';

const podPath = '/api/v1/namespaces/default/pods/st';

describe('status subresource writes', { timeout: 60_000 }, () => {
  const t = suiteServer();

  test('a status patch changes status only, leaves the cached old version intact and records a status entry', async () => {
    const created = await t.api.request('POST', '/api/v1/namespaces/default/pods?fieldManager=maker', {
      body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'st', labels: { app: 'a' } }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i' }] } },
    });
    assert.equal(created.status, 201, created.text);
    const pods = resourceByKind('Pod')!;
    const cachedOld = t.srv.store.get(pods, 'default', 'st');
    const oldCopy = JSON.parse(JSON.stringify(cachedOld)) as KubeObject;

    // A client sending spec and metadata changes through /status: they are ignored.
    const r = await t.api.request('PATCH', `${podPath}/status?fieldManager=agent`, {
      contentType: 'application/merge-patch+json',
      body: { metadata: { labels: { app: 'changed' } }, spec: { nodeName: 'other' }, status: { phase: 'Running', podIP: '10.244.0.5' } },
    });
    assert.equal(r.status, 200, r.text);
    const pod = r.json<KubeObject>();
    assert.equal(pod.status.phase, 'Running');
    assert.equal(pod.status.podIP, '10.244.0.5');
    assert.equal(pod.spec.nodeName, 'n1');
    assert.deepEqual(pod.metadata.labels, { app: 'a' });
    assert.notEqual(pod.metadata.resourceVersion, oldCopy.metadata.resourceVersion);
    const entry = pod.metadata.managedFields?.find((m) => m.manager === 'agent');
    assert.deepEqual(entry?.subresource, 'status');
    assert.deepEqual(Object.keys(entry?.fieldsV1 ?? {}), ['f:status']);
    assert.deepEqual(Object.keys((entry?.fieldsV1 as any)['f:status']).sort(), ['f:phase', 'f:podIP']);
    assert.ok(pod.metadata.managedFields?.some((m) => m.manager === 'maker'), 'the creator keeps its entry');
    // The old version as the cache handed it out before the write: not one field changed.
    assert.deepEqual(cachedOld, oldCopy);

    // A second write by the same manager merges into its entry; the version before it stays intact too.
    const cachedMid = t.srv.store.get(pods, 'default', 'st');
    const midCopy = JSON.parse(JSON.stringify(cachedMid)) as KubeObject;
    const more = await t.api.request('PATCH', `${podPath}/status?fieldManager=agent`, {
      contentType: 'application/merge-patch+json', body: { status: { hostIP: '172.30.0.2', podIP: '10.244.0.5' } },
    });
    assert.equal(more.status, 200, more.text);
    const merged = more.json<KubeObject>().metadata.managedFields?.find((m) => m.manager === 'agent');
    assert.deepEqual(Object.keys((merged?.fieldsV1 as any)['f:status']).sort(), ['f:hostIP', 'f:phase', 'f:podIP']);
    assert.deepEqual(cachedMid, midCopy);
    Object.assign(pod, more.json<KubeObject>());

    // The same status again is a no-op: the resourceVersion stays.
    const again = await t.api.request('PATCH', `${podPath}/status?fieldManager=agent`, {
      contentType: 'application/merge-patch+json', body: { status: { phase: 'Running', podIP: '10.244.0.5', hostIP: '172.30.0.2' } },
    });
    assert.equal(again.status, 200, again.text);
    assert.equal(again.json<KubeObject>().metadata.resourceVersion, pod.metadata.resourceVersion);

    // A PUT to /status: its status replaces the stored one, its spec is ignored.
    const put = await t.api.request('PUT', `${podPath}/status`, { body: { ...pod, spec: { ...pod.spec, nodeName: 'other' }, status: { ...pod.status, podIP: '10.244.0.6' } } });
    assert.equal(put.status, 200, put.text);
    const replaced = put.json<KubeObject>();
    assert.equal(replaced.spec.nodeName, 'n1');
    assert.equal(replaced.status.podIP, '10.244.0.6');
  });
});

describe('a write\'s answer', { timeout: 60_000 }, () => {
  const t = suiteServer();

  // The answer reuses the watch cache's encoding of what was stored: it must be that object, byte for byte.
  test('create, status patch and update answer with the stored object exactly as a GET then returns it', async () => {
    const path = '/api/v1/namespaces/default/pods/answer';
    const same = async (r: Awaited<ReturnType<typeof t.api.request>>, code: number): Promise<void> => {
      assert.equal(r.status, code, r.text);
      const got = await t.api.request('GET', path);
      assert.equal(r.text, got.text);
      assert.equal(r.json<KubeObject>().metadata.resourceVersion, got.json<KubeObject>().metadata.resourceVersion);
    };
    await same(await t.api.request('POST', '/api/v1/namespaces/default/pods', {
      body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'answer' }, spec: { containers: [{ name: 'c', image: 'i' }] } },
    }), 201);
    await same(await t.api.request('PATCH', `${path}/status`, { contentType: 'application/merge-patch+json', body: { status: { phase: 'Running' } } }), 200);
    const cur = (await t.api.request('GET', path)).json<KubeObject>();
    await same(await t.api.request('PUT', path, { body: { ...cur, metadata: { ...cur.metadata, labels: { a: 'b' } } } }), 200);
    // A dry run stores nothing: its answer is encoded from the object itself.
    const dry = await t.api.request('POST', '/api/v1/namespaces/default/pods?dryRun=All', {
      body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'dry' }, spec: { containers: [{ name: 'c', image: 'i' }] } },
    });
    assert.equal(dry.status, 201, dry.text);
    assert.equal(dry.json<KubeObject>().metadata.name, 'dry');
    assert.equal((await t.api.request('GET', '/api/v1/namespaces/default/pods/dry')).status, 404);
  });
});
