// The DNS server on the wire, on 127.0.0.1 with a free port: UDP and TCP, EDNS0
// sizes, truncation and the TCP retry, malformed packets, fuzzing, concurrency,
// forwarding to a fake upstream (also on 127.0.0.1), and metrics.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';
import dnsPacket from 'dns-packet';
import { defaultConfig } from '../../src/dns/answer.js';
import { Forwarder } from '../../src/dns/forward.js';
import { RecordIndex } from '../../src/dns/kubernetes/index.js';
import { toServiceInfo, toSliceInfo } from '../../src/dns/kubernetes/object.js';
import { DnsMetrics } from '../../src/dns/metrics.js';
import { DnsServer } from '../../src/dns/server.js';

const ZONE = 'cluster.local';

function index(): RecordIndex {
  const ix = new RecordIndex();
  ix.setNamespace('ns1', true);
  ix.upsertService(toServiceInfo({ metadata: { name: 'web', namespace: 'ns1' }, spec: { clusterIP: '10.96.0.20', ports: [{ name: 'http', port: 80 }] } }));
  ix.upsertService(toServiceInfo({ metadata: { name: 'big', namespace: 'ns1' }, spec: { clusterIP: 'None', ports: [{ name: 'http', port: 80 }] } }));
  const endpoints = Array.from({ length: 100 }, (_, i) => ({ addresses: [`10.244.${i >> 8}.${i & 255}`], conditions: { ready: true } }));
  ix.upsertSlice(toSliceInfo({ metadata: { name: 'big-1', namespace: 'ns1', labels: { 'kubernetes.io/service-name': 'big' } }, addressType: 'IPv4', ports: [{ name: 'http', port: 80 }], endpoints } as any)!);
  return ix;
}

function query(name: string, type: string, o: { id?: number; edns?: number; ednsVersion?: number } = {}): Buffer {
  return dnsPacket.encode({
    type: 'query', id: o.id ?? 4242, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type: type as any, class: 'IN' }],
    additionals: o.edns ? [{ type: 'OPT', name: '.', udpPayloadSize: o.edns, ednsVersion: o.ednsVersion ?? 0, flags: 0 } as any] : [],
  });
}

function udpAsk(port: number, msg: Buffer, timeoutMs = 1000, sock?: Socket): Promise<Buffer | undefined> {
  const s = sock ?? createSocket('udp4');
  return new Promise((resolve) => {
    const t = setTimeout(() => finish(undefined), timeoutMs);
    const finish = (b: Buffer | undefined): void => { clearTimeout(t); s.off('message', on); if (!sock) s.close(); resolve(b); };
    const on = (b: Buffer): void => finish(b);
    s.on('message', on);
    s.send(msg, port, '127.0.0.1');
  });
}

function tcpAsk(port: number, msgs: Buffer[], expect = msgs.length): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    const out: Buffer[] = [];
    let buf = Buffer.alloc(0);
    sock.on('error', reject);
    sock.on('connect', () => sock.write(Buffer.concat(msgs.map((m) => { const l = Buffer.alloc(2); l.writeUInt16BE(m.length); return Buffer.concat([l, m]); }))));
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        out.push(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        buf = buf.subarray(2 + buf.readUInt16BE(0));
      }
      if (out.length === expect) { sock.end(); resolve(out); }
    });
  });
}

const TC = 0x0200;

