// The API server verifies node agents as kube-apiserver verifies kubelets with
// --kubelet-certificate-authority: an agent whose certificate the cluster CA did not
// issue, or that names another address, gets no request (and so never sees the token).
// Fake agents on loopback; the real kubectl.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { startTestServer, type TestServer } from '../support/server.js';
import { kubectlRunner } from '../support/kubectl.js';
import { ensureCA, ensureNodeServing } from '../../src/apiserver/auth/pki.js';
import { RestClient, loadKubeconfig } from '../../src/client/rest.js';

describe('pod proxy verifies agents against the kubelet CA', () => {
  let srv: TestServer;
  let dir = '';
  const agents: Server[] = [];
  const asked: string[] = [];
  let kubectl: ReturnType<typeof kubectlRunner>;
  let client: RestClient;

  /** A fake agent with these credentials, and a node and a pod on it. */
  const agentNode = async (node: string, creds: { cert: string; key: string }): Promise<void> => {
    const a = createServer({ cert: creds.cert, key: creds.key }, (req, res) => {
      asked.push(`${node} ${req.headers.authorization ?? ''}`);
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(`log of ${node}\n`);
    });
    agents.push(a);
    await new Promise<void>((r) => a.listen(0, '127.0.0.1', () => r()));
    const port = (a.address() as AddressInfo).port;
    await client.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: node } });
    await client.patch(`/api/v1/nodes/${node}/status`, { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } } });
    await client.create('/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: `on-${node}` }, spec: { nodeName: node, containers: [{ name: 'c', image: 'x' }] } });
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubesvc-agent-verify-'));
    const clusterPki = join(dir, 'cluster', 'pki');
    srv = await startTestServer({ dataDir: join(dir, 'cluster'), kubeletCA: await ensureCA(clusterPki) });
    client = new RestClient(loadKubeconfig(srv.kubeconfigPath));
    kubectl = kubectlRunner(srv.kubeconfigPath);
    await agentNode('issued', await ensureNodeServing(join(dir, 'issued'), '127.0.0.1', 'issued', clusterPki));
    await agentNode('own-ca', await ensureNodeServing(join(dir, 'own-ca'), '127.0.0.1', 'own-ca'));
    await agentNode('other-ip', await ensureNodeServing(join(dir, 'other-ip'), '127.0.0.2', 'other-ip', clusterPki));
  });

  after(async () => {
    client?.close();
    for (const a of agents) { a.closeAllConnections(); await new Promise<void>((r) => a.close(() => r())); }
    await srv?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('proxies to an agent whose certificate the cluster CA issued for its address', async () => {
    const r = await kubectl(['logs', 'on-issued']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'log of issued\n');
    assert.deepEqual(asked, [`issued Bearer ${srv.token}`]);
  });

  it('refuses an agent with a certificate of another CA, before sending anything', async () => {
    const r = await kubectl(['logs', 'on-own-ca']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /error dialing the node agent at 127\.0\.0\.1:\d+: .*(certificate|verify)/);
    const ex = await kubectl(['exec', 'on-own-ca', '--', 'true']);
    assert.notEqual(ex.code, 0);
    assert.ok(!asked.some((a) => a.startsWith('own-ca')), asked.join('\n'));
  });

  it('refuses an agent whose certificate names another address', async () => {
    const r = await kubectl(['logs', 'on-other-ip']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /error dialing the node agent at 127\.0\.0\.1:\d+: .*(IP|altnames)/);
    assert.ok(!asked.some((a) => a.startsWith('other-ip')), asked.join('\n'));
  });

  it('keeps a node certificate while it fits, and reissues one another CA signed', async () => {
    const clusterPki = join(dir, 'cluster', 'pki');
    const crt = join(dir, 'issued', 'apiserver.crt');
    const before = statSync(crt).mtimeMs;
    await ensureNodeServing(join(dir, 'issued'), '127.0.0.1', 'issued', clusterPki);
    assert.equal(statSync(crt).mtimeMs, before);
    // The agent's own CA made own-ca's certificate: issued from the cluster CA, it now verifies.
    const own = readFileSync(join(dir, 'own-ca', 'apiserver.crt'), 'utf8');
    const again = await ensureNodeServing(join(dir, 'own-ca'), '127.0.0.1', 'own-ca', clusterPki);
    assert.notEqual(again.cert, own);
    assert.equal(readFileSync(join(dir, 'own-ca', 'ca.crt'), 'utf8'), readFileSync(join(clusterPki, 'ca.crt'), 'utf8'));
    // The node's directory never gets the cluster CA's key.
    assert.throws(() => statSync(join(dir, 'issued', 'ca.key')), /ENOENT/);
  });
});
