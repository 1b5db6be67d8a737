// The load-balancer controller against a real API server: assignment from a
// two-address pool, exhaustion → <pending> + AllocationFailed, delete and type
// change release, another class is left alone, a restart keeps assignments.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/server.js';
import { RestClient, loadKubeconfig } from '../../src/client/rest.js';
import { Events, Services, resourcePath } from '../../src/client/resources.js';
import { LoadBalancerController } from '../../src/controllers/loadbalancer/controller.js';

let srv: TestServer;
let client: RestClient;
let ctl: LoadBalancerController;
const POOL = '172.30.0.200-172.30.0.201';
const ns = 'default';

before(async () => {
  srv = await startTestServer();
  client = new RestClient(loadKubeconfig(srv.kubeconfigPath));
  ctl = new LoadBalancerController(client, { pool: POOL, log: () => undefined });
  await ctl.start();
});

after(async () => {
  await ctl?.stop();
  client.close();
  await srv.stop();
});

const lb = (name: string, spec: object = {}, annotations: Record<string, string> = {}) =>
  client.create(resourcePath(Services, ns), { apiVersion: 'v1', kind: 'Service', metadata: { name, annotations }, spec: { type: 'LoadBalancer', selector: { app: name }, ports: [{ port: 80 }], ...spec } });

const ingress = async (name: string): Promise<string | undefined> => (await client.get(resourcePath(Services, ns, name))).status?.loadBalancer?.ingress?.[0]?.ip;

async function eventually<T>(what: string, f: () => Promise<T>, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  let v = await f();
  while (!ok(v)) {
    if (Date.now() > deadline) assert.fail(`${what}: still ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 25));
    v = await f();
  }
  return v;
}

const eventsFor = async (name: string): Promise<{ type: string; reason: string; message: string }[]> =>
  (await client.get(resourcePath(Events, ns))).items.filter((e: any) => e.involvedObject?.name === name);

const settle = () => new Promise((r) => setTimeout(r, 300));

test('assigns, exhausts, frees on delete, releases on type change', async () => {
  await lb('a');
  assert.equal(await eventually('a ip', () => ingress('a'), (v) => !!v), '172.30.0.200');
  const full = (await client.get(resourcePath(Services, ns, 'a'))).status.loadBalancer.ingress;
  assert.deepEqual(full, [{ ip: '172.30.0.200', ipMode: 'VIP' }]);
  await lb('b');
  assert.equal(await eventually('b ip', () => ingress('b'), (v) => !!v), '172.30.0.201');

  await lb('c');
  const evs = await eventually('c event', () => eventsFor('c'), (es) => es.some((e) => e.reason === 'AllocationFailed'));
  const failed = evs.find((e) => e.reason === 'AllocationFailed')!;
  assert.equal(failed.type, 'Warning');
  assert.equal(failed.message, `Failed to allocate IP for "default/c": no available IPs in pool "${POOL}"`);
  assert.equal(await ingress('c'), undefined, 'c stays <pending>');

  await client.delete(resourcePath(Services, ns, 'a'));
  assert.equal(await eventually('c gets a\'s ip', () => ingress('c'), (v) => !!v), '172.30.0.200');
  // Events are recorded on their own, not before the status write: wait for them.
  const want = ['EnsuringLoadBalancer', 'IPAllocated', 'EnsuredLoadBalancer'];
  await eventually('c events', async () => (await eventsFor('c')).map((e) => e.reason), (rs) => want.every((r) => rs.includes(r)));

  await client.patch(resourcePath(Services, ns, 'b'), { spec: { type: 'ClusterIP', externalTrafficPolicy: null, allocateLoadBalancerNodePorts: null } });
  assert.equal(await eventually('b status cleared', () => ingress('b'), (v) => v === undefined), undefined);
  await lb('d');
  assert.equal(await eventually('d gets b\'s ip', () => ingress('d'), (v) => !!v), '172.30.0.201');
  assert.equal(ctl.pool.ipOf('default/b'), undefined);
});

test('requested IPs, sharing, another class', async () => {
  // Pool is full (c .200, d .201); a request for a held IP fails with the reason.
  await lb('want-200', { loadBalancerIP: '172.30.0.200' });
  const ev = await eventually('want-200 event', () => eventsFor('want-200'), (es) => es.some((e) => e.reason === 'AllocationFailed'));
  assert.match(ev.find((e) => e.reason === 'AllocationFailed')!.message, /failed to allocate requested IP 172\.30\.0\.200: 172\.30\.0\.200 is in use by default\/c/);
  await client.delete(resourcePath(Services, ns, 'want-200'));

  // Share d's address: same key, different port.
  await client.patch(resourcePath(Services, ns, 'd'), { metadata: { annotations: { 'metallb.io/allow-shared-ip': 'k' } } });
  await lb('d-udp', { ports: [{ port: 80, protocol: 'UDP' }] }, { 'metallb.io/loadBalancerIPs': '172.30.0.201', 'metallb.io/allow-shared-ip': 'k' });
  assert.equal(await eventually('d-udp shares', () => ingress('d-udp'), (v) => !!v), '172.30.0.201');

  await lb('foreign', { loadBalancerClass: 'example.com/other' });
  await settle();
  assert.equal(await ingress('foreign'), undefined);
  assert.deepEqual((await eventsFor('foreign')).map((e) => e.reason), []);
});

test('a restarted controller keeps assignments and does not steal', async () => {
  await ctl.stop();
  await lb('late');
  ctl = new LoadBalancerController(client, { pool: POOL, log: () => undefined });
  await ctl.start();
  await eventually('late event', () => eventsFor('late'), (es) => es.some((e) => e.reason === 'AllocationFailed'));
  assert.equal(await ingress('c'), '172.30.0.200');
  assert.equal(await ingress('d'), '172.30.0.201');
  assert.equal(await ingress('d-udp'), '172.30.0.201');
  assert.equal(await ingress('late'), undefined);
  // Freeing a shared address takes both sharers.
  await client.delete(resourcePath(Services, ns, 'd'));
  await settle();
  assert.equal(await ingress('late'), undefined, 'd-udp still holds .201');
  await client.delete(resourcePath(Services, ns, 'd-udp'));
  assert.equal(await eventually('late gets .201', () => ingress('late'), (v) => !!v), '172.30.0.201');
});
