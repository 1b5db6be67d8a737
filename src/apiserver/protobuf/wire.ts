// The protobuf wire format, as far as Kubernetes messages need it: varints,
// length-delimited fields, and skipping of fixed32/fixed64 fields.

/** A malformed or unsupported protobuf body; the API server answers 400. */
export class ProtobufError extends Error {
  readonly code = 'BadRequest';
  constructor(message: string) {
    super(`protobuf: ${message}`);
    this.name = 'ProtobufError';
  }
}

export const isProtobufError = (e: unknown): e is ProtobufError => e instanceof ProtobufError;

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

/** One field as found on the wire; `value` is a number for varints, bytes otherwise. */
export interface WireField {
  num: number;
  wire: number;
  varint: number;
  bytes: Uint8Array;
}

const TWO_32 = 4294967296;

/**
 * Reads a varint as a signed 64-bit value. Kubernetes has no unsigned or zigzag
 * fields; negative int32 values are sign-extended to ten bytes.
 */
function readVarint(buf: Uint8Array, pos: number): [value: number, next: number] {
  let lo = 0;
  let hi = 0;
  let shift = 0;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw new ProtobufError('truncated varint');
    const b = buf[pos++];
    if (shift < 28) lo |= (b & 0x7f) << shift;
    else if (shift === 28) { lo |= (b & 0x0f) << 28; hi |= (b & 0x7f) >> 4; }
    else hi |= (b & 0x7f) << (shift - 32);
    shift += 7;
    if (b < 0x80) return [(hi | 0) * TWO_32 + (lo >>> 0), pos];
  }
  throw new ProtobufError('varint longer than 10 bytes');
}

/** Splits a message into its fields, in wire order. */
export function readFields(buf: Uint8Array): WireField[] {
  const out: WireField[] = [];
  const empty = buf.subarray(0, 0);
  let pos = 0;
  while (pos < buf.length) {
    const [key, p] = readVarint(buf, pos);
    pos = p;
    const num = Math.floor(key / 8);
    const wire = key & 7;
    if (num < 1 || num > 536870911) throw new ProtobufError(`invalid field number ${num}`);
    if (wire === WIRE_VARINT) {
      const [v, q] = readVarint(buf, pos);
      pos = q;
      out.push({ num, wire, varint: v, bytes: empty });
    } else if (wire === WIRE_LEN) {
      const [len, q] = readVarint(buf, pos);
      if (len < 0 || q + len > buf.length) throw new ProtobufError(`field ${num}: length ${len} runs past the end of the message`);
      out.push({ num, wire, varint: 0, bytes: buf.subarray(q, q + len) });
      pos = q + len;
    } else if (wire === WIRE_FIXED64 || wire === WIRE_FIXED32) {
      const size = wire === WIRE_FIXED64 ? 8 : 4;
      if (pos + size > buf.length) throw new ProtobufError(`field ${num}: truncated fixed${size * 8}`);
      out.push({ num, wire, varint: 0, bytes: buf.subarray(pos, pos + size) });
      pos += size;
    } else {
      throw new ProtobufError(`field ${num}: unsupported wire type ${wire}`);
    }
  }
  return out;
}

/** Varints of a packed repeated field. */
export function readPacked(buf: Uint8Array): number[] {
  const out: number[] = [];
  for (let pos = 0; pos < buf.length;) {
    const [v, p] = readVarint(buf, pos);
    out.push(v);
    pos = p;
  }
  return out;
}

const utf8 = new TextDecoder('utf-8');

/** Go strings may hold any bytes; encoding/json replaces invalid UTF-8 with U+FFFD, as this does. */
export const readString = (buf: Uint8Array): string => utf8.decode(buf);

export function readDouble(buf: Uint8Array): number {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  return buf.byteLength === 8 ? view.getFloat64(0, true) : view.getFloat32(0, true);
}

/** Go's encoding/json writes []byte as standard base64. */
export function toBase64(buf: Uint8Array): string {
  let s = '';
  for (let i = 0; i < buf.length; i += 0x8000) s += String.fromCharCode(...buf.subarray(i, i + 0x8000));
  return btoa(s);
}
