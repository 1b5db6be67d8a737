// kill -9 the API server during a stream of creates; after a restart on the same
// data dir every acknowledged (201) object is there with its resourceVersion,
// and new writes get larger resourceVersions.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { apiClient, rvOf, type ApiTarget } from '../support/http.js';
import { etcdBackend, sqliteBackend, type BackendFactory, type BackendFixture } from '../support/backends.js';

const here = dirname(fileURLToPath(import.meta.url));
const inDist = here.includes('/dist/');
const CLI = join(here, '..', 'support', `run-cli${inDist ? '.js' : '.ts'}`);
const ROOT = inDist ? join(here, '..', '..', '..') : join(here, '..', '..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

interface ServerProcess {
  child: ChildProcess;
  target: ApiTarget;
  log: () => string;
}

async function spawnServer(dataDir: string, port: number, datastore?: string): Promise<ServerProcess> {
  const args = [...(inDist ? [] : ['--import', 'tsx']), CLI, 'server', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`, ...(datastore ? ['--datastore', datastore] : [])];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-8000)));
  child.stderr!.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-8000)));
  const kill = (): void => void child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => process.removeListener('exit', kill));
  const deadline = Date.now() + 30_000;
  while (!/server ready at/.test(out)) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited early (${child.exitCode ?? child.signalCode}):\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready within 30 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const kc = parse(readFileSync(join(dataDir, 'kubeconfig'), 'utf8')) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: { token: string } }[];
  };
  const target = {
    url: kc.clusters[0].cluster.server,
    caCert: Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString(),
    token: kc.users[0].user.token,
  };
  return { child, target, log: () => out };
}

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
