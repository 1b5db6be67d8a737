// kill -9 the API server during a stream of creates; after a restart on the same
// data dir every acknowledged (201) object is there with its resourceVersion,
// and new writes get larger resourceVersions.
import type { ChildProcess } from 'node:child_process';
import { spawnCliServer, type CliServer } from '../support/cli-server.js';
import { freePort } from '../support/free-port.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiClient, rvOf } from '../support/http.js';
import { etcdBackend, sqliteBackend, type BackendFactory, type BackendFixture } from '../support/backends.js';

const spawnServer = (dataDir: string, port: number, datastore?: string): Promise<CliServer> =>
  spawnCliServer(dataDir, port, datastore ? ['--datastore', datastore] : []);

function crashSuite(name: string, makeBackend: BackendFactory): void {
  describe(`API server crash (kill -9) keeps every acknowledged write (${name})`, { timeout: 120_000 }, () => {
    let backend: BackendFixture | undefined;
    let dir = '';
    const children: ChildProcess[] = [];

    before(async () => {
      backend = await makeBackend();
      dir = mkdtempSync(join(tmpdir(), 'kubesvc-apicrash-'));
    });
    after(async () => {
      for (const c of children) {
        if (c.exitCode === null && c.signalCode === null) {
          const gone = new Promise((r) => c.once('exit', r));
          c.kill('SIGKILL');
          await gone;
        }
      }
      await backend?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('acknowledged creates survive, resourceVersions keep increasing', async () => {
      const port = await freePort();
      const datastore = backend!.options.datastore;
      const first = await spawnServer(dir, port, datastore);
      children.push(first.child);
      const api = apiClient(first.target);
      const ns = 'crash';
      const r = await api.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } });
      assert.equal(r.status, 201, r.text);

      const acked = new Map<string, number>();
      let seq = 0;
      let killed = false;
      const exited = new Promise<NodeJS.Signals | null>((res) => first.child.once('exit', (_c, sig) => res(sig)));
      const KILL_AFTER = 400;
      const worker = async (): Promise<void> => {
        while (!killed) {
          const n = `ep-${String(seq++).padStart(6, '0')}`;
          try {
            const res = await api.request('POST', `/api/v1/namespaces/${ns}/endpoints`, {
              body: { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: n }, subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }] },
              timeoutMs: 5000,
            });
            if (res.status === 201) {
              acked.set(n, rvOf(res.json()));
              if (acked.size >= KILL_AFTER && !killed) {
                killed = true;
                first.child.kill('SIGKILL');
              }
            } else if (!killed) {
              throw new Error(`create ${n}: HTTP ${res.status} ${res.text}`);
            }
          } catch (e) {
            if (!killed) throw e;
            return; // connection reset by the kill
          }
        }
      };
      // 8 concurrent writers so that the kill lands with requests in flight
      const timer = setTimeout(() => { killed = true; first.child.kill('SIGKILL'); }, 60_000);
      await Promise.all(Array.from({ length: 8 }, worker));
      clearTimeout(timer);
      assert.equal(await exited, 'SIGKILL', first.log());
      api.close();
      assert.ok(acked.size >= KILL_AFTER, `only ${acked.size} acknowledged creates before the kill`);
      const maxAcked = Math.max(...acked.values());

      const second = await spawnServer(dir, port, datastore);
      children.push(second.child);
      const api2 = apiClient(second.target);
      try {
        const list = await api2.request('GET', `/api/v1/namespaces/${ns}/endpoints`);
        assert.equal(list.status, 200, list.text);
        const body = list.json<{ metadata: { resourceVersion: string }; items: { metadata: { name: string; resourceVersion: string } }[] }>();
        const present = new Map(body.items.map((i) => [i.metadata.name, Number(i.metadata.resourceVersion)]));
        const missing = [...acked].filter(([n, rv]) => present.get(n) !== rv);
        assert.deepEqual(missing, [], `acknowledged objects missing or changed after the crash (${missing.length} of ${acked.size})`);
        assert.ok(Number(body.metadata.resourceVersion) >= maxAcked, 'the list rv is not older than any acknowledged write');
        // every listed object is complete (no half-written entries)
        for (const i of body.items) assert.match(i.metadata.name, /^ep-\d{6}$/);
        const get = await api2.request('GET', `/api/v1/namespaces/${ns}/endpoints/${[...acked.keys()][acked.size - 1]}`);
        assert.equal(get.status, 200, get.text);
        const after1 = await api2.request('POST', `/api/v1/namespaces/${ns}/endpoints`, { body: { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'after-crash' } } });
        assert.equal(after1.status, 201, after1.text);
        assert.ok(rvOf(after1.json()) > maxAcked, `new write rv ${rvOf(after1.json())} must exceed every acknowledged rv (${maxAcked})`);
        // a name acknowledged before the crash cannot be created again
        const dup = await api2.request('POST', `/api/v1/namespaces/${ns}/endpoints`, { body: { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: [...acked.keys()][0] } } });
        assert.equal(dup.status, 409, dup.text);
      } finally {
        api2.close();
        const gone = new Promise((res) => second.child.once('exit', res));
        second.child.kill('SIGTERM');
        await gone;
      }
    });
  });
}

crashSuite('sqlite', sqliteBackend);
crashSuite('etcd', etcdBackend);
