// The response cache: encoded answers keyed by what the response depends on
// besides the id: the question exactly as sent (name bytes, so its case, type,
// class), the size limit, RD/CD, and whether the client sent EDNS0 with or
// without DO. A plain query (one question, at most an OPT record) is looked up
// straight from the packet bytes: one pass for its shape, an FNV-1a hash, and a
// byte compare, with no strings or objects made. Anything else takes the full
// parse and misses. Generic over the cached value so the server can keep its
// metrics handles next to the bytes.
import { TCP_LIMIT, udpLimit, type Edns } from './wire.js';

interface Entry<V> {
  question: Buffer;
  limit: number;
  bits: number;
  value: V;
  next: Entry<V> | undefined;
}

const FNV_OFFSET = 0x811c9dc5, FNV_PRIME = 0x01000193;

function hashOf(buf: Buffer, start: number, end: number, limit: number, bits: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], FNV_PRIME);
  h = Math.imul(h ^ (limit & 0xff), FNV_PRIME);
  h = Math.imul(h ^ (limit >> 8), FNV_PRIME);
  h = Math.imul(h ^ bits, FNV_PRIME);
  return h & 0x3fffffff; // a small integer: the Map keeps it unboxed
}

/** RD and CD as sent, and the EDNS0 state: none, present, present with DO. */
const bitsOf = (flags: number, edns: Edns | undefined): number => ((flags >> 8) & 1) | ((flags >> 3) & 2) | (edns ? (edns.dnssecOk ? 8 : 4) : 0);

export class ResponseCache<V> {
  private readonly table = new Map<number, Entry<V>>();
  private count = 0;

  constructor(private readonly maxEntries: number) {}

  get size(): number {
    return this.count;
  }

  clear(): void {
    this.table.clear();
    this.count = 0;
  }

  /** The cached value for a plain query read from the raw packet; undefined for a miss or anything unusual. */
  lookup(buf: Buffer, tcp: boolean): V | undefined {
    const n = buf.length;
    // Header: a query (QR 0, opcode 0), one question, no answer or authority records, at most one additional.
    if (n < 17 || (buf[2] & 0xf8) !== 0 || buf[4] !== 0 || buf[5] !== 1 || (buf[6] | buf[7] | buf[8] | buf[9] | buf[10]) !== 0) return undefined;
    const ar = buf[11];
    if (ar > 1) return undefined;
    let off = 12;
    for (;;) {
      if (off >= n) return undefined;
      const len = buf[off];
      if (len > 63) return undefined;
      off += len + 1;
      if (len === 0) break;
    }
    const qEnd = off + 4;
    if (qEnd > n || (buf[off] === 0 && buf[off + 1] === 41)) return undefined;
    let limit = 512, bits = ((buf[2] & 1)) | ((buf[3] >> 3) & 2);
    if (ar === 1) {
      // OPT: root name, type 41, version 0, and nothing after its rdata.
      if (qEnd + 11 > n || buf[qEnd] !== 0 || buf[qEnd + 1] !== 0 || buf[qEnd + 2] !== 41 || buf[qEnd + 6] !== 0) return undefined;
      if (qEnd + 11 + ((buf[qEnd + 9] << 8) | buf[qEnd + 10]) !== n) return undefined;
      const dnssecOk = (buf[qEnd + 7] & 0x80) !== 0;
      limit = udpLimit({ edns: { udpSize: (buf[qEnd + 3] << 8) | buf[qEnd + 4], version: 0, dnssecOk } });
      bits |= dnssecOk ? 8 : 4;
    } else if (qEnd !== n) return undefined;
    if (tcp) limit = TCP_LIMIT;
    const qLen = qEnd - 12;
    for (let e = this.table.get(hashOf(buf, 12, qEnd, limit, bits)); e; e = e.next) {
      if (e.limit !== limit || e.bits !== bits || e.question.length !== qLen) continue;
      const q = e.question;
      let i = 0;
      while (i < qLen && q[i] === buf[12 + i]) i++;
      if (i === qLen) return e.value;
    }
    return undefined;
  }

  /** Caches the response to a parsed query; clears everything first when full. */
  store(question: Buffer, limit: number, flags: number, edns: Edns | undefined, value: V): void {
    if (this.count >= this.maxEntries) this.clear();
    const bits = bitsOf(flags, edns);
    const h = hashOf(question, 0, question.length, limit, bits);
    const head = this.table.get(h);
    for (let e = head; e; e = e.next) {
      if (e.limit === limit && e.bits === bits && e.question.equals(question)) { e.value = value; return; }
    }
    this.table.set(h, { question: Buffer.from(question), limit, bits, value, next: head });
    this.count++;
  }
}
