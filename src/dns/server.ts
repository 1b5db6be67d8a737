// The DNS server shell: UDP and TCP (RFC 1035 4.2.2 length-prefixed) on one
// address and port, answering from the record index through the pure answer
// function, forwarding everything outside the zone. Encoded answers are cached
// until the index changes, so a repeated question costs a hash of its bytes and
// a copy of the cached answer with the id patched in: no parse, no strings, and
// metrics bumped through handles resolved when the answer was cached.
import { createSocket, type Socket, type SocketOptions } from 'node:dgram';
import { lookup } from 'node:dns';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import { isIP } from 'node:net';
import { answer, type Answer, type DnsConfig } from './answer.js';
import type { Forwarder } from './forward.js';
import type { RecordIndex } from './kubernetes/index.js';
import type { DnsMetrics, ResponseSlot, Slot } from './metrics.js';
import { ResponseCache } from './response-cache.js';
import { encodeAnswer, encodeRcode, parseRequest, relayResponse, responseRcode, RCODE_NAMES, TCP_LIMIT, udpLimit, type Request } from './wire.js';

export interface DnsServerOptions {
  host: string;
  /** 0 picks a free port, the same one for UDP and TCP. */
  port: number;
  index: RecordIndex;
  config: DnsConfig;
  forwarder?: Forwarder;
  metrics?: DnsMetrics;
  log?: (line: string) => void;
  /** Idle TCP connections close after this long. */
  tcpIdleMs?: number;
}

const MAX_RESPONSE_CACHE = 100_000;

interface Cached {
  out: Buffer;
  type: string;
  /** Metrics handles per protocol, resolved on the first hit. */
  udp: ResponseSlot | undefined;
  tcp: ResponseSlot | undefined;
}

// Replies go to the address a query came from, always an IP literal: answer
// those at once instead of through dns.lookup (and its nextTick) on every send.
function literal(address: string, family: number, cb: (err: NodeJS.ErrnoException | null, address: string, family: number) => void): void {
  const f = isIP(address);
  if (f) cb(null, address, f);
  else lookup(address, family, cb);
}

export class DnsServer {
  private udp: Socket | undefined;
  private tcp: Server | undefined;
  private readonly conns = new Set<TcpSocket>();
  private readonly responses = new ResponseCache<Cached>(MAX_RESPONSE_CACHE);
  private readonly hitSlot: Slot | undefined;
  private cachedGeneration = -1;
  private refusedLogged = 0;
  private refusedSuppressed = 0;
  port = 0;

  constructor(private readonly o: DnsServerOptions) {
    this.hitSlot = o.metrics?.cacheSlot('response', true);
  }

  async start(): Promise<{ host: string; port: number }> {
    const family = isIP(this.o.host) === 6 ? 'udp6' : 'udp4';
    for (let attempt = 0; ; attempt++) {
      const udp = createSocket({ type: family, recvBufferSize: 4 << 20, sendBufferSize: 4 << 20, lookup: literal as unknown as SocketOptions['lookup'] });
      udp.on('message', (msg, rinfo) => this.onUdp(udp, msg, rinfo.port, rinfo.address));
      udp.on('error', (e) => this.log(`udp: ${e.message}`));
      await new Promise<void>((resolve, reject) => { udp.once('error', reject); udp.bind(this.o.port, this.o.host, () => { udp.off('error', reject); resolve(); }); });
      const port = udp.address().port;
      try {
        this.tcp = await this.listenTcp(port);
        this.udp = udp;
        this.port = port;
        return { host: this.o.host, port };
      } catch (e) {
        udp.close();
        // The UDP port we were given may be taken for TCP; with port 0, pick again.
        if (this.o.port !== 0 || attempt > 10) throw e;
      }
    }
  }

  private listenTcp(port: number): Promise<Server> {
    const srv = createServer((sock) => this.onTcp(sock));
    srv.on('error', (e) => this.log(`tcp: ${e.message}`));
    return new Promise((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(port, this.o.host, () => { srv.off('error', reject); resolve(srv); });
    });
  }

  async close(): Promise<void> {
    this.udp?.close();
    this.udp = undefined;
    for (const c of this.conns) c.destroy();
    await new Promise<void>((resolve) => (this.tcp ? this.tcp.close(() => resolve()) : resolve()));
    this.tcp = undefined;
  }

  private log(line: string): void {
    (this.o.log ?? ((l: string) => console.error(`kubesvc dns: ${l}`)))(line);
  }

  private onUdp(sock: Socket, msg: Buffer, port: number, address: string): void {
    // The hot path, inlined: a repeated plain question answered from the cache.
    const t0 = performance.now();
    if (this.cachedGeneration !== this.o.index.generation) this.checkGeneration();
    const c = this.responses.lookup(msg, false);
    if (c !== undefined) {
      sock.send(this.withId(c.out, msg), port, address);
      const m = this.o.metrics;
      if (m) {
        this.hitSlot!.n++;
        m.record(c.udp ??= m.responseSlot('udp', c.type, RCODE_NAMES[responseRcode(c.out)] ?? 'OTHER'), (performance.now() - t0) / 1000);
      }
      return;
    }
    this.handle(msg, 'udp', (out) => sock.send(out, port, address), t0);
  }

