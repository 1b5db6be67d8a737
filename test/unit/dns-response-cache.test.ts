// The response cache read straight from packet bytes: it must find exactly what
// the full parse stored, tell apart everything the response depends on (case,
// type, size limit, RD/CD, EDNS0 and DO, UDP vs TCP), and miss anything unusual.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import dnsPacket from 'dns-packet';
import { ResponseCache } from '../../src/dns/response-cache.js';
import { parseRequest, TCP_LIMIT, udpLimit, type Request } from '../../src/dns/wire.js';

function q(name: string, type = 'A', o: { id?: number; flags?: number; edns?: number; dnssecOk?: boolean; version?: number } = {}): Buffer {
  return dnsPacket.encode({
    type: 'query', id: o.id ?? 1, flags: o.flags ?? dnsPacket.RECURSION_DESIRED, questions: [{ name, type: type as any, class: 'IN' }],
    additionals: o.edns ? [{ type: 'OPT', name: '.', udpPayloadSize: o.edns, ednsVersion: o.version ?? 0, flags: o.dnssecOk ? dnsPacket.DNSSEC_OK : 0 } as any] : [],
  });
}

/** Stores raw's answer the way the server does: from the full parse. */
function store<V>(c: ResponseCache<V>, raw: Buffer, value: V, tcp = false): void {
  const p = parseRequest(raw) as Request;
  assert.equal(p.kind, 'query');
  c.store(p.question, tcp ? TCP_LIMIT : udpLimit(p), p.flags, p.edns, value);
}

describe('dns response cache', () => {
  it('finds what the full parse stored, whatever the id', () => {
    const c = new ResponseCache<string>(100);
    store(c, q('web.ns1.svc.cluster.local', 'A', { id: 9 }), 'web-a');
    assert.equal(c.lookup(q('web.ns1.svc.cluster.local', 'A', { id: 12345 }), false), 'web-a');
    assert.equal(c.size, 1);
  });

  it('keys on case, type, RD, CD, EDNS0, DO, size limit and transport', () => {
    const c = new ResponseCache<string>(100);
    const variants: Array<[string, Buffer, boolean]> = [
      ['plain', q('web.ns1.svc.cluster.local'), false],
      ['case', q('Web.NS1.svc.cluster.local'), false],
      ['aaaa', q('web.ns1.svc.cluster.local', 'AAAA'), false],
      ['no-rd', q('web.ns1.svc.cluster.local', 'A', { flags: 0 }), false],
      ['cd', q('web.ns1.svc.cluster.local', 'A', { flags: dnsPacket.RECURSION_DESIRED | dnsPacket.CHECKING_DISABLED }), false],
      ['edns-1232', q('web.ns1.svc.cluster.local', 'A', { edns: 1232 }), false],
      ['edns-600', q('web.ns1.svc.cluster.local', 'A', { edns: 600 }), false],
      ['edns-do', q('web.ns1.svc.cluster.local', 'A', { edns: 1232, dnssecOk: true }), false],
      ['tcp', q('web.ns1.svc.cluster.local'), true],
    ];
    for (const [v, raw, tcp] of variants) store(c, raw, v, tcp);
    assert.equal(c.size, variants.length);
    for (const [v, raw, tcp] of variants) assert.equal(c.lookup(raw, tcp), v, v);
    // Sizes above ours are capped to the same limit: one entry answers both.
    assert.equal(c.lookup(q('web.ns1.svc.cluster.local', 'A', { edns: 4096 }), false), 'edns-1232');
    // EDNS0 over TCP still differs from plain TCP (the response carries OPT).
    assert.equal(c.lookup(q('web.ns1.svc.cluster.local', 'A', { edns: 1232 }), true), undefined);
  });

  it('misses anything that is not a plain query, and never reads past the packet', () => {
    const c = new ResponseCache<string>(100);
    const raw = q('web.ns1.svc.cluster.local');
    store(c, raw, 'x');
    const mutate = (f: (b: Buffer) => void): Buffer => { const b = Buffer.from(raw); f(b); return b; };
    assert.equal(c.lookup(mutate((b) => { b[2] |= 0x80; }), false), undefined, 'a response');
    assert.equal(c.lookup(mutate((b) => { b[2] |= 0x08; }), false), undefined, 'opcode 1');
    assert.equal(c.lookup(mutate((b) => { b[5] = 2; }), false), undefined, 'two questions');
    assert.equal(c.lookup(mutate((b) => { b[7] = 1; }), false), undefined, 'an answer record');
    assert.equal(c.lookup(Buffer.concat([raw, Buffer.from([0])]), false), undefined, 'trailing bytes');
    assert.equal(c.lookup(q('web.ns1.svc.cluster.local', 'A', { edns: 1232, version: 1 }), false), undefined, 'EDNS version 1');
    for (let n = 0; n < raw.length; n++) assert.equal(c.lookup(raw.subarray(0, n), false), undefined, `cut at ${n}`);
  });

  it('holds many entries, replaces on re-store, and clears when full', () => {
    const c = new ResponseCache<number>(1000);
    for (let i = 0; i < 1000; i++) store(c, q(`svc-${i}.ns.svc.cluster.local`), i);
    for (let i = 0; i < 1000; i++) assert.equal(c.lookup(q(`svc-${i}.ns.svc.cluster.local`), false), i);
    store(c, q('one-more.ns.svc.cluster.local'), -1);
    assert.equal(c.size, 1);
    assert.equal(c.lookup(q('svc-1.ns.svc.cluster.local'), false), undefined);
    // Re-storing the same key replaces, not duplicates.
    store(c, q('one-more.ns.svc.cluster.local'), -2);
    assert.equal(c.size, 1);
    assert.equal(c.lookup(q('one-more.ns.svc.cluster.local'), false), -2);
  });
});
