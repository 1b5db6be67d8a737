// The kubesvc client library against a real server: REST verbs, informer sync,
// watch resume and handler ordering, work queue de-duplication.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/server.js';
import { RestClient, loadKubeconfig, isNotFoundError, ApiError } from '../../src/client/rest.js';
import { Informer } from '../../src/client/informer.js';
import { WorkQueue } from '../../src/client/workqueue.js';
import { Services, resourcePath } from '../../src/client/resources.js';

let srv: TestServer;
let client: RestClient;

before(async () => {
  srv = await startTestServer();
  client = new RestClient(loadKubeconfig(srv.kubeconfigPath));
});

after(async () => {
  client.close();
  await srv.stop();
});

const svc = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name, labels }, spec: { selector: { app: name }, ports: [{ port: 80 }] },
});

test('REST verbs map to Kubernetes statuses', async () => {
  const created = await client.create(resourcePath(Services, 'default'), svc('rest-a'));
  assert.match(created.spec.clusterIP, /^10\./);
  const got = await client.get(resourcePath(Services, 'default', 'rest-a'));
  assert.equal(got.metadata.uid, created.metadata.uid);
  await assert.rejects(client.get(resourcePath(Services, 'default', 'nope')), (e) => isNotFoundError(e));
  await assert.rejects(client.create(resourcePath(Services, 'default'), svc('rest-a')), (e) => e instanceof ApiError && e.reason === 'AlreadyExists');
  const patched = await client.patch(resourcePath(Services, 'default', 'rest-a'), { metadata: { labels: { x: 'y' } } });
  assert.equal(patched.metadata.labels.x, 'y');
  await client.delete(resourcePath(Services, 'default', 'rest-a'));
  await assert.rejects(client.get(resourcePath(Services, 'default', 'rest-a')), (e) => isNotFoundError(e));
});

test('informer lists, then sees adds, updates and deletes in order', async () => {
  await client.create(resourcePath(Services, 'default'), svc('inf-pre', { inf: 'yes' }));
  const inf = new Informer(client, Services, { namespace: 'default', labelSelector: 'inf=yes' });
  const seen: string[] = [];
  inf.on({
    add: (o) => seen.push(`add ${o.metadata.name}`),
    update: (_o, n) => seen.push(`update ${n.metadata.name} ${n.metadata.labels?.v ?? ''}`),
    delete: (o) => seen.push(`delete ${o.metadata.name}`),
  });
  await inf.start();
  assert.deepEqual(seen, ['add inf-pre']);
  assert.ok(inf.get('default', 'inf-pre'));
  await client.create(resourcePath(Services, 'default'), svc('inf-b', { inf: 'yes' }));
  await client.patch(resourcePath(Services, 'default', 'inf-b'), { metadata: { labels: { v: '2' } } });
  await client.create(resourcePath(Services, 'default'), svc('other', { inf: 'no' }));
  await client.delete(resourcePath(Services, 'default', 'inf-b'));
  const deadline = Date.now() + 3000;
  while (seen.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  inf.stop();
  assert.deepEqual(seen, ['add inf-pre', 'add inf-b', 'update inf-b 2', 'delete inf-b']);
  assert.equal(inf.get('default', 'inf-b'), undefined);
});

test('work queue never runs a key twice at once and coalesces repeats', async () => {
  const q = new WorkQueue<string>();
  const runs: string[] = [];
  let active = 0, maxActive = 0;
  const done = q.run(async (k) => {
    active++; maxActive = Math.max(maxActive, active);
    runs.push(k);
    await new Promise((r) => setTimeout(r, 20));
    active--;
  }, 4);
  q.add('a'); q.add('a'); q.add('b');
  await new Promise((r) => setTimeout(r, 5));
  q.add('a'); // while a is processing: runs once more afterwards
  await new Promise((r) => setTimeout(r, 100));
  q.shutDown();
  await done;
  assert.deepEqual(runs.sort(), ['a', 'a', 'b']);
  assert.ok(maxActive <= 2);
});
