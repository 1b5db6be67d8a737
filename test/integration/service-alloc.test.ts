// ClusterIP / NodePort allocation under load, at exhaustion and across a crash:
// 200 concurrent creates get distinct values; a full range answers at once with
// a Kubernetes Status; kill -9 during a stream of creates loses no acknowledged
// Service and never hands out a value twice after the restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { suiteServer } from '../support/server.js';
import { apiClient, type ApiResponse, type StatusBody } from '../support/http.js';
import { kubectlSession } from '../support/kubectl-session.js';
import { spawnCliServer, type CliServer } from '../support/cli-server.js';
import { freePort } from '../support/free-port.js';

interface Port { name?: string; port: number; protocol?: string; nodePort?: number }
interface Svc { metadata: { name: string; namespace?: string; uid?: string }; spec: { type?: string; clusterIP?: string; clusterIPs?: string[]; ports?: Port[]; healthCheckNodePort?: number } }
interface SvcList { items: Svc[] }

const SVCS = '/api/v1/namespaces/default/services';
const nodePortSvc = (name: string, extra: Partial<Svc['spec']> = {}): Svc & { apiVersion: string; kind: string } => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { type: 'NodePort', selector: { app: name }, ports: [{ port: 80 }], ...extra } as Svc['spec'],
});

/** Every clusterIP and node port (incl. healthCheckNodePort) held by each Service. */
function holdings(items: Svc[]): { ips: Map<string, string[]>; ports: Map<number, string[]> } {
  const ips = new Map<string, string[]>(), ports = new Map<number, string[]>();
  for (const s of items) {
    const who = `${s.metadata.namespace}/${s.metadata.name}`;
    for (const ip of s.spec.clusterIPs ?? []) if (ip && ip !== 'None') ips.set(ip, [...(ips.get(ip) ?? []), who]);
    const own = new Set<number>();
    for (const p of s.spec.ports ?? []) if (p.nodePort) own.add(p.nodePort);
    if (s.spec.healthCheckNodePort) own.add(s.spec.healthCheckNodePort);
    for (const p of own) ports.set(p, [...(ports.get(p) ?? []), who]);
  }
  return { ips, ports };
}
const doubles = <K>(m: Map<K, string[]>): [K, string[]][] => [...m].filter(([, w]) => w.length > 1);

function assertStatus(res: ApiResponse, codes: number[]): StatusBody {
  assert.ok(codes.includes(res.status), `HTTP ${res.status}, want one of ${codes.join('/')}: ${res.text}`);
  const st = res.json<StatusBody>();
  assert.equal(st.kind, 'Status');
  assert.equal(st.apiVersion, 'v1');
  assert.equal(st.status, 'Failure');
  assert.equal(st.code, res.status);
  return st;
}

describe('200 concurrent NodePort creates', { timeout: 90_000 }, () => {
  const t = suiteServer();

  test('200 distinct ClusterIPs and 200 distinct NodePorts', async () => {
    const N = 200;
    const res = await Promise.all(Array.from({ length: N }, (_, i) => t.api.request('POST', SVCS, { body: nodePortSvc(`conc-${i}`) })));
    const bad = res.filter((r) => r.status !== 201);
    assert.deepEqual(bad.map((r) => `${r.status} ${r.text.slice(0, 200)}`), [], 'every create succeeded');
    const created = res.map((r) => r.json<Svc>());
    const ips = created.map((s) => s.spec.clusterIP!);
    const ports = created.map((s) => s.spec.ports![0].nodePort!);
    assert.equal(new Set(ips).size, N, 'distinct clusterIPs');
    assert.equal(new Set(ports).size, N, 'distinct nodePorts');
    assert.ok(!ips.includes('10.96.0.1') && !ips.includes('10.96.0.10'), 'reserved addresses not handed out');
    for (const p of ports) assert.ok(p >= 30000 && p <= 32767, `nodePort ${p} in range`);
    // the stored objects agree with what was acknowledged
    const list = (await t.api.request('GET', SVCS)).json<SvcList>();
    const stored = new Map(list.items.map((s) => [s.metadata.name, s]));
    for (const s of created) {
      const got = stored.get(s.metadata.name)!;
      assert.equal(got.spec.clusterIP, s.spec.clusterIP);
      assert.equal(got.spec.ports![0].nodePort, s.spec.ports![0].nodePort);
    }
    const h = holdings(list.items);
    assert.deepEqual(doubles(h.ips), []);
    assert.deepEqual(doubles(h.ports), []);
  });

  test('concurrent requests for the same explicit nodePort and clusterIP: exactly one wins', async () => {
    // Values from the ranges' static bands, which random picks avoid (as in Kubernetes),
    // so the 200 random allocations above can never have taken them.
    const res = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      t.api.request('POST', SVCS, { body: nodePortSvc(`same-${i}`, { clusterIP: '10.96.0.200', ports: [{ port: 80, nodePort: 30050 }] } as Partial<Svc['spec']>) })));
    assert.equal(res.filter((r) => r.status === 201).length, 1, res.map((r) => r.status).join(' '));
    for (const r of res.filter((x) => x.status !== 201)) {
      const st = assertStatus(r, [422]);
      assert.equal(st.reason, 'Invalid');
      assert.match(st.message, /already allocated/);
    }
  });
});

