// kubesvc dns against a real API server: informers feed the index, and a Service
// created, scaled or deleted through the API is answered (by dig, too). How soon
// is bench/dns-propagation's to measure. Everything listens on 127.0.0.1 with free ports.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { promisify } from 'node:util';
import dnsPacket from 'dns-packet';
import { startTestServer, type TestServer } from '../support/server.js';
import { portFreeForUdpAndTcp } from '../support/dns-port.js';
import { loadKubeconfig, RestClient } from '../../src/client/rest.js';
import { EndpointSlices, resourcePath, Services } from '../../src/client/resources.js';
import { defaultConfig } from '../../src/dns/answer.js';
import { RecordIndex } from '../../src/dns/kubernetes/index.js';
import { watchIntoIndex, type IndexWatch } from '../../src/dns/kubernetes/watch.js';
import { DnsServer } from '../../src/dns/server.js';

const run = promisify(execFile);

function ask(port: number, name: string, type = 'A'): Promise<any> {
  const s = createSocket('udp4');
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => { s.close(); reject(new Error('no answer')); }, 1000);
    s.on('message', (m) => { clearTimeout(t); s.close(); resolve(dnsPacket.decode(m)); });
    s.send(dnsPacket.encode({ type: 'query', id: 1, questions: [{ name, type: type as any }] }), port, '127.0.0.1');
  });
}

/** Polls until the answer satisfies ok; returns the elapsed milliseconds. */
async function until(port: number, name: string, ok: (p: any) => boolean, type = 'A'): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    if (ok(await ask(port, name, type))) return performance.now() - t0;
    if (performance.now() - t0 > 5000) throw new Error(`${name} ${type}: not as expected after 5 s`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const ips = (p: any): string[] => (p.answers ?? []).map((a: any) => String(a.data)).sort();

describe('dns with a real API server', () => {
  let api: TestServer;
  let client: RestClient;
  let watch: IndexWatch;
  let dns: DnsServer;
  let port: number;

  before(async () => {
    api = await startTestServer();
    client = new RestClient(loadKubeconfig(api.kubeconfigPath));
    const index = new RecordIndex();
    watch = await watchIntoIndex(client, index, { pods: true });
    dns = new DnsServer({ host: '127.0.0.1', port: 0, index, config: defaultConfig(), log: () => {} });
    port = (await dns.start()).port;
  });
  after(async () => {
    watch?.stop();
    await dns?.close();
    client?.close();
    await api?.stop();
  });

  it('answers a new Service after its create, and dig sees it', async () => {
    const name = 'web.default.svc.cluster.local';
    assert.equal((await ask(port, name)).rcode, 'NXDOMAIN');
    const created = await client.create(resourcePath(Services, 'default'), { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ name: 'http', port: 80 }], selector: { app: 'web' } } });
    await until(port, name, (p) => p.rcode === 'NOERROR' && p.answers!.length === 1);
    const { stdout } = await run('dig', ['@127.0.0.1', '-p', String(port), '+short', '+time=1', '+tries=1', name]);
    assert.equal(stdout.trim(), created.spec.clusterIP);
    const srv = await run('dig', ['@127.0.0.1', '-p', String(port), '+short', '+time=1', '+tries=1', 'SRV', `_http._tcp.${name}`]);
    assert.equal(srv.stdout.trim(), `0 100 80 ${name}.`);
    const ptr = await run('dig', ['@127.0.0.1', '-p', String(port), '+short', '+time=1', '+tries=1', '-x', created.spec.clusterIP]);
    assert.equal(ptr.stdout.trim(), `${name}.`);
  });

  it('follows a headless Service as its endpoints scale, and its deletion', async () => {
    await client.create(resourcePath(Services, 'default'), { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db' }, spec: { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] } });
    const slice = (ips: string[]) => ({
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4',
      metadata: { name: 'db-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'db' } },
      ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }],
      endpoints: ips.map((ip, i) => ({ addresses: [ip], hostname: `db-${i}`, conditions: { ready: true } })),
    });
    const name = 'db.default.svc.cluster.local';
    let cur = await client.create(resourcePath(EndpointSlices, 'default'), slice(['10.244.1.5']));
    await until(port, name, (p) => ips(p).join() === '10.244.1.5');
    cur = await client.update(resourcePath(EndpointSlices, 'default', 'db-1'), { ...slice(['10.244.1.5', '10.244.1.6', '10.244.2.7']), metadata: { ...cur.metadata } });
    await until(port, name, (p) => ips(p).join() === '10.244.1.5,10.244.1.6,10.244.2.7');
    assert.deepEqual(ips(await ask(port, `db-2.${name}`)), ['10.244.2.7']);
    const { stdout } = await run('dig', ['@127.0.0.1', '-p', String(port), '+short', '+time=1', '+tries=1', 'SRV', `_pg._tcp.${name}`]);
    assert.equal(stdout.trim().split('\n').sort().join('\n'), [0, 1, 2].map((i) => `0 33 5432 db-${i}.${name}.`).join('\n'));
    await client.update(resourcePath(EndpointSlices, 'default', 'db-1'), { ...slice(['10.244.2.7']), metadata: { ...cur.metadata, resourceVersion: undefined } });
    await until(port, name, (p) => ips(p).join() === '10.244.2.7');
    await client.delete(resourcePath(Services, 'default', 'db'));
    await until(port, name, (p) => p.rcode === 'NXDOMAIN');
  });

  it('answers ExternalName and namespace names from the watched namespaces', async () => {
    await client.create(resourcePath(Services, 'kube-public'), { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'web.default.svc.cluster.local' } });
    await until(port, 'ext.kube-public.svc.cluster.local', (p) => p.answers!.length === 2);
    const p = await ask(port, 'ext.kube-public.svc.cluster.local');
    assert.deepEqual(p.answers!.map((a: any) => a.type), ['CNAME', 'A']);
    assert.equal((await ask(port, 'kube-public.svc.cluster.local')).rcode, 'NOERROR');
    assert.equal((await ask(port, 'no-such-ns.svc.cluster.local')).rcode, 'NXDOMAIN');
  });
});

