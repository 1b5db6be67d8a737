// startProxy against a real API server (FakeNft, so no root): informers feed
// syncs, healthCheckNodePort answers 200/503 on loopback, metrics are served,
// and stop() removes the table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { get, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestServer } from '../support/server.js';
import { freePort } from '../support/free-port.js';
import { RestClient, loadKubeconfig } from '../../src/client/rest.js';
import { EndpointSlices, Services, resourcePath } from '../../src/client/resources.js';
import { FakeNft } from '../../src/nft/fake.js';
import { FakeConntrack } from '../../src/proxy/conntrack-exec.js';
import { startProxy } from '../../src/proxy/index.js';

const fetchText = (url: string): Promise<{ status: number; body: string }> => new Promise((resolve, reject) => {
  get(url, (res) => { let b = ''; res.on('data', (c) => (b += c)); res.on('end', () => resolve({ status: res.statusCode ?? 0, body: b })); }).on('error', reject);
});

async function until(what: string, fn: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('proxy follows Services and EndpointSlices from the API server', async () => {
  const srv = await startTestServer();
  const client = new RestClient(loadKubeconfig(srv.kubeconfigPath));
  const nft = new FakeNft('kubesvc');
  const metricsPort = await freePort();
  // Inside the try: a start that fails must still stop the API server, or this file never exits.
  let proxy: Awaited<ReturnType<typeof startProxy>> | undefined;
  try {
    proxy = await startProxy({
      client, nodeName: 'node-1', nodeIPs: ['127.0.0.1'], serviceCIDR: '10.96.0.0/12', clusterCIDR: '10.244.0.0/16',
      nft, conntrack: new FakeConntrack(), metricsAddress: `127.0.0.1:${metricsPort}`, healthCheckAddresses: ['127.0.0.1'], minSyncIntervalMs: 0,
    });
    const s = await client.create(resourcePath(Services, 'default'), {
      metadata: { name: 'web' }, spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Local', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    });
    await until('service chain', () => nft.dump().includes('comment "default/web:http"'));
    await client.create(resourcePath(EndpointSlices, 'default'), {
      metadata: { name: 'web-1', labels: { 'kubernetes.io/service-name': 'web' }, annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': new Date().toISOString() } },
      addressType: 'IPv4', ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      endpoints: [{ addresses: ['10.244.1.5'], conditions: { ready: true }, nodeName: 'node-1' }, { addresses: ['10.244.2.5'], conditions: { ready: true }, nodeName: 'node-2' }],
    });
    await until('endpoint elements', () => nft.dump().includes(': 10.244.2.5 . 8080 }'));
    const hc = s.spec.healthCheckNodePort as number | undefined;
    if (hc) {
      await until('health check 200', async () => (await fetchText(`http://127.0.0.1:${hc}/`).catch(() => ({ status: 0, body: '' }))).status === 200);
      const r = await fetchText(`http://127.0.0.1:${hc}/`);
      assert.deepEqual(JSON.parse(r.body), { service: { namespace: 'default', name: 'web' }, localEndpoints: 1, serviceProxyHealthy: true });
      await client.patch(resourcePath(EndpointSlices, 'default', 'web-1'), { endpoints: [{ addresses: ['10.244.2.5'], conditions: { ready: true }, nodeName: 'node-2' }] });
      await until('health check 503', async () => (await fetchText(`http://127.0.0.1:${hc}/`)).status === 503);
    }
    const m = await fetchText(`http://127.0.0.1:${metricsPort}/metrics`);
    assert.match(m.body, /kubeproxy_sync_proxy_rules_duration_seconds_count\{mode="full"\} 1/);
    assert.match(m.body, /kubeproxy_network_programming_duration_seconds_count [1-9]/);
    assert.match(m.body, /kubeproxy_sync_proxy_rules_total\{mode="partial",result="success"\} [1-9]/);
    await client.delete(resourcePath(Services, 'default', 'web'));
    await until('service gone', () => !nft.dump().includes('default/web'));
  } finally {
    await proxy?.stop();
    client.close();
    await srv.stop();
  }
  assert.equal(nft.state, undefined, 'stop() deletes the table');
});

test('a proxy start that fails half-way (metrics address taken) leaves no watch running', async () => {
  const srv = await startTestServer();
  const client = new RestClient(loadKubeconfig(srv.kubeconfigPath));
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
  const port = (taken.address() as AddressInfo).port;
  try {
    await assert.rejects(startProxy({
      client, nodeName: 'node-1', nodeIPs: ['127.0.0.1'], serviceCIDR: '10.96.0.0/12', clusterCIDR: '10.244.0.0/16',
      nft: new FakeNft('kubesvc'), conntrack: new FakeConntrack(), metricsAddress: `127.0.0.1:${port}`, healthCheckAddresses: [], minSyncIntervalMs: 0,
    }), /EADDRINUSE/);
    // The three informers' watches were open when the listen failed; all of them are closed again.
    await until('watches closed', () => client.inFlight() === 0);
  } finally {
    taken.close();
    client.close();
    await srv.stop();
  }
});
