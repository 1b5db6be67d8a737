// Pure pieces of the proxy: topology, change trackers, the bounded-frequency
// runner (fake clock), stale conntrack filters, chain names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { categorizeEndpoints } from '../../src/proxy/topology.js';
import { serviceInfo } from '../../src/proxy/convert.js';
import { ServiceChangeTracker } from '../../src/proxy/tracker/services.js';
import { EndpointsChangeTracker } from '../../src/proxy/tracker/endpoints.js';
import { BoundedFrequencyRunner, type Clock } from '../../src/proxy/runner.js';
import { staleConntrack, conntrackArgs } from '../../src/proxy/conntrack.js';
import { endpointChain, serviceChain } from '../../src/proxy/names.js';
import type { EndpointInfo, ServiceEndpoints } from '../../src/proxy/types.js';
import { slice, svc } from './proxy-fixtures.js';

const E = (ip: string, node: string, s: 'ready' | 'term' | 'term-notserving' | 'notready' = 'ready'): EndpointInfo =>
  ({ ip, port: 80, nodeName: node, ready: s === 'ready', serving: s === 'ready' || s === 'term', terminating: s.startsWith('term') });

test('categorizeEndpoints', () => {
  const port = (o: Parameters<typeof svc>[2]) => serviceInfo(svc('ns', 's', { clusterIP: '10.96.0.1', ...o })).ports[0];
  const ips = (l: EndpointInfo[]) => l.map((e) => e.ip);
  const cases = [
    { name: 'cluster: ready only', p: port({}), eps: [E('a', 'n1'), E('b', 'n2', 'term'), E('c', 'n1', 'notready')], cluster: ['a'], local: [], any: true },
    { name: 'cluster: serving-terminating fallback', p: port({}), eps: [E('b', 'n2', 'term'), E('c', 'n1', 'term-notserving')], cluster: ['b'], local: [], any: true },
    { name: 'cluster: nothing usable', p: port({}), eps: [E('c', 'n1', 'term-notserving')], cluster: [], local: [], any: false },
    { name: 'itp Local: local ready', p: port({ itp: 'Local' }), eps: [E('a', 'n1'), E('b', 'n2')], cluster: [], local: ['a'], any: true },
    { name: 'itp Local: local terminating fallback', p: port({ itp: 'Local' }), eps: [E('a', 'n1', 'term'), E('b', 'n2')], cluster: [], local: ['a'], any: true },
    { name: 'itp Local: none local', p: port({ itp: 'Local' }), eps: [E('b', 'n2')], cluster: [], local: [], any: true },
    { name: 'etp Local: both sets', p: port({ type: 'NodePort', ports: [{ port: 80, nodePort: 30000 }], etp: 'Local' }), eps: [E('a', 'n1'), E('b', 'n2')], cluster: ['a', 'b'], local: ['a'], any: true },
    { name: 'etp Local without external access is ignored', p: port({ etp: 'Local' }), eps: [E('a', 'n1'), E('b', 'n2')], cluster: ['a', 'b'], local: [], any: true },
  ];
  for (const c of cases) {
    const r = categorizeEndpoints(c.eps, c.p, 'n1');
    assert.deepEqual({ cluster: ips(r.clusterEndpoints), local: ips(r.localEndpoints), any: r.hasAnyEndpoints }, { cluster: c.cluster, local: c.local, any: c.any }, c.name);
  }
});

test('service tracker keeps {previous, current} and drops no-op pairs', () => {
  const t = new ServiceChangeTracker();
  const m = new Map();
  const a1 = svc('ns', 'a', { clusterIP: '10.96.0.1' });
  const a2 = svc('ns', 'a', { clusterIP: '10.96.0.1', ports: [{ port: 81 }] });
  assert.equal(t.update(undefined, a1), true);
  assert.deepEqual([...t.checkout(m)], ['ns/a']);
  assert.equal(t.update(a1, a2), true);
  assert.equal(t.update(a2, a1), false, 'back to the applied state: nothing pending');
  assert.equal(t.update(a1, undefined), true);
  assert.deepEqual([...t.checkout(m)], ['ns/a']);
  assert.equal(m.size, 0);
});

