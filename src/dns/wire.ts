// DNS messages on the wire: a strict, allocation-light request parser (the hot
// path reads only the header, the question and an OPT record), and response
// encoding with EDNS0 and truncation. No sockets here.
import dnsPacket from 'dns-packet';
import type { Answer, Rcode } from './answer.js';
import type { RR } from './rr.js';

const TYPES: Record<number, string> = { 1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV', 35: 'NAPTR', 41: 'OPT', 43: 'DS', 46: 'RRSIG', 48: 'DNSKEY', 52: 'TLSA', 64: 'SVCB', 65: 'HTTPS', 99: 'SPF', 251: 'IXFR', 252: 'AXFR', 255: 'ANY', 257: 'CAA' };
const CLASSES: Record<number, string> = { 1: 'IN', 3: 'CH', 4: 'HS', 254: 'NONE', 255: 'ANY' };
export const RCODES: Record<Rcode | 'BADVERS', number> = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5, BADVERS: 16 };
export const RCODE_NAMES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];

export const typeName = (n: number): string => TYPES[n] ?? `TYPE${n}`;
const className = (n: number): string => CLASSES[n] ?? `CLASS${n}`;

/** What we advertise and the most we send over UDP (the DNS flag day 2020 size). */
export const OUR_UDP_SIZE = 1232;
const MIN_UDP = 512;

export interface Edns {
  udpSize: number;
  version: number;
  dnssecOk: boolean;
}

export interface Request {
  kind: 'query';
  id: number;
  /** Request flags, kept to echo RD and CD. */
  flags: number;
  opcode: number;
  name: string;
  type: string;
  class: string;
  /** The question exactly as sent, echoed byte for byte (and so its case). */
  question: Buffer;
  edns?: Edns;
}

export type Parsed =
  | Request
  /** Header readable, rest not: answer with this rcode and no question. */
  | { kind: 'error'; id: number; flags: number; rcode: 'FORMERR' | 'NOTIMP' }
  | { kind: 'drop' };

export function parseRequest(buf: Buffer): Parsed {
  if (buf.length < 12) return { kind: 'drop' };
  const id = buf.readUInt16BE(0);
  const flags = buf.readUInt16BE(2);
  if (flags & 0x8000) return { kind: 'drop' }; // a response: never answer those (loops)
  const opcode = (flags >> 11) & 0xf;
  const formerr = { kind: 'error', id, flags, rcode: 'FORMERR' } as const;
  if (opcode !== 0) return { kind: 'error', id, flags, rcode: 'NOTIMP' };
  const qd = buf.readUInt16BE(4), an = buf.readUInt16BE(6), ns = buf.readUInt16BE(8), ar = buf.readUInt16BE(10);
  if (qd !== 1) return formerr;
  // Question name: plain labels only; a compression pointer cannot point backwards from here.
  let off = 12;
  const labels: string[] = [];
  let nameLen = 0;
  for (;;) {
    if (off >= buf.length) return formerr;
    const len = buf[off++];
    if (len === 0) break;
    if (len > 63 || off + len > buf.length) return formerr;
    nameLen += len + 1;
    if (nameLen > 254) return formerr;
    labels.push(buf.toString('latin1', off, off + len));
    off += len;
  }
  if (off + 4 > buf.length) return formerr;
  const qtype = buf.readUInt16BE(off), qclass = buf.readUInt16BE(off + 2);
  off += 4;
  const question = buf.subarray(12, off);
  let edns: Edns | undefined;
  for (let i = 0; i < an + ns + ar; i++) {
    const start = off;
    off = skipName(buf, off);
    if (off < 0 || off + 10 > buf.length) return formerr;
    const type = buf.readUInt16BE(off), cls = buf.readUInt16BE(off + 2);
    const rdlen = buf.readUInt16BE(off + 8);
    if (off + 10 + rdlen > buf.length) return formerr;
    if (type === 41) {
      // One OPT, at the root, in the additional section (RFC 6891 6.1.1).
      if (edns || i < an + ns || buf[start] !== 0) return formerr;
      edns = { udpSize: cls, version: buf[off + 5], dnssecOk: (buf.readUInt16BE(off + 6) & 0x8000) !== 0 };
    }
    off += 10 + rdlen;
  }
  if (qtype === 41) return formerr;
  return { kind: 'query', id, flags, opcode, name: labels.join('.'), type: typeName(qtype), class: className(qclass), question, edns };
}

