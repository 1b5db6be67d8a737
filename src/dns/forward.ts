// Forwarding of out-of-zone questions to upstream resolvers over UDP: a fresh
// query id per attempt (mapped back to the client's), a timeout per upstream, the
// next upstream on failure, and a small cache that honours the records' TTLs.
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { randomInt } from 'node:crypto';
import dnsPacket from 'dns-packet';
import { TtlCache } from './cache.js';
import type { Answer, Rcode } from './answer.js';
import type { DnsMetrics } from './metrics.js';
import type { RR } from './rr.js';
import { encodeAnswer, RCODE_NAMES, type Request } from './wire.js';

export interface Upstream {
  host: string;
  port: number;
}

export interface ForwarderOptions {
  timeoutMs?: number;
  cacheEntries?: number;
  /** Upper bounds on how long answers are kept, whatever their TTL says. */
  maxTtlSec?: number;
  maxNegativeTtlSec?: number;
  metrics?: DnsMetrics;
  now?: () => number;
}

interface Cached {
  rcode: Rcode;
  aa: boolean;
  answers: any[];
  authorities: any[];
  additionals: any[];
}

interface Pending {
  resolve(buf: Buffer | undefined): void;
  timer: NodeJS.Timeout;
  upstream: Upstream;
}

/** "10.0.0.1:53,[fd00::1]:53" → upstreams; port defaults to 53. */
export function parseUpstreams(s: string): Upstream[] {
  return s.split(',').map((x) => x.trim()).filter(Boolean).map((x) => {
    const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(x) ?? /^([^:]+)(?::(\d+))?$/.exec(x);
    if (!m || !isIP(m[1])) throw new Error(`--upstream: "${x}" is not IP[:PORT]`);
    return { host: m[1], port: m[2] ? Number(m[2]) : 53 };
  });
}

export class Forwarder {
  private readonly sockets = new Map<4 | 6, Socket>();
  private readonly pending = new Map<number, Pending>();
  private readonly cache: TtlCache<Cached>;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(readonly upstreams: Upstream[], private readonly o: ForwarderOptions = {}) {
    this.timeoutMs = o.timeoutMs ?? 2000;
    this.now = o.now ?? Date.now;
    this.cache = new TtlCache(o.cacheEntries ?? 10_000, this.now);
  }

  private socket(family: 4 | 6): Socket {
    let s = this.sockets.get(family);
    if (s) return s;
    s = createSocket(family === 4 ? 'udp4' : 'udp6');
    s.on('message', (msg, rinfo) => this.onMessage(msg, rinfo.address, rinfo.port));
    s.on('error', () => { /* per-send errors surface as timeouts */ });
    s.unref();
    this.sockets.set(family, s);
    return s;
  }

  private onMessage(msg: Buffer, address: string, port: number): void {
    if (msg.length < 12) return;
    const p = this.pending.get(msg.readUInt16BE(0));
    // Only the upstream we asked may answer (a cheap guard against spoofed replies).
    if (!p || p.upstream.host !== address || p.upstream.port !== port) return;
    this.pending.delete(msg.readUInt16BE(0));
    clearTimeout(p.timer);
    p.resolve(msg);
  }

  private send(raw: Buffer, u: Upstream): Promise<Buffer | undefined> {
    let id = randomInt(65536);
    while (this.pending.has(id)) id = (id + 1) & 0xffff;
    const out = Buffer.from(raw);
    out.writeUInt16BE(id, 0);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.o.metrics?.forward('timeout');
        resolve(undefined);
      }, this.timeoutMs);
      this.pending.set(id, { resolve, timer, upstream: u });
      this.socket(isIP(u.host) === 6 ? 6 : 4).send(out, u.port, u.host, (err) => {
        if (!err) return;
        clearTimeout(timer);
        this.pending.delete(id);
        this.o.metrics?.forward('error');
        resolve(undefined);
      });
    });
  }

  /** Upstream answer to the client's raw query, with the client's id; undefined when every upstream failed. */
  async forward(req: Request, raw: Buffer, limit: number): Promise<Buffer | undefined> {
    const key = `${req.name.toLowerCase()}|${req.type}|${req.class}|${req.edns?.dnssecOk ? 1 : 0}|${req.flags & 0x0010}`;
    const hit = this.cache.get(key);
    this.o.metrics?.cacheResult('forward', !!hit);
    if (hit) return encodeAnswer(req, fromCache(hit.value, hit.remainingMs), limit);
    for (const u of this.upstreams) {
      const res = await this.send(raw, u);
      if (!res) continue;
      this.o.metrics?.forward('ok');
      this.store(key, res);
      const out = Buffer.from(res);
      out.writeUInt16BE(req.id, 0);
      return out;
    }
    return undefined;
  }

  /** Records for an out-of-zone name, used to complete a CNAME chain that leaves the zone. */
  async lookup(name: string, type: string): Promise<RR[]> {
    const q = dnsPacket.encode({ type: 'query', id: 0, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type: type as any, class: 'IN' }] });
    for (const u of this.upstreams) {
      const res = await this.send(q, u);
      if (!res) continue;
      try {
        return (dnsPacket.decode(res).answers ?? []) as RR[];
      } catch {
        return [];
      }
    }
    return [];
  }

  private store(key: string, buf: Buffer): void {
    let p: dnsPacket.DecodedPacket;
    try { p = dnsPacket.decode(buf); } catch { return; }
    const rcode = RCODE_NAMES[buf[3] & 0xf] as Rcode;
    if ((rcode !== 'NOERROR' && rcode !== 'NXDOMAIN') || (buf[2] & 0x02)) return;
    const answers = p.answers ?? [], authorities = p.authorities ?? [];
    const additionals = (p.additionals ?? []).filter((r) => r.type !== 'OPT');
    let ttl: number;
    if (answers.length) {
      ttl = Math.min(...[...answers, ...authorities, ...additionals].map((r: any) => r.ttl ?? 0), this.o.maxTtlSec ?? 300);
    } else {
      // Negative caching per RFC 2308: the SOA's TTL bounded by its minimum field.
      const soa = authorities.find((r) => r.type === 'SOA') as any;
      ttl = Math.min(soa ? Math.min(soa.ttl ?? 0, soa.data?.minimum ?? 0) : 5, this.o.maxNegativeTtlSec ?? 30);
    }
    this.cache.set(key, { rcode, aa: (buf[2] & 0x04) !== 0, answers, authorities, additionals }, ttl * 1000);
  }

  close(): void {
    for (const p of this.pending.values()) { clearTimeout(p.timer); p.resolve(undefined); }
    this.pending.clear();
    for (const s of this.sockets.values()) s.close();
    this.sockets.clear();
  }
}

/** A cached answer with TTLs counted down to what is left of them. */
function fromCache(c: Cached, remainingMs: number): Answer {
  const left = Math.ceil(remainingMs / 1000);
  const age = (rrs: any[]): RR[] => rrs.map((r) => ({ ...r, ttl: Math.min(r.ttl ?? 0, left) }));
  return { kind: 'answer', rcode: c.rcode, authoritative: c.aa, answers: age(c.answers), authority: age(c.authorities), additional: age(c.additionals) };
}