describe('kubesvc dns (runDns) as a process', () => {
  let api: TestServer;
  before(async () => { api = await startTestServer(); });
  after(async () => { await api?.stop(); });

  it('starts, answers, serves metrics and exits 0 on SIGTERM', async () => {
    // DNS listens on UDP and TCP: a port free for both (a UDP-free port may be a TCP client's ephemeral port).
    const dnsPort = await portFreeForUdpAndTcp();
    const child = spawn(process.execPath, ['--import', 'tsx', '-e',
      `import('./src/dns/main.ts').then(async (m) => process.exit(await m.runDns(process.argv.slice(1))))`,
      '--', '--kubeconfig', api.kubeconfigPath, '--listen', `127.0.0.1:${dnsPort}`, '--metrics', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    try {
      const t0 = Date.now();
      while (!/ready on/.test(out)) {
        if (Date.now() - t0 > 15000 || child.exitCode !== null) throw new Error(`did not start: ${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const p = await ask(dnsPort, 'kubernetes.default.svc.cluster.local');
      assert.deepEqual(ips(p), ['10.96.0.1']);
      assert.equal((await ask(dnsPort, 'dns-version.cluster.local', 'TXT')).answers!.length, 1);
      const mport = /metrics on 127\.0\.0\.1:(\d+)/.exec(out)![1];
      assert.match(await (await fetch(`http://127.0.0.1:${mport}/metrics`)).text(), /kubesvc_dns_responses_total/);
      assert.equal((await fetch(`http://127.0.0.1:${mport}/ready`)).status, 200);
      const code = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
      child.kill('SIGTERM');
      assert.equal(await code, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
