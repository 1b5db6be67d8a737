// @kubernetes/client-node (v2) against kubesvc: kubeconfig loading, CoreV1Api
// list/create/read, a Watch on pods, AppsV1Api create.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type * as K8s from '@kubernetes/client-node';
import { startTestServer, type TestServer } from '../support/server.js';

// Loaded in before() so that a library that cannot load on this Node.js fails the
// tests with a clear message instead of crashing the file.
let k8s: typeof K8s;

describe('@kubernetes/client-node against kubesvc', { timeout: 60_000 }, () => {
  let srv: TestServer;
  let kc: K8s.KubeConfig;
  const ns = 'cn';

  before(async () => {
    try {
      k8s = await import('@kubernetes/client-node');
    } catch (e) {
      throw new Error(`@kubernetes/client-node does not load on Node.js ${process.version}: ${e instanceof Error ? e.message : String(e)}`);
    }
    srv = await startTestServer();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(srv.kubeconfigPath);
    await kc.makeApiClient(k8s.CoreV1Api).createNamespace({ body: { metadata: { name: ns } } });
  });
  after(async () => {
    await srv?.stop();
  });

  test('the kubeconfig points at the server', () => {
    assert.equal(kc.getCurrentCluster()?.server, srv.url);
  });

  test('CoreV1Api list, create, read services', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const empty = await core.listNamespacedService({ namespace: ns });
    assert.deepEqual(empty.items, []);
    assert.match(empty.metadata?.resourceVersion ?? '', /^\d+$/);
    const created = await core.createNamespacedService({
      namespace: ns,
      body: { metadata: { name: 'web', labels: { app: 'web' } }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
    });
    assert.equal(created.metadata?.name, 'web');
    assert.equal(created.metadata?.namespace, ns);
    assert.match(created.metadata?.uid ?? '', /^[0-9a-f-]{36}$/);
    assert.ok(created.metadata?.creationTimestamp instanceof Date, 'creationTimestamp parses as a date');
    assert.equal(created.spec?.type, 'ClusterIP');
    assert.match(created.spec?.clusterIP ?? '', /^\d+\.\d+\.\d+\.\d+$/);
    assert.equal(created.spec?.ports?.[0].protocol, 'TCP');
    const read = await core.readNamespacedService({ name: 'web', namespace: ns });
    assert.equal(read.metadata?.uid, created.metadata?.uid);
    assert.equal(read.spec?.clusterIP, created.spec?.clusterIP);
    const list = await core.listNamespacedService({ namespace: ns, labelSelector: 'app=web' });
    assert.deepEqual(list.items.map((s) => s.metadata?.name), ['web']);
    const all = await core.listServiceForAllNamespaces();
    assert.ok(all.items.some((s) => s.metadata?.namespace === ns && s.metadata?.name === 'web'));
    await assert.rejects(core.readNamespacedService({ name: 'nope', namespace: ns }), (e: unknown) => {
      const err = e as { code?: number; body?: string };
      assert.equal(err.code, 404);
      const body = JSON.parse(err.body ?? '{}') as { kind?: string; reason?: string };
      assert.equal(body.kind, 'Status');
      assert.equal(body.reason, 'NotFound');
      return true;
    });
  });

  test('Watch on pods: ADDED, MODIFIED, DELETED in order', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const events: [string, string][] = [];
    let doneErr: unknown = 'open';
    const seen = (n: number): Promise<void> =>
      new Promise((resolve, reject) => {
        const deadline = Date.now() + 10_000;
        const tick = (): void => {
          if (events.length >= n) resolve();
          else if (Date.now() > deadline) reject(new Error(`only saw ${JSON.stringify(events)}; done: ${String(doneErr)}`));
          else setTimeout(tick, 25);
        };
        tick();
      });
    const list = await core.listNamespacedPod({ namespace: ns });
    const watch = new k8s.Watch(kc);
    const ctl = await watch.watch(
      `/api/v1/namespaces/${ns}/pods`,
      { resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: false },
      (phase, obj: K8s.V1Pod) => events.push([phase, obj.metadata?.name ?? '']),
      (err) => (doneErr = err),
    );
    try {
      await core.createNamespacedPod({ namespace: ns, body: { metadata: { name: 'p1', labels: { a: '1' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } } });
      await seen(1);
      await core.patchNamespacedPod(
        { name: 'p1', namespace: ns, body: [{ op: 'add', path: '/metadata/labels/b', value: '2' }] },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
      );
      await seen(2);
      await core.deleteNamespacedPod({ name: 'p1', namespace: ns, gracePeriodSeconds: 0 });
      await seen(3);
      assert.deepEqual(events.slice(0, 3), [['ADDED', 'p1'], ['MODIFIED', 'p1'], ['DELETED', 'p1']]);
      assert.equal(doneErr, 'open', 'the watch stays open');
    } finally {
      ctl.abort();
    }
  });

  test('AppsV1Api create and read a deployment', async () => {
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const d = await apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: 'app' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'app' } },
          template: { metadata: { labels: { app: 'app' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } },
        },
      },
    });
    assert.equal(d.metadata?.generation, 1);
    assert.equal(d.spec?.strategy?.type, 'RollingUpdate', 'defaults applied');
    assert.equal(d.spec?.revisionHistoryLimit, 10);
    const got = await apps.readNamespacedDeployment({ name: 'app', namespace: ns });
    assert.equal(got.spec?.replicas, 2);
    const list = await apps.listNamespacedDeployment({ namespace: ns });
    assert.deepEqual(list.items.map((x) => x.metadata?.name), ['app']);
    const scale = await apps.readNamespacedDeploymentScale({ name: 'app', namespace: ns });
    assert.equal(scale.spec?.replicas, 2);
  });
});