describe('dns server wire', () => {
  const logs: string[] = [];
  let srv: DnsServer;
  let port: number;
  const metrics = new DnsMetrics();
  before(async () => {
    srv = new DnsServer({ host: '127.0.0.1', port: 0, index: index(), config: defaultConfig({ zone: ZONE }), metrics, log: (l) => logs.push(l) });
    port = (await srv.start()).port;
  });
  after(() => srv.close());

  it('answers A over UDP, echoing id and the question case', async () => {
    const res: any = dnsPacket.decode((await udpAsk(port, query('Web.NS1.svc.cluster.local', 'A', { id: 777 })))!);
    assert.equal(res.id, 777);
    assert.equal(res.rcode, 'NOERROR');
    assert.equal(res.flag_aa, true);
    assert.equal(res.flag_rd, true);
    assert.equal(res.questions![0].name, 'Web.NS1.svc.cluster.local');
    assert.deepEqual(res.answers!.map((a: any) => [a.name, a.type, a.ttl, a.data]), [['Web.NS1.svc.cluster.local', 'A', 5, '10.96.0.20']]);
    // Same question, new id: from the response cache, id rewritten.
    assert.equal(dnsPacket.decode((await udpAsk(port, query('Web.NS1.svc.cluster.local', 'A', { id: 778 })))!).id, 778);
  });

  it('answers NXDOMAIN with the SOA and TCP with pipelined queries', async () => {
    const [a, b] = await tcpAsk(port, [query('nope.ns1.svc.cluster.local', 'A', { id: 1 }), query('_http._tcp.web.ns1.svc.cluster.local', 'SRV', { id: 2 })]);
    const ra: any = dnsPacket.decode(a), rb: any = dnsPacket.decode(b);
    assert.equal(ra.rcode, 'NXDOMAIN');
    assert.equal(ra.authorities![0].type, 'SOA');
    assert.equal(rb.id, 2);
    assert.deepEqual((rb.answers![0] as any).data, { priority: 0, weight: 100, port: 80, target: 'web.ns1.svc.cluster.local' });
  });

  it('without EDNS caps UDP at 512 bytes with TC, and TCP carries the whole answer', async () => {
    const udp = (await udpAsk(port, query('big.ns1.svc.cluster.local', 'A')))!;
    assert.ok(udp.length <= 512, `udp ${udp.length}`);
    assert.ok(udp.readUInt16BE(2) & TC, 'TC set');
    const partial = dnsPacket.decode(udp);
    assert.ok(partial.answers!.length > 0 && partial.answers!.length < 100);
    const [tcp] = await tcpAsk(port, [query('big.ns1.svc.cluster.local', 'A')]);
    assert.equal(tcp.readUInt16BE(2) & TC, 0);
    assert.equal(dnsPacket.decode(tcp).answers!.length, 100);
  });

  it('honours the advertised EDNS size, up to 1232, and replies with OPT', async () => {
    const small = (await udpAsk(port, query('big.ns1.svc.cluster.local', 'A', { edns: 1000 })))!;
    assert.ok(small.length <= 1000 && small.length > 512, `len ${small.length}`);
    assert.ok(small.readUInt16BE(2) & TC);
    const opt = dnsPacket.decode(small).additionals!.find((r) => r.type === 'OPT') as any;
    assert.equal(opt.udpPayloadSize, 1232);
    const big = (await udpAsk(port, query('big.ns1.svc.cluster.local', 'A', { edns: 65000 })))!;
    assert.ok(big.length <= 1232, `len ${big.length}`);
    const fits = (await udpAsk(port, query('web.ns1.svc.cluster.local', 'A', { edns: 4096 })))!;
    assert.equal(fits.readUInt16BE(2) & TC, 0);
    assert.ok(dnsPacket.decode(fits).additionals!.some((r) => r.type === 'OPT'));
    // A client advertising less than 512 still gets 512 (RFC 6891 6.2.5).
    const tiny = (await udpAsk(port, query('big.ns1.svc.cluster.local', 'A', { edns: 100 })))!;
    assert.ok(tiny.length > 400 && tiny.length <= 512);
  });

  it('answers EDNS version 1 with BADVERS', async () => {
    const res = (await udpAsk(port, query('web.ns1.svc.cluster.local', 'A', { edns: 1232, ednsVersion: 1 })))!;
    const d = dnsPacket.decode(res);
    const opt = d.additionals!.find((r) => r.type === 'OPT') as any;
    assert.equal(opt.extendedRcode, 1); // 16 >> 4
    assert.equal(d.answers!.length, 0);
  });

  it('answers FORMERR when only the header parses, drops what cannot be a query', async () => {
    const hdr = (id: number, flags: number, qd: number, an = 0): Buffer => { const b = Buffer.alloc(12); b.writeUInt16BE(id, 0); b.writeUInt16BE(flags, 2); b.writeUInt16BE(qd, 4); b.writeUInt16BE(an, 6); return b; };
    const rcodeOf = (b: Buffer | undefined): number | undefined => (b ? b[3] & 0xf : undefined);
    assert.equal(await udpAsk(port, Buffer.from([1, 2, 3]), 200), undefined, 'short packet dropped');
    assert.equal(await udpAsk(port, hdr(9, 0x8000, 1), 200), undefined, 'responses dropped');
    const noq = (await udpAsk(port, hdr(9, 0x0100, 0)))!;
    assert.equal(noq.readUInt16BE(0), 9);
    assert.equal(rcodeOf(noq), 1);
    assert.equal(rcodeOf(await udpAsk(port, Buffer.concat([hdr(10, 0, 1), Buffer.from([5, 0x61, 0x62])]))), 1, 'truncated name');
    assert.equal(rcodeOf(await udpAsk(port, Buffer.concat([hdr(11, 0, 1), Buffer.from([0xc0, 0x0c, 0, 1, 0, 1])]))), 1, 'pointer in question');
    const q = query('web.ns1.svc.cluster.local', 'A');
    assert.equal(rcodeOf(await udpAsk(port, q.subarray(0, q.length - 2))), 1, 'question cut short');
    q.writeUInt16BE(2, 2 + 4); // claims an answer record it does not carry
    assert.equal(rcodeOf(await udpAsk(port, Buffer.concat([hdr(12, 0, 1, 1), q.subarray(12)]))), 1);
    assert.equal(rcodeOf(await udpAsk(port, hdr(13, 2 << 11, 0))), 4, 'opcode STATUS → NOTIMP');
    // Over TCP an empty message is dropped and the stream goes on.
    const r = await tcpAsk(port, [Buffer.alloc(0), query('web.ns1.svc.cluster.local', 'A', { id: 14 })], 1);
    assert.equal(r[0].readUInt16BE(0), 14);
  });

  it('survives thousands of random and mutated packets', async () => {
    const sock = createSocket('udp4');
    const base = query('web.ns1.svc.cluster.local', 'SRV', { edns: 1232 });
    for (let i = 0; i < 4000; i++) {
      let pkt: Buffer;
      if (i % 2) pkt = randomBytes(1 + (i % 300));
      else {
        pkt = Buffer.from(base);
        for (let k = 0; k < 1 + (i % 5); k++) pkt[(i * 7 + k * 13) % pkt.length] = (i * 31 + k) & 0xff;
        pkt[2] &= 0x7f; // keep it a query so it reaches the parser
        if (i % 6 === 0) pkt = pkt.subarray(0, (i / 6) % pkt.length);
      }
      sock.send(pkt, port, '127.0.0.1');
      if (i % 200 === 0) await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, 200));
    sock.close();
    assert.deepEqual(logs.filter((l) => l.includes('internal error')), []);
    const res: any = dnsPacket.decode((await udpAsk(port, query('web.ns1.svc.cluster.local', 'A')))!);
    assert.equal(res.answers!.length, 1);
  });

  it('serves many concurrent clients over UDP and TCP', async () => {
    const clients = Array.from({ length: 100 }, async (_, c) => {
      const s = createSocket('udp4');
      try {
        for (let i = 0; i < 10; i++) {
          const id = (c * 10 + i) & 0xffff;
          const r = await udpAsk(port, query(`web.ns1.svc.cluster.local`, 'A', { id }), 2000, s);
          assert.equal(r?.readUInt16BE(0), id);
        }
      } finally { s.close(); }
    });
    const tcp = Array.from({ length: 30 }, () => tcpAsk(port, Array.from({ length: 5 }, (_, i) => query('web.ns1.svc.cluster.local', 'A', { id: i }))));
    await Promise.all(clients);
    for (const rs of await Promise.all(tcp)) assert.deepEqual(rs.map((r) => r.readUInt16BE(0)).sort(), [0, 1, 2, 3, 4]);
  });

  it('refuses out-of-zone names without an upstream, with a log line', async () => {
    await new Promise((r) => setTimeout(r, 1100)); // past the one-line-a-second limit the fuzzing used up
    const res = (await udpAsk(port, query('example.com', 'A')))!;
    assert.equal(res[3] & 0xf, 5);
    assert.ok(logs.some((l) => l.includes('REFUSED example.com A')), 'log line');
  });

  it('exposes Prometheus metrics', async () => {
    const http = await metrics.serve('127.0.0.1', 0, () => true);
    try {
      const addr = http.address() as { port: number };
      const text = await (await fetch(`http://127.0.0.1:${addr.port}/metrics`)).text();
      assert.match(text, /kubesvc_dns_responses_total\{proto="udp",type="A",rcode="NOERROR"\} \d+/);
      assert.match(text, /kubesvc_dns_request_duration_seconds_bucket/);
      assert.match(text, /kubesvc_dns_cache_total\{cache="response",result="hit"\} \d+/);
      assert.equal((await fetch(`http://127.0.0.1:${addr.port}/ready`)).status, 200);
    } finally {
      http.closeAllConnections();
      await new Promise((r) => http.close(r));
    }
  });
});