function skipName(buf: Buffer, off: number): number {
  for (let hops = 0; hops < 128; hops++) {
    if (off >= buf.length) return -1;
    const len = buf[off];
    if (len === 0) return off + 1;
    if ((len & 0xc0) === 0xc0) return off + 2 <= buf.length ? off + 2 : -1;
    if (len & 0xc0) return -1;
    off += len + 1;
  }
  return -1;
}

export const TCP_LIMIT = 65535;

/** The largest response a client accepts: 512 without EDNS, its advertised size with it (capped by ours). */
export function udpLimit(req: { edns?: Edns }): number {
  if (!req.edns) return MIN_UDP;
  return Math.max(MIN_UDP, Math.min(req.edns.udpSize, OUR_UDP_SIZE));
}

const QR = 0x8000, AA = 0x0400, TC = 0x0200, RA = 0x0080, RD_CD = 0x0110;

function opt(req: { edns?: Edns }, extendedRcode = 0): any[] {
  if (!req.edns) return [];
  return [{ type: 'OPT', name: '.', udpPayloadSize: OUR_UDP_SIZE, extendedRcode, ednsVersion: 0, flags: req.edns.dnssecOk ? dnsPacket.DNSSEC_OK : 0 }];
}

function encode(req: Request, flags: number, answers: RR[], authority: RR[], additional: any[]): Buffer {
  const body = dnsPacket.encode({ type: 'response', id: req.id, flags: flags & 0x7fff, questions: [], answers: answers as any, authorities: authority as any, additionals: additional });
  const out = Buffer.allocUnsafe(body.length + req.question.length);
  body.copy(out, 0, 0, 12);
  req.question.copy(out, 12);
  body.copy(out, 12 + req.question.length, 12);
  out.writeUInt16BE(1, 4);
  out.writeUInt16BE(flags, 2);
  return out;
}

/**
 * The response to an answered query, fitted to `limit`. Too big: the additional
 * section goes first (no TC needed, RFC 2181 9), then answers are cut to what fits
 * and TC tells the client to retry over TCP.
 */
export function encodeAnswer(req: Request, a: Answer, limit: number): Buffer {
  const flags = QR | (req.flags & RD_CD) | RA | (a.authoritative ? AA : 0) | RCODES[a.rcode];
  const o = opt(req);
  let out = encode(req, flags, a.answers, a.authority, [...a.additional, ...o]);
  if (out.length <= limit) return out;
  out = encode(req, flags, a.answers, a.authority, o);
  if (out.length <= limit) return out;
  let lo = 0, hi = a.answers.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (encode(req, flags | TC, a.answers.slice(0, mid), [], o).length <= limit) lo = mid;
    else hi = mid - 1;
  }
  return encode(req, flags | TC, a.answers.slice(0, lo), [], o);
}

/** A bare response: an rcode, the question when there is one, and OPT when the client sent one. */
export function encodeRcode(req: Request | { id: number; flags: number; question?: Buffer; edns?: Edns }, rcode: Rcode | 'BADVERS', extraFlags = 0): Buffer {
  const code = RCODES[rcode];
  const flags = QR | (req.flags & (RD_CD | 0x7800)) | RA | (code & 0xf) | extraFlags;
  const r = { kind: 'query', id: req.id, flags: req.flags, question: req.question ?? Buffer.alloc(0), edns: req.edns } as Request;
  const out = encode(r, flags, [], [], opt(req, code >> 4));
  if (!req.question) out.writeUInt16BE(0, 4);
  return out;
}

/** Rewrites a forwarded response for the client: its id, and TC when it exceeds the client's limit. */
export function relayResponse(req: Request, upstream: Buffer, limit: number): Buffer {
  if (upstream.length <= limit) {
    const out = Buffer.from(upstream);
    out.writeUInt16BE(req.id, 0);
    return out;
  }
  const uflags = upstream.readUInt16BE(2);
  return encodeRcode(req, (RCODE_NAMES[uflags & 0xf] ?? 'SERVFAIL') as Rcode, TC | (uflags & AA));
}

export const responseRcode = (buf: Buffer): number => (buf.length >= 4 ? buf[3] & 0xf : 2);
