// pods/log, exec, attach and portforward through the API server's pod proxy, against a fake node
// agent on loopback (no root needed): the real kubectl logs -f and exec (WebSocket
// v5.channel.k8s.io) go API server → agent byte for byte; errors are Status objects.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { startTestServer, type TestServer } from '../support/server.js';
import { kubectlRunner } from '../support/kubectl.js';
import { ensureCredentials } from '../../src/apiserver/auth/pki.js';
import { RestClient, loadKubeconfig } from '../../src/client/rest.js';

interface Seen { path: string; auth?: string; protocol?: string }

describe('pod proxy (log, exec) to a fake agent', () => {
  let srv: TestServer;
  let agent: Server;
  let agentPort = 0;
  let dir = '';
  const seen: Seen[] = [];
  let kubectl: ReturnType<typeof kubectlRunner>;
  let client: RestClient;

  before(async () => {
    srv = await startTestServer();
    dir = mkdtempSync(join(tmpdir(), 'kubesvc-fake-agent-'));
    const creds = await ensureCredentials(dir, ['127.0.0.1']);
    agent = createServer({ cert: creds.cert, key: creds.key }, (req, res) => {
      seen.push({ path: req.url ?? '', auth: req.headers.authorization });
      if (req.url?.startsWith('/pods/default/web/log')) {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.write('line one\n');
        // The second line arrives later: a buffering proxy would hold the first back.
        setTimeout(() => res.end('line two\n'), 300);
        return;
      }
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', message: 'no such pod on this node', code: 404 }));
    });
    const wss = new WebSocketServer({ noServer: true, handleProtocols: (ps) => (ps.has('v5.channel.k8s.io') ? 'v5.channel.k8s.io' : ps.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false) });
    agent.on('upgrade', (req, socket, head) => {
      wss.handleUpgrade(req, socket, head, async (ws) => {
        seen.push({ path: req.url ?? '', auth: req.headers.authorization, protocol: ws.protocol });
        const url = new URL(req.url ?? '/', 'https://x');
        const cmd = url.searchParams.getAll('command');
        // A real exec starts a process first: output right at the upgrade can reach kubectl
        // before it has registered its streams ("Unknown stream id"), on a busy machine.
        await new Promise((r) => setTimeout(r, 50));
        ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(`ran: ${cmd.join(' ')}\n`)]));
        ws.send(Buffer.concat([Buffer.from([2]), Buffer.from('to stderr\n')]));
        const status = cmd[0] === 'false'
          ? { metadata: {}, status: 'Failure', message: 'command terminated with non-zero exit code: exit status 3', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '3' }] } }
          : { metadata: {}, status: 'Success' };
        ws.send(Buffer.concat([Buffer.from([3]), Buffer.from(JSON.stringify(status))]), () => ws.close(1000));
      });
    });
    await new Promise<void>((r) => agent.listen(0, '127.0.0.1', () => r()));
    agentPort = (agent.address() as AddressInfo).port;
    client = new RestClient(loadKubeconfig(srv.kubeconfigPath));
    await client.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
    await client.patch('/api/v1/nodes/n1/status', { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: agentPort } } } });
    await client.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'dead' } });
    // A port nothing listens on: bind and close one.
    const tmp = createServer();
    await new Promise<void>((r) => tmp.listen(0, '127.0.0.1', () => r()));
    const deadPort = (tmp.address() as AddressInfo).port;
    await new Promise<void>((r) => tmp.close(() => r()));
    await client.patch('/api/v1/nodes/dead/status', { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: deadPort } } } });
    const pod = (name: string, nodeName?: string): unknown => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'x' }] } });
    await client.create('/api/v1/namespaces/default/pods', pod('web', 'n1'));
    await client.create('/api/v1/namespaces/default/pods', pod('pending'));
    await client.create('/api/v1/namespaces/default/pods', pod('orphan', 'dead'));
    kubectl = kubectlRunner(srv.kubeconfigPath);
  });

  after(async () => {
    client?.close();
    await new Promise<void>((r) => (agent ? agent.close(() => r()) : r()));
    agent?.closeAllConnections();
    await srv?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('streams logs with the query passed through and the bearer token sent', async () => {
    const r = await kubectl(['logs', 'web', '-f', '--tail=5', '-c', 'c']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'line one\nline two\n');
    const s = seen.find((x) => x.path.startsWith('/pods/default/web/log'))!;
    assert.match(s.path, /follow=true/);
    assert.match(s.path, /tailLines=5/);
    assert.match(s.path, /container=c/);
    assert.equal(s.auth, `Bearer ${srv.token}`);
  });

  it('streams the first log line before the agent finishes', async () => {
    const t0 = Date.now();
    const first = await new Promise<number>((resolve, reject) => {
      const url = new URL(srv.url);
      import('node:https').then(({ request }) => {
        const req = request({ host: url.hostname, port: url.port, path: '/api/v1/namespaces/default/pods/web/log?follow=true', ca: srv.caCert, headers: { Authorization: `Bearer ${srv.token}`, 'Accept-Encoding': 'gzip' } }, (res) => {
          assert.equal(res.headers['content-encoding'], undefined);
          res.once('data', () => { resolve(Date.now() - t0); res.destroy(); });
        });
        req.on('error', reject);
        req.end();
      }, reject);
    });
    assert.ok(first < 250, `first chunk after ${first} ms`);
  });

  it('runs kubectl exec over the WebSocket proxy, with stdout, stderr and exit codes', async () => {
    const r = await kubectl(['exec', 'web', '--', 'echo', 'hello']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'ran: echo hello\n');
    assert.match(r.stderr, /to stderr/);
    const s = seen.find((x) => x.protocol)!;
    assert.equal(s.protocol, 'v5.channel.k8s.io');
    assert.equal(s.auth, `Bearer ${srv.token}`);
    assert.match(s.path, /^\/pods\/default\/web\/exec\?/);
    const f = await kubectl(['exec', 'web', '--', 'false']);
    assert.equal(f.code, 3, f.stderr);
  });

  it('answers Kubernetes Status errors', async () => {
    const nf = await kubectl(['logs', 'nope']);
    assert.notEqual(nf.code, 0);
    assert.match(nf.stderr, /pods "nope" not found/);
    const pend = await kubectl(['logs', 'pending']);
    assert.match(pend.stderr, /pod pending does not have a host assigned/);
    const dead = await kubectl(['logs', 'orphan']);
    assert.match(dead.stderr, /error dialing the node agent at 127\.0\.0\.1:\d+/);
    const ex = await kubectl(['exec', 'nope', '--', 'true']);
    assert.match(ex.stderr, /not found/);
    const ex2 = await kubectl(['exec', 'orphan', '--', 'true']);
    assert.notEqual(ex2.code, 0);
    assert.match(ex2.stderr, /error dialing the node agent|502|Bad Gateway/);
  });

  it('rejects unauthenticated upgrades and passes attach and portforward upgrades to the agent', async () => {
    const tls = await import('node:tls');
    const url = new URL(srv.url);
    const ask = (path: string, auth: boolean): Promise<string> => new Promise((resolve, reject) => {
      const s = tls.connect({ host: url.hostname, port: Number(url.port), ca: srv.caCert }, () => {
        s.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${auth ? `Authorization: Bearer ${srv.token}\r\n` : ''}\r\n`);
      });
      let out = '';
      s.on('data', (d) => { out += d; if (/^HTTP\/1.1 101/.test(out)) s.end(); });
      s.on('end', () => resolve(out));
      s.on('error', reject);
    });
    assert.match(await ask('/api/v1/namespaces/default/pods/web/exec?command=x', false), /^HTTP\/1.1 401/);
    assert.match(await ask('/api/v1/namespaces/default/pods/web/attach?stdout=true', true), /^HTTP\/1.1 101/);
    assert.ok(seen.some((x) => x.path === '/pods/default/web/attach?stdout=true'), JSON.stringify(seen));
    assert.match(await ask('/api/v1/namespaces/default/pods/web/portforward?ports=80', true), /^HTTP\/1.1 101/);
    const forwarded = seen.find((x) => x.path.startsWith('/pods/default/web/portforward'));
    assert.equal(forwarded?.path, '/pods/default/web/portforward?ports=80');
    assert.equal(forwarded?.auth, `Bearer ${srv.token}`);
  });
});