/** A fake upstream on 127.0.0.1: answers A for *.example with 192.0.2.1 and counts questions. */
async function fakeUpstream(o: { silent?: boolean; ttl?: number } = {}): Promise<{ port: number; seen: string[]; close(): void }> {
  const s = createSocket('udp4');
  const seen: string[] = [];
  s.on('message', (msg, rinfo) => {
    const q = dnsPacket.decode(msg);
    seen.push(q.questions![0].name);
    if (o.silent) return;
    const name = q.questions![0].name;
    const ok = name.toLowerCase().endsWith('.example');
    s.send(dnsPacket.encode({
      type: 'response', id: q.id, flags: dnsPacket.RECURSION_AVAILABLE | (ok ? 0 : 3), questions: q.questions,
      answers: ok ? [{ name, type: 'A', ttl: o.ttl ?? 60, data: '192.0.2.1' }] : [],
      authorities: ok ? [] : [{ name: 'example', type: 'SOA', ttl: 30, data: { mname: 'ns.example', rname: 'h.example', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 10 } } as any],
    }), rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return { port: s.address().port, seen, close: () => s.close() };
}

describe('dns forwarding', () => {
  const cleanup: (() => unknown)[] = [];
  after(async () => { for (const c of cleanup.reverse()) await c(); });

  async function serverWith(upstreamPorts: number[], timeoutMs = 2000, now?: () => number): Promise<number> {
    const ix = index();
    ix.upsertService(toServiceInfo({ metadata: { name: 'ext', namespace: 'ns1' }, spec: { type: 'ExternalName', externalName: 'db.example' } }));
    const fwd = new Forwarder(upstreamPorts.map((p) => ({ host: '127.0.0.1', port: p })), { timeoutMs, now });
    const srv = new DnsServer({ host: '127.0.0.1', port: 0, index: ix, config: defaultConfig(), forwarder: fwd, log: () => {} });
    const { port } = await srv.start();
    cleanup.push(() => srv.close(), () => fwd.close());
    return port;
  }

  it('forwards, rewrites the id back, and caches by TTL', async () => {
    const up = await fakeUpstream({ ttl: 60 });
    cleanup.push(up.close);
    let now = 1_000_000;
    const port = await serverWith([up.port], 2000, () => now);
    const r1: any = dnsPacket.decode((await udpAsk(port, query('www.example', 'A', { id: 31 })))!);
    assert.equal(r1.id, 31);
    assert.equal((r1.answers![0] as any).data, '192.0.2.1');
    now += 20_000;
    const r2: any = dnsPacket.decode((await udpAsk(port, query('WWW.example', 'A', { id: 32 })))!);
    assert.equal(r2.id, 32);
    assert.equal(r2.questions![0].name, 'WWW.example');
    assert.equal((r2.answers![0] as any).ttl, 40, 'TTL counts down in the cache');
    assert.equal(up.seen.length, 1);
    now += 41_000;
    await udpAsk(port, query('www.example', 'A', { id: 33 }));
    assert.equal(up.seen.length, 2, 'expired entry asks upstream again');
    const nx = (await udpAsk(port, query('nothing.invalid', 'A')))!;
    assert.equal(nx[3] & 0xf, 3);
    await udpAsk(port, query('nothing.invalid', 'A'));
    assert.equal(up.seen.filter((n) => n === 'nothing.invalid').length, 1, 'negative answers are cached');
  });

  it('tries the next upstream after a timeout, SERVFAIL when all fail', async () => {
    const dead = await fakeUpstream({ silent: true });
    const live = await fakeUpstream();
    cleanup.push(dead.close, live.close);
    const port = await serverWith([dead.port, live.port], 150);
    const r = dnsPacket.decode((await udpAsk(port, query('a.example', 'A')))!);
    assert.equal((r.answers![0] as any).data, '192.0.2.1');
    assert.deepEqual([dead.seen.length, live.seen.length], [1, 1]);
    const port2 = await serverWith([dead.port], 100);
    const f = (await udpAsk(port2, query('b.example', 'A')))!;
    assert.equal(f[3] & 0xf, 2);
  });

  it('completes an ExternalName CNAME with the upstream records of its target', async () => {
    const up = await fakeUpstream();
    cleanup.push(up.close);
    const port = await serverWith([up.port]);
    const r = dnsPacket.decode((await udpAsk(port, query('ext.ns1.svc.cluster.local', 'A')))!);
    assert.deepEqual(r.answers!.map((a: any) => `${a.name} ${a.type} ${a.data}`), ['ext.ns1.svc.cluster.local CNAME db.example', 'db.example A 192.0.2.1']);
  });
});