test('endpoints tracker merges slices, reports changed services and trigger times', () => {
  const t = new EndpointsChangeTracker();
  const m = new Map<string, ServiceEndpoints>();
  t.update(slice('ns', 'a', 'a-1', [{ port: 80 }], [{ ip: '10.0.0.2' }], '2024-01-01T00:00:00Z'), false);
  t.update(slice('ns', 'a', 'a-2', [{ port: 80 }], [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], '2024-01-01T00:00:01Z'), false);
  t.update(slice('ns', 'b', 'b-1', [{ port: 80 }], []), false);
  t.update(slice('ns', 'b', 'b-1', [{ port: 80 }], []), true);
  const c = t.checkout(m);
  assert.deepEqual([...c.updated], ['ns/a'], 'b came and went: no change');
  assert.deepEqual(m.get('ns/a')!.get('')!.map((e) => e.ip), ['10.0.0.1', '10.0.0.2']);
  assert.deepEqual(c.triggerTimes.get('ns/a'), [Date.parse('2024-01-01T00:00:00Z'), Date.parse('2024-01-01T00:00:01Z')]);
  t.update(slice('ns', 'a', 'a-1', [{ port: 80 }], [{ ip: '10.0.0.2' }]), false);
  assert.equal(t.checkout(m).updated.size, 0);
});

class FakeClock implements Clock {
  t = 0;
  timers: { at: number; fn: () => void; id: number }[] = [];
  private id = 0;
  now(): number { return this.t; }
  setTimeout(fn: () => void, ms: number): unknown { const id = ++this.id; this.timers.push({ at: this.t + ms, fn, id }); return id; }
  clearTimeout(h: unknown): void { this.timers = this.timers.filter((x) => x.id !== h); }
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = next.at;
      next.fn();
      await new Promise((r) => setImmediate(r));
    }
    this.t = end;
  }
}

test('bounded-frequency runner: immediate when idle, coalesced within minInterval, periodic, retries', async () => {
  const clock = new FakeClock();
  const runs: number[] = [];
  let fail = false;
  const r = new BoundedFrequencyRunner(async () => { runs.push(clock.now()); if (fail) throw new Error('x'); }, { minIntervalMs: 100, maxIntervalMs: 1000, retryIntervalMs: 50, clock });
  r.start();
  await clock.advance(0);
  assert.deepEqual(runs, [0]);
  r.run(); r.run(); r.run();
  await clock.advance(99);
  assert.deepEqual(runs, [0], 'min interval holds requests back');
  await clock.advance(1);
  assert.deepEqual(runs, [0, 100], 'three requests, one run');
  await clock.advance(1000);
  assert.deepEqual(runs, [0, 100, 1100], 'periodic run at maxInterval');
  await clock.advance(500);
  r.run();
  await clock.advance(0);
  assert.deepEqual(runs.at(-1), 1600, 'idle for longer than minInterval: no delay');
  fail = true;
  r.run();
  await clock.advance(100);
  fail = false;
  await clock.advance(50);
  assert.deepEqual(runs.slice(-2), [1700, 1750], 'retry after the retry interval');
  r.stop();
  await clock.advance(5000);
  assert.equal(runs.length, 6);
});