  /** A copy of a cached response carrying the query's id. */
  private withId(cached: Buffer, query: Buffer): Buffer {
    const out = Buffer.allocUnsafe(cached.length);
    cached.copy(out);
    out[0] = query[0];
    out[1] = query[1];
    return out;
  }

  private onTcp(sock: TcpSocket): void {
    this.conns.add(sock);
    sock.setNoDelay(true);
    sock.setTimeout(this.o.tcpIdleMs ?? 10_000, () => sock.destroy());
    sock.on('error', () => sock.destroy());
    sock.on('close', () => this.conns.delete(sock));
    let buf: Buffer = Buffer.alloc(0);
    sock.on('data', (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      while (buf.length >= 2) {
        const len = buf.readUInt16BE(0);
        if (buf.length < 2 + len) break;
        const msg = buf.subarray(2, 2 + len);
        buf = buf.subarray(2 + len);
        this.handle(Buffer.from(msg), 'tcp', (out) => {
          if (sock.destroyed) return;
          const frame = Buffer.allocUnsafe(2 + out.length);
          frame.writeUInt16BE(out.length, 0);
          out.copy(frame, 2);
          sock.write(frame);
        });
      }
    });
  }

  /** One message in, at most one response out through reply(); never throws. */
  handle(raw: Buffer, proto: 'udp' | 'tcp', reply: (out: Buffer) => void, t0 = performance.now()): void {
    const m = this.o.metrics;
    const done = (out: Buffer, type: string): void => {
      reply(out);
      m?.response(proto, type, RCODE_NAMES[responseRcode(out)] ?? 'OTHER', (performance.now() - t0) / 1000);
    };
    let req: Request | undefined;
    try {
      // Hot path: a repeated plain question is answered from the cache before any parsing.
      this.checkGeneration();
      const fast = this.responses.lookup(raw, proto === 'tcp');
      if (fast) {
        if (this.hitSlot) this.hitSlot.n++;
        return done(this.withId(fast.out, raw), fast.type);
      }
      const p = parseRequest(raw);
      if (p.kind === 'drop') { m?.drop(); return; }
      if (p.kind === 'error') return done(encodeRcode(p, p.rcode), 'none');
      req = p;
      if (p.edns && p.edns.version > 0) return done(encodeRcode(p, 'BADVERS'), p.type);
      const limit = proto === 'tcp' ? TCP_LIMIT : udpLimit(p);
      m?.cacheResult('response', false);
      const d = answer(p, this.o.index, this.o.config);
      if (d.kind === 'forward') return this.forward(p, raw, limit, (out) => done(out, p.type));
      if (d.external && this.o.forwarder) return this.chase(p, d, limit, (out) => done(out, p.type));
      const out = encodeAnswer(p, d, limit);
      this.responses.store(p.question, limit, p.flags, p.edns, { out, type: p.type, udp: undefined, tcp: undefined });
      return done(out, p.type);
    } catch (e) {
      this.log(`internal error: ${(e as Error).stack}`);
      if (req) { try { done(encodeRcode(req, 'SERVFAIL'), req.type); } catch { /* nothing left to say */ } }
    }
  }

  // Any index change may change any answer: start the cache afresh.
  private checkGeneration(): void {
    if (this.cachedGeneration === this.o.index.generation) return;
    this.responses.clear();
    this.cachedGeneration = this.o.index.generation;
  }

  private forward(p: Request, raw: Buffer, limit: number, reply: (out: Buffer) => void): void {
    const f = this.o.forwarder;
    if (!f || !f.upstreams.length) {
      this.logRefused(p);
      return reply(encodeRcode(p, 'REFUSED'));
    }
    f.forward(p, raw, limit).then(
      (res) => reply(!res ? encodeRcode(p, 'SERVFAIL') : res.length > limit ? relayResponse(p, res, limit) : res),
      () => reply(encodeRcode(p, 'SERVFAIL')),
    );
  }

  /** Completes a CNAME that leaves the zone with the upstream's records for its target. */
  private chase(p: Request, d: Answer, limit: number, reply: (out: Buffer) => void): void {
    this.o.forwarder!.lookup(d.external!.name, d.external!.type).then(
      (rrs) => reply(encodeAnswer(p, { ...d, answers: [...d.answers, ...rrs] }, limit)),
      () => reply(encodeAnswer(p, d, limit)),
    );
  }

  // A line per refused query, at most one a second, so a chatty client cannot flood the log.
  private logRefused(p: Request): void {
    const now = Date.now();
    if (now - this.refusedLogged < 1000) { this.refusedSuppressed++; return; }
    const more = this.refusedSuppressed ? ` (${this.refusedSuppressed} more since the last line)` : '';
    this.refusedLogged = now;
    this.refusedSuppressed = 0;
    this.log(`REFUSED ${p.name} ${p.type}: outside the cluster zone and no --upstream configured${more}`);
  }
}
