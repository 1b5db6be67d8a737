// A list far larger than one chunk is produced at the reader's pace (the memory
// side is measured in bench/apiserver). Here: a reader that stalls half-way while
// the collection changes still gets one valid JSON list, exactly the snapshot at
// its resourceVersion; a reader that hangs up mid-list costs the server nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { startTestServer } from '../support/server.js';
import { RestClient, loadKubeconfig } from '../../src/client/rest.js';

const N = 400;
const PAD = 'x'.repeat(2000); // ~2.5 KB per pod: ~1 MB list, about 30 chunks

test('a big list read slowly stays one consistent snapshot; a reader that hangs up mid-list is harmless', async () => {
  const srv = await startTestServer();
  try {
    const c = new RestClient(loadKubeconfig(srv.kubeconfigPath), 'list-streaming-test');
    const pod = (i: number): unknown => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${i}`, annotations: { pad: PAD } }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    for (let i = 0; i < N; i++) await c.create('/api/v1/namespaces/default/pods', pod(i));

    const chunks: Buffer[] = [];
    let received = 0;
    const done = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const u = new URL('/api/v1/namespaces/default/pods', srv.url);
      const req = request(u, { ca: srv.caCert, headers: { Authorization: `Bearer ${srv.token}`, Accept: 'application/json' } }, (res) => {
        res.on('data', (d: Buffer) => {
          chunks.push(d);
          received += d.length;
          // Stall after the first bytes: the server must wait for us.
          if (chunks.length === 1) {
            res.pause();
            void (async () => {
              for (let i = N; i < N + 20; i++) await c.create('/api/v1/namespaces/default/pods', pod(i));
              await c.delete('/api/v1/namespaces/default/pods/p-0', { gracePeriodSeconds: 0 });
              await new Promise((r) => setTimeout(r, 300));
              stalledAt = received;
              res.resume();
            })().catch(reject);
          }
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
    let stalledAt = 0;
    const { status, body } = await done;
    assert.equal(status, 200);
    const list = JSON.parse(body) as { kind: string; metadata: { resourceVersion: string }; items: { metadata: { name: string; resourceVersion: string } }[] };
    assert.equal(list.kind, 'PodList');
    const names = list.items.map((p) => p.metadata.name);
    // The snapshot from before the stall: every original pod (p-0 included), none created later.
    assert.equal(names.length, N);
    assert.ok(names.includes('p-0'));
    assert.ok(!names.some((n) => Number(n.slice(2)) >= N));
    const listRv = Number(list.metadata.resourceVersion);
    assert.ok(list.items.every((p) => Number(p.metadata.resourceVersion) <= listRv));
    assert.ok(stalledAt > 0 && stalledAt < body.length, 'the reader stalled mid-list');

    // Hang up after the first bytes; the server goes on serving.
    await new Promise<void>((resolve, reject) => {
      const req = request(new URL('/api/v1/pods', srv.url), { ca: srv.caCert, headers: { Authorization: `Bearer ${srv.token}` } }, (res) => {
        res.once('data', () => { req.destroy(); resolve(); });
      });
      req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
      req.end();
    });
    const again = await c.get<{ items: unknown[] }>('/api/v1/namespaces/default/pods');
    assert.equal(again.items.length, N + 19);
    c.close();
  } finally {
    await srv.stop();
  }
});