test('stale UDP conntrack: removed endpoints and newly reachable services', () => {
  const s = serviceInfo(svc('ns', 'dns', { clusterIP: '10.96.0.10', type: 'NodePort', ports: [{ port: 53, protocol: 'UDP', nodePort: 30053 }], externalIPs: ['192.168.99.1'] }));
  const eps = (...ips: string[]): ServiceEndpoints => new Map([['', ips.map((ip) => ({ ip, port: 5353, ready: true, serving: true, terminating: false }))]]);
  assert.deepEqual(staleConntrack(s, s, eps('10.0.0.1', '10.0.0.2'), eps('10.0.0.2'), 'n1'), [
    { protocol: 'udp', origDst: '10.96.0.10', dstNat: '10.0.0.1' },
    { protocol: 'udp', origDst: '192.168.99.1', dstNat: '10.0.0.1' },
    { protocol: 'udp', origPortDst: 30053, dstNat: '10.0.0.1' },
  ]);
  assert.deepEqual(staleConntrack(s, s, eps(), eps('10.0.0.2'), 'n1'), [
    { protocol: 'udp', origDst: '10.96.0.10' }, { protocol: 'udp', origDst: '192.168.99.1' }, { protocol: 'udp', origPortDst: 30053 },
  ]);
  assert.deepEqual(conntrackArgs({ protocol: 'udp', origDst: '10.96.0.10', dstNat: '10.0.0.1' }), ['-D', '-p', 'udp', '--orig-dst', '10.96.0.10', '--dst-nat', '10.0.0.1']);
});

test('stale TCP conntrack: only dead-connection states; SYN_SENT only once the endpoint has left the slice', () => {
  const tcp = serviceInfo(svc('ns', 'web', { clusterIP: '10.96.0.11', ports: [{ port: 80, targetPort: 8080 }] }));
  const ep = (ip: string, ready = true): { ip: string; port: number; ready: boolean; serving: boolean; terminating: boolean } => ({ ip, port: 8080, ready, serving: ready, terminating: !ready });
  const eps = (...list: ReturnType<typeof ep>[]): ServiceEndpoints => new Map([['', list]]);
  const dead = (ip: string): unknown[] => [
    { protocol: 'tcp', dstNat: ip, replyPortSrc: 8080, state: 'CLOSE' },
    { protocol: 'tcp', dstNat: ip, replyPortSrc: 8080, state: 'SYN_SENT' },
  ];
  // Terminating (listed, not ready): its connections may still be draining, its handshakes completing.
  assert.deepEqual(staleConntrack(tcp, tcp, eps(ep('10.0.0.1'), ep('10.0.0.2')), eps(ep('10.0.0.1', false), ep('10.0.0.2')), 'n1'), [dead('10.0.0.1')[0]]);
  assert.deepEqual(staleConntrack(tcp, tcp, eps(ep('10.0.0.1', false), ep('10.0.0.2')), eps(ep('10.0.0.1', false), ep('10.0.0.2')), 'n1'), [], 'still terminating');
  assert.deepEqual(staleConntrack(tcp, tcp, eps(ep('10.0.0.1', false), ep('10.0.0.2')), eps(ep('10.0.0.2')), 'n1'), dead('10.0.0.1'));
  assert.deepEqual(staleConntrack(tcp, undefined, eps(ep('10.0.0.2')), undefined, 'n1'), dead('10.0.0.2'), 'service deleted');
  assert.deepEqual(staleConntrack(tcp, tcp, eps(ep('10.0.0.2')), eps(ep('10.0.0.2'), ep('10.0.0.3')), 'n1'), [], 'an endpoint added');
  assert.deepEqual(conntrackArgs({ protocol: 'tcp', dstNat: '10.0.0.1', replyPortSrc: 8080, state: 'CLOSE' }),
    ['-D', '-p', 'tcp', '--dst-nat', '10.0.0.1', '--reply-port-src', '8080', '--state', 'CLOSE']);
});

test('chain names stay within nft limits and differ by hash', () => {
  const long = 'x'.repeat(63);
  const p = serviceInfo(svc(long, long, { clusterIP: '10.96.0.1', ports: [{ name: 'a'.repeat(15), port: 80 }] })).ports[0];
  const e = { ip: '10.244.255.255', port: 65535, ready: true, serving: true, terminating: false };
  assert.ok(endpointChain(p, e).length <= 255);
  assert.match(serviceChain(p), /^service-[A-Z2-7]{8}-x+\/x+\/tcp\/a+$/);
  const q = { ...p, name: 'y' };
  assert.notEqual(serviceChain(p).slice(8, 16), serviceChain(q).slice(8, 16));
});
