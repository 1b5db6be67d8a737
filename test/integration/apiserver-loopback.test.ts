// The in-process controllers reach their API server over a Unix socket in its
// data directory (plain HTTP, the bearer token still checked): the socket is
// private to its owner, replaces a crashed run's, is removed on close, and a
// data directory too long for a socket path keeps the controllers on TLS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../support/server.js';
import { RestClient } from '../../src/client/rest.js';
import { Pods, ReplicaSets, resourcePath } from '../../src/client/resources.js';

function overSocket(socketPath: string, path: string, token?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, headers: token ? { Authorization: `Bearer ${token}` } : {} }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
    req.on('error', reject);
    req.end();
  });
}

/** The ReplicaSet controller makes its pods: the controllers' client works. */
async function controllersWork(srv: TestServer, name: string): Promise<void> {
  const c = new RestClient({ server: srv.url, token: srv.token, caCert: srv.caCert });
  try {
    await c.create(resourcePath(ReplicaSets, 'default'), {
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name },
      spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
    });
    for (let i = 0; i < 200; i++) {
      const pods = await c.get<{ items: unknown[] }>(`${resourcePath(Pods, 'default')}?labelSelector=app%3D${name}`);
      if (pods.items.length === 2) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.fail(`ReplicaSet ${name} made no pods`);
  } finally {
    c.close();
  }
}

test('the controllers\' socket: owner-only, token checked, replaces a stale one, removed on close', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubesvc-loopback-'));
  const sock = join(dataDir, 'apiserver.sock');
  writeFileSync(sock, 'left by a crashed run');
  const srv = await startTestServer({ dataDir, controllers: true });
  try {
    const st = statSync(sock);
    assert.ok(st.isSocket());
    assert.equal(st.mode & 0o777, 0o600);
    assert.equal(await overSocket(sock, '/api/v1/namespaces'), 401);
    assert.equal(await overSocket(sock, '/api/v1/namespaces', 'wrong'), 401);
    assert.equal(await overSocket(sock, '/api/v1/namespaces', srv.token), 200);
    const viaSocket = new RestClient({ server: srv.url, token: srv.token, caCert: srv.caCert, socketPath: sock });
    try {
      const ev = await new Promise<string>((resolve, reject) => {
        const w = viaSocket.watch('/api/v1/namespaces?watch=true', (e) => { w.close(); resolve(e.type); }, (err) => err && reject(err));
      });
      assert.equal(ev, 'ADDED');
    } finally {
      viaSocket.close();
    }
    await controllersWork(srv, 'via-socket');
  } finally {
    await srv.stop();
  }
  assert.equal(existsSync(sock), false, 'removed on close');
  rmSync(dataDir, { recursive: true, force: true });
});

test('a data directory too long for a socket path: no socket, the controllers use TLS', async () => {
  const base = mkdtempSync(join(tmpdir(), 'kubesvc-loopback-long-'));
  const dataDir = join(base, 'd'.repeat(100));
  mkdirSync(dataDir);
  const srv = await startTestServer({ dataDir, controllers: true });
  try {
    assert.equal(existsSync(join(dataDir, 'apiserver.sock')), false);
    await controllersWork(srv, 'via-tls');
  } finally {
    await srv.stop();
    rmSync(base, { recursive: true, force: true });
  }
});