describe('a small NodePort range (30000-30004) runs out cleanly', { timeout: 90_000 }, () => {
  const t = suiteServer({ nodePortRange: '30000-30004' });

  test('10 concurrent creates on 5 ports: 5 succeed, 5 fail fast with a Status', async () => {
    const t0 = Date.now();
    const res = await Promise.all(Array.from({ length: 10 }, (_, i) => t.api.request('POST', SVCS, { body: nodePortSvc(`small-${i}`), timeoutMs: 10_000 })));
    assert.ok(Date.now() - t0 < 10_000, 'answered without hanging');
    const ok = res.filter((r) => r.status === 201).map((r) => r.json<Svc>().spec.ports![0].nodePort!);
    assert.deepEqual(ok.sort(), [30000, 30001, 30002, 30003, 30004]);
    for (const r of res.filter((x) => x.status !== 201)) {
      const st = assertStatus(r, [422, 500]);
      assert.match(st.message, /range is full|no available|failed to allocate/i, st.message);
    }
  });

  test('the next create fails at once with a clear message; kubectl shows it', async () => {
    const t0 = Date.now();
    const r = await t.api.request('POST', SVCS, { body: nodePortSvc('small-next'), timeoutMs: 5_000 });
    assert.ok(Date.now() - t0 < 5_000);
    const st = assertStatus(r, [422, 500]);
    assert.match(st.message, /failed to allocate a nodePort: range is full/, st.message);
    const k = kubectlSession(t.srv.kubeconfigPath);
    try {
      const out = await k.fails(['apply', '-f', '-'], { input: JSON.stringify(nodePortSvc('small-kubectl')) });
      assert.match(out.stderr, /Error from server \(InternalError\).*Internal error occurred: failed to allocate a nodePort: range is full|The Service "small-kubectl" is invalid/, out.stderr);
      // a ClusterIP Service needs no node port and still works
      await k.ok(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'small-cip' }, spec: { ports: [{ port: 80 }] } }) });
    } finally {
      await k.close();
    }
    // nothing half-created
    assert.equal((await t.api.request('GET', `${SVCS}/small-next`)).status, 404);
  });

  test('a health check port needs one more: LoadBalancer/Local fails whole, nothing leaks', async () => {
    const victim = (await t.api.request('GET', SVCS)).json<SvcList>().items.find((s) => s.spec.type === 'NodePort')!;
    const freed = victim.spec.ports![0].nodePort!;
    const del = await t.api.request('DELETE', `${SVCS}/${victim.metadata.name}`);
    assert.equal(del.status, 200, del.text);
    // one free port, but LoadBalancer + Local needs two (nodePort + healthCheckNodePort)
    const r = await t.api.request('POST', SVCS, { body: nodePortSvc('small-local', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' } as Partial<Svc['spec']>), timeoutMs: 5_000 });
    assertStatus(r, [422, 500]);
    // the one free port was not leaked by the failed create
    const again = await t.api.request('POST', SVCS, { body: nodePortSvc('small-again') });
    assert.equal(again.status, 201, again.text);
    assert.equal(again.json<Svc>().spec.ports![0].nodePort, freed, 'the released port is handed out again');
  });
});

describe('a small service CIDR runs out cleanly', { timeout: 60_000 }, () => {
  const t = suiteServer({ serviceCIDR: '10.96.0.0/28' });

  test('creates until the range is full, then a 500 "range is full" at once', async () => {
    const got: string[] = [];
    let last: ApiResponse | undefined;
    for (let i = 0; i < 20; i++) {
      const r = await t.api.request('POST', SVCS, { body: { apiVersion: 'v1', kind: 'Service', metadata: { name: `cidr-${i}` }, spec: { ports: [{ port: 80 }] } }, timeoutMs: 5_000 });
      if (r.status !== 201) { last = r; break; }
      got.push(r.json<Svc>().spec.clusterIP!);
    }
    assert.ok(last, `20 services fit into a /28: ${got.join(' ')}`);
    const st = assertStatus(last, [422, 500]);
    assert.match(st.message, /range is full/, st.message);
    assert.equal(new Set(got).size, got.length);
    assert.ok(!got.includes('10.96.0.1'), 'the kubernetes address is not reused');
    assert.ok(got.length >= 10, `only ${got.length} addresses out of a /28`);
  });
});

describe('kill -9 during a stream of Service creates', { timeout: 120_000 }, () => {
  let dir = '';
  const servers: CliServer[] = [];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kubesvc-svc-crash-'));
  });
  after(async () => {
    for (const s of servers) await s.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('no acknowledged Service lost, no value held twice, new creates get free values', async () => {
    const port = await freePort();
    const first = await spawnCliServer(dir, port);
    servers.push(first);
    const api = apiClient(first.target);
    const acked = new Map<string, Svc>();
    let seq = 0;
    let killed = false;
    const KILL_AFTER = 150;
    const kill = (): void => {
      if (killed) return;
      killed = true;
      first.child.kill('SIGKILL');
    };
    const worker = async (w: number): Promise<void> => {
      while (!killed) {
        const i = seq++;
        // every 5th one is a LoadBalancer with Local policy (two node ports)
        const body = i % 5 === 4
          ? nodePortSvc(`crash-${i}`, { type: 'LoadBalancer', externalTrafficPolicy: 'Local' } as Partial<Svc['spec']>)
          : nodePortSvc(`crash-${i}`);
        try {
          const r = await api.request('POST', SVCS, { body, timeoutMs: 5000 });
          if (r.status === 201) {
            acked.set(`crash-${i}`, r.json<Svc>());
            if (acked.size >= KILL_AFTER) kill();
          } else if (!killed) {
            throw new Error(`worker ${w}: create crash-${i}: HTTP ${r.status} ${r.text}`);
          }
        } catch (e) {
          if (!killed) throw e;
          return;
        }
      }
    };
    const timer = setTimeout(kill, 45_000);
    await Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));
    clearTimeout(timer);
    assert.equal(await first.exited, 'SIGKILL', first.log());
    api.close();
    assert.ok(acked.size >= KILL_AFTER, `only ${acked.size} acknowledged creates before the kill`);

    const second = await spawnCliServer(dir, port);
    servers.push(second);
    const api2 = apiClient(second.target);
    try {
      const list = await api2.request('GET', '/api/v1/services');
      assert.equal(list.status, 200, list.text);
      const items = list.json<SvcList>().items;
      const stored = new Map(items.filter((s) => s.metadata.namespace === 'default').map((s) => [s.metadata.name, s]));
      const lost = [...acked.keys()].filter((n) => !stored.has(n));
      assert.deepEqual(lost, [], `acknowledged Services lost (${lost.length} of ${acked.size})`);
      for (const [n, s] of acked) {
        const got = stored.get(n)!;
        assert.deepEqual(got.spec.clusterIPs, s.spec.clusterIPs, `${n}: clusterIPs as acknowledged`);
        assert.deepEqual(got.spec.ports!.map((p) => p.nodePort), s.spec.ports!.map((p) => p.nodePort), `${n}: nodePorts as acknowledged`);
        assert.equal(got.spec.healthCheckNodePort, s.spec.healthCheckNodePort, `${n}: healthCheckNodePort as acknowledged`);
      }
      let h = holdings(items);
      assert.deepEqual(doubles(h.ips), [], 'a clusterIP held by two Services');
      assert.deepEqual(doubles(h.ports), [], 'a node port held by two Services');
      assert.doesNotMatch(second.log(), /assigned to multiple services/, 'repair found double assignments');

      // new creates (some concurrent) never collide with what survived
      const fresh = await Promise.all(Array.from({ length: 60 }, (_, i) =>
        api2.request('POST', SVCS, { body: i % 3 === 0 ? nodePortSvc(`after-${i}`, { type: 'LoadBalancer', externalTrafficPolicy: 'Local' } as Partial<Svc['spec']>) : nodePortSvc(`after-${i}`) })));
      assert.deepEqual(fresh.filter((r) => r.status !== 201).map((r) => `${r.status} ${r.text.slice(0, 200)}`), []);
      for (const r of fresh) {
        const s = r.json<Svc>();
        assert.ok(!h.ips.has(s.spec.clusterIP!), `${s.metadata.name}: clusterIP ${s.spec.clusterIP} already held by ${h.ips.get(s.spec.clusterIP!)}`);
        for (const p of [...s.spec.ports!.map((x) => x.nodePort!), ...(s.spec.healthCheckNodePort ? [s.spec.healthCheckNodePort] : [])]) {
          assert.ok(!h.ports.has(p), `${s.metadata.name}: node port ${p} already held by ${h.ports.get(p)}`);
        }
      }
      h = holdings((await api2.request('GET', '/api/v1/services')).json<SvcList>().items);
      assert.deepEqual(doubles(h.ips), []);
      assert.deepEqual(doubles(h.ports), []);
      // a Service whose name was acknowledged before the crash is still taken
      const dup = await api2.request('POST', SVCS, { body: nodePortSvc([...acked.keys()][0]) });
      assert.equal(dup.status, 409, dup.text);
      // and its values were not freed by the repair pass: asking for them fails
      const [name0, s0] = [...acked][0];
      const steal = await api2.request('POST', SVCS, { body: nodePortSvc('steal', { clusterIP: s0.spec.clusterIP, ports: [{ port: 80, nodePort: s0.spec.ports![0].nodePort }] } as Partial<Svc['spec']>) });
      assert.equal(assertStatus(steal, [422]).reason, 'Invalid', `values of ${name0} handed out again`);
    } finally {
      api2.close();
      await second.kill('SIGTERM');
    }
  });
});
