// `--workers N`: node:cluster workers answering from one shared UDP socket and
// TCP listener on 127.0.0.1. This file is also the worker: forked by the test's
// forkWorkers() it builds a small index, serves, and reports in to the primary.
// Covered: every worker reports ready on the same port, UDP and TCP answer,
// metrics sum over workers, a killed worker is replaced while the survivor keeps
// answering, and stop() ends them all.
import assert from 'node:assert/strict';
import cluster from 'node:cluster';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import dnsPacket from 'dns-packet';
import { AggregatorRegistry, type RegistryContentType } from 'prom-client';
import { defaultConfig } from '../../src/dns/answer.js';
import { RecordIndex } from '../../src/dns/kubernetes/index.js';
import { DnsMetrics } from '../../src/dns/metrics.js';
import { DnsServer } from '../../src/dns/server.js';
import { forkWorkers, tellPrimary } from '../../src/dns/workers.js';
import { portFreeForUdpAndTcp } from '../support/dns-port.js';

const WORKER_ENV = 'KUBESVC_DNS_WORKERS_TEST_PORT';

async function worker(port: number): Promise<void> {
  const index = new RecordIndex();
  index.upsertService({ namespace: 'ns1', name: 'web', type: 'ClusterIP', headless: false, clusterIPs: ['10.96.0.20'], externalName: '', ports: [], publishNotReadyAddresses: false });
  const metrics = new DnsMetrics();
  new AggregatorRegistry<RegistryContentType>();
  AggregatorRegistry.setRegistries([metrics.registry]);
  const server = new DnsServer({ host: '127.0.0.1', port, index, config: defaultConfig(), metrics, log: () => {} });
  tellPrimary('ready', await server.start());
  tellPrimary('synced');
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  await server.close();
  process.disconnect?.();
}


const query = (id: number): Buffer => dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name: 'web.ns1.svc.cluster.local', type: 'A' }] });

function udpAsk(port: number, id: number): Promise<any> {
  const s = createSocket('udp4');
  return new Promise((resolve) => {
    const t = setTimeout(() => { s.close(); resolve(undefined); }, 1000);
    s.on('message', (m) => { clearTimeout(t); s.close(); resolve(dnsPacket.decode(m)); });
    s.send(query(id), port, '127.0.0.1');
  });
}

function tcpAsk(port: number, id: number): Promise<any> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    sock.on('error', reject);
    sock.on('connect', () => { const m = query(id); const l = Buffer.alloc(2); l.writeUInt16BE(m.length); sock.write(Buffer.concat([l, m])); });
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) { sock.end(); resolve(dnsPacket.decode(buf.subarray(2))); }
    });
  });
}

if (cluster.isWorker) {
  await worker(Number(process.env[WORKER_ENV]));
} else {
  // node:test only in the primary: a worker importing it would print its own report.
  const { describe, it } = await import('node:test');

  describe('dns workers', () => {
    it('share one port, answer UDP and TCP, sum metrics, replace a dead worker, and stop', async () => {
      const port = await portFreeForUdpAndTcp();
      const logs: string[] = [];
      const pool = await forkWorkers(2, (l) => logs.push(l), { [WORKER_ENV]: String(port) });
      try {
        assert.equal(pool.size, 2);
        assert.equal(pool.port, port);
        for (let i = 0; i < 50 && !pool.synced(); i++) await new Promise((r) => setTimeout(r, 20));
        assert.equal(pool.synced(), true);
        const workers = Object.values(cluster.workers ?? {});
        assert.equal(workers.length, 2);

        const n = 50;
        for (let i = 0; i < n; i++) {
          const r = await udpAsk(port, i);
          assert.equal(r?.id, i);
          assert.deepEqual(r.answers.map((a: any) => a.data), ['10.96.0.20']);
        }
        assert.deepEqual((await tcpAsk(port, 7)).answers.map((a: any) => a.data), ['10.96.0.20']);

        // Metrics summed over both workers: every response counted once.
        const text = await new AggregatorRegistry<RegistryContentType>().clusterMetrics();
        const total = [...text.matchAll(/^kubesvc_dns_responses_total\{[^}]*\} (\d+)$/gm)].reduce((s, m) => s + Number(m[1]), 0);
        assert.equal(total, n + 1);

        // One worker dies: the other keeps answering on the shared socket, and a replacement comes up.
        const victim = workers[0]!;
        const gone = new Promise((r) => victim.once('exit', r));
        victim.process.kill('SIGKILL');
        await gone;
        for (let i = 0; i < 10; i++) assert.equal((await udpAsk(port, 100 + i))?.id, 100 + i);
        for (let i = 0; i < 60 && Object.keys(cluster.workers ?? {}).length < 2; i++) await new Promise((r) => setTimeout(r, 100));
        assert.equal(Object.keys(cluster.workers ?? {}).length, 2, 'a replacement worker');
        assert.match(logs.join('\n'), /exited \(SIGKILL\); starting another/);
      } finally {
        await pool.stop();
      }
      assert.equal(Object.keys(cluster.workers ?? {}).length, 0);
      assert.equal(await udpAsk(port, 1), undefined, 'nothing answers after stop');
    });
  });
}
