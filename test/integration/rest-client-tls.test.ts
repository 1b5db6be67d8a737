// The REST client pins the cluster CA: it talks to the API server whose
// certificate that CA signed, over reused keep-alive connections, and refuses a
// server when it was given another CA (one built by the same PKI code).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../support/server.js';
import { RestClient } from '../../src/client/rest.js';
import { ensureCredentials } from '../../src/apiserver/auth/pki.js';

let srv: TestServer;
let otherDir: string;

before(async () => { srv = await startTestServer(); otherDir = mkdtempSync(join(tmpdir(), 'kubesvc-other-ca-')); });
after(async () => { await srv?.stop(); rmSync(otherDir, { recursive: true, force: true }); });

test('the right CA: many requests at once, then watches, all verified', async () => {
  const c = new RestClient({ server: srv.url, token: srv.token, caCert: srv.caCert });
  try {
    const all = await Promise.all(Array.from({ length: 40 }, () => c.get<{ items: unknown[] }>('/api/v1/namespaces')));
    assert.ok(all.every((l) => l.items.length >= 4));
    const ev = await new Promise<string>((resolve, reject) => {
      const w = c.watch('/api/v1/namespaces?watch=true', (e) => { w.close(); resolve(e.type); }, (err) => err && reject(err));
    });
    assert.equal(ev, 'ADDED');
  } finally {
    c.close();
  }
});

test('another CA: requests and watches fail certificate verification', async () => {
  const other = await ensureCredentials(otherDir, ['127.0.0.1']);
  assert.notEqual(other.caCert, srv.caCert);
  const c = new RestClient({ server: srv.url, token: srv.token, caCert: other.caCert });
  try {
    await assert.rejects(c.get('/api/v1/namespaces'), (e: Error & { code?: string }) => /self[- ]signed|unable to verify|UNABLE_TO_VERIFY|certificate/i.test(`${e.code} ${e.message}`));
    const closed = await new Promise<Error | undefined>((resolve) => { c.watch('/api/v1/namespaces?watch=true', () => resolve(undefined), (err) => resolve(err)); });
    assert.match(`${(closed as any)?.code} ${closed?.message}`, /self[- ]signed|unable to verify|UNABLE_TO_VERIFY|certificate/i);
  } finally {
    c.close();
  }
});
