// SPDY/3.1 framing (SPDY Protocol draft 3.1, section 2.2): the part of the
// protocol that `kubectl port-forward` speaks through moby/spdystream. Pure:
// bytes in, frames out and back; header blocks stay compressed here (the
// session owns the zlib contexts, which span the whole connection).
//
// No npm library fits: spdy-transport parses SYN_STREAM as an HTTP request and
// rejects one without :method and :path, and spdystream's streams carry neither.

export const VERSION = 3;

export const FrameType = {
  SynStream: 1, SynReply: 2, RstStream: 3, Settings: 4, Ping: 6, GoAway: 7, Headers: 8, WindowUpdate: 9,
} as const;

export const FLAG_FIN = 0x01, FLAG_UNIDIRECTIONAL = 0x02;

/** RST_STREAM status codes (section 2.6.3). */
export const RST = { PROTOCOL_ERROR: 1, INVALID_STREAM: 2, REFUSED_STREAM: 3, CANCEL: 5, INTERNAL_ERROR: 6 } as const;
/** GOAWAY status codes (section 2.6.6). */
export const GOAWAY = { OK: 0, PROTOCOL_ERROR: 1, INTERNAL_ERROR: 2 } as const;

/** The largest payload a frame's 24-bit length holds. */
export const MAX_PAYLOAD = 0xffffff;

export type Frame =
  | { kind: 'data'; streamId: number; flags: number; data: Buffer }
  | { kind: 'control'; type: number; version: number; flags: number; payload: Buffer };

/** Splits a byte stream into frames; push() whatever arrives, in order. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: Frame[] = [];
    while (this.buf.length >= 8) {
      const w0 = this.buf.readUInt32BE(0), w1 = this.buf.readUInt32BE(4);
      const len = w1 & 0xffffff;
      if (this.buf.length < 8 + len) break;
      const body = this.buf.subarray(8, 8 + len);
      this.buf = this.buf.subarray(8 + len);
      out.push(w0 & 0x80000000
        ? { kind: 'control', version: (w0 >>> 16) & 0x7fff, type: w0 & 0xffff, flags: w1 >>> 24, payload: body }
        : { kind: 'data', streamId: w0 & 0x7fffffff, flags: w1 >>> 24, data: body });
    }
    return out;
  }
}

function header(w0: number, flags: number, len: number): Buffer {
  if (len > MAX_PAYLOAD) throw new RangeError(`SPDY frame payload of ${len} bytes exceeds ${MAX_PAYLOAD}`);
  const h = Buffer.alloc(8);
  h.writeUInt32BE(w0 >>> 0, 0);
  h.writeUInt32BE(((flags << 24) | len) >>> 0, 4);
  return h;
}

export const encodeControl = (type: number, flags: number, payload: Buffer): Buffer =>
  Buffer.concat([header((0x80000000 | (VERSION << 16) | type) >>> 0, flags, payload.length), payload]);

export const encodeData = (streamId: number, flags: number, data: Buffer): Buffer =>
  Buffer.concat([header(streamId & 0x7fffffff, flags, data.length), data]);

const words = (...ns: number[]): Buffer => {
  const b = Buffer.alloc(4 * ns.length);
  ns.forEach((n, i) => b.writeUInt32BE(n >>> 0, 4 * i));
  return b;
};

/** SYN_REPLY's payload before its (compressed) header block. */
export const synReplyPrefix = (streamId: number): Buffer => words(streamId & 0x7fffffff);
export const rstStream = (streamId: number, status: number): Buffer => encodeControl(FrameType.RstStream, 0, words(streamId & 0x7fffffff, status));
export const ping = (id: number): Buffer => encodeControl(FrameType.Ping, 0, words(id));
export const goAway = (lastGoodStreamId: number, status: number): Buffer => encodeControl(FrameType.GoAway, 0, words(lastGoodStreamId & 0x7fffffff, status));

export class SpdyProtocolError extends Error {}

/** The fixed fields of a SYN_STREAM and its still-compressed header block. */
export function parseSynStream(payload: Buffer): { streamId: number; associatedTo: number; priority: number; block: Buffer } {
  if (payload.length < 10) throw new SpdyProtocolError(`SYN_STREAM of ${payload.length} bytes is too short`);
  return {
    streamId: payload.readUInt32BE(0) & 0x7fffffff,
    associatedTo: payload.readUInt32BE(4) & 0x7fffffff,
    priority: payload[8] >> 5,
    block: payload.subarray(10),
  };
}

/** Two 32-bit words (RST_STREAM, GOAWAY, WINDOW_UPDATE, PING's one). */
export function parseWords(payload: Buffer, n: number, what: string): number[] {
  if (payload.length < 4 * n) throw new SpdyProtocolError(`${what} of ${payload.length} bytes is too short`);
  return Array.from({ length: n }, (_, i) => payload.readUInt32BE(4 * i));
}

/** Header names and values; several values of one name travel NUL-separated. */
export type Headers = Record<string, string[]>;

/** An uncompressed name/value header block (section 2.6.10): names lower-case. */
export function encodeHeaderBlock(h: Headers): Buffer {
  const parts: Buffer[] = [words(Object.keys(h).length)];
  for (const [name, values] of Object.entries(h)) {
    const n = Buffer.from(name.toLowerCase()), v = Buffer.from(values.join('\0'));
    parts.push(words(n.length), n, words(v.length), v);
  }
  return Buffer.concat(parts);
}

export function decodeHeaderBlock(b: Buffer): Headers {
  let off = 0;
  const u32 = (): number => {
    if (off + 4 > b.length) throw new SpdyProtocolError('truncated header block');
    const v = b.readUInt32BE(off);
    off += 4;
    return v;
  };
  const bytes = (n: number): string => {
    if (off + n > b.length) throw new SpdyProtocolError('truncated header block');
    const s = b.toString('utf8', off, off + n);
    off += n;
    return s;
  };
  const count = u32(), out: Headers = {};
  for (let i = 0; i < count; i++) {
    const name = bytes(u32()).toLowerCase(), value = bytes(u32());
    if (name === '') throw new SpdyProtocolError('empty header name');
    (out[name] ??= []).push(...value.split('\0'));
  }
  return out;
}
