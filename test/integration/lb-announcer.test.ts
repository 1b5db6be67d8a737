// The announcer shell against a real API server with FakeAnnounceNet: it
// reclaims leftovers at start, follows Local-policy endpoints between nodes,
// announces externalIPs, and gives everything up on stop.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/server.js';
import { RestClient, loadKubeconfig } from '../../src/client/rest.js';
import { EndpointSlices, Nodes, Services, resourcePath } from '../../src/client/resources.js';
import { startAnnouncer, type Announcer } from '../../src/agent-announce/announcer.js';
import { FakeAnnounceNet } from '../../src/agent-announce/fake.js';

let srv: TestServer;
let client: RestClient;

before(async () => {
  srv = await startTestServer();
  client = new RestClient(loadKubeconfig(srv.kubeconfigPath));
  for (const name of ['node-1', 'node-2']) {
    await client.create(resourcePath(Nodes), { apiVersion: 'v1', kind: 'Node', metadata: { name } });
    await client.patch(resourcePath(Nodes, undefined, name, 'status'), { status: { conditions: [{ type: 'Ready', status: 'True' }] } }, 'strategic');
  }
});

after(async () => {
  client.close();
  await srv.stop();
});

const slice = (nodeName: string) => ({
  apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'loc-1', labels: { 'kubernetes.io/service-name': 'loc' } },
  addressType: 'IPv4', ports: [{ port: 8080, protocol: 'TCP' }], endpoints: [{ addresses: ['10.244.1.5'], nodeName, conditions: { ready: true } }],
});

async function until(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) assert.fail(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('follows Local endpoints, announces externalIPs, reclaims and releases', async () => {
  const nets = { 'node-1': new FakeAnnounceNet(['172.30.0.250']), 'node-2': new FakeAnnounceNet() };
  const ann: Record<string, Announcer> = {};
  for (const n of ['node-1', 'node-2'] as const) ann[n] = await startAnnouncer({ client, nodeName: n, net: nets[n], log: () => undefined });
  await until('leftover reclaimed', () => !nets['node-1'].held.has('172.30.0.250'));

  const svc = await client.create(resourcePath(Services, 'default'), {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'loc' },
    spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Local', selector: { app: 'loc' }, ports: [{ port: 80 }], externalIPs: ['192.0.2.10'] },
  });
  await client.patch(resourcePath(Services, 'default', 'loc', 'status'), { status: { loadBalancer: { ingress: [{ ip: '172.30.0.200', ipMode: 'VIP' }] } } });
  await client.create(resourcePath(EndpointSlices, 'default'), slice('node-2'));
  await until('node-2 holds both', () => nets['node-2'].held.has('172.30.0.200') && nets['node-2'].held.has('192.0.2.10'));
  assert.deepEqual([...nets['node-1'].held], []);
  assert.ok(nets['node-2'].ops.includes('announce 172.30.0.200'));

  await client.update(resourcePath(EndpointSlices, 'default', 'loc-1'), { ...slice('node-1'), metadata: { ...slice('node-1').metadata, resourceVersion: undefined } });
  await until('moves to node-1', () => nets['node-1'].held.has('172.30.0.200') && !nets['node-2'].held.has('172.30.0.200'));

  // A failed add retries.
  nets['node-1'].failNextAdd = '172.30.0.201';
  await client.patch(resourcePath(Services, 'default', 'loc', 'status'), { status: { loadBalancer: { ingress: [{ ip: '172.30.0.201', ipMode: 'VIP' }] } } });
  await until('retried add', () => nets['node-1'].held.has('172.30.0.201') && !nets['node-1'].held.has('172.30.0.200'), 4000);

  await ann['node-1'].stop();
  assert.deepEqual([...nets['node-1'].held], []);
  await ann['node-2'].stop();
  assert.equal(svc.metadata.name, 'loc');
});
