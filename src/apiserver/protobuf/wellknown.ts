// Messages whose Go JSON form is not an object of their protobuf fields.

import type { WellKnown } from './table.js';
import { ProtobufError, WIRE_LEN, WIRE_VARINT, readFields, readString } from './wire.js';

/** Seconds of Go's zero time.Time (year 1) since the Unix epoch. */
const GO_ZERO_SECONDS = -62135596800;

function timestamp(buf: Uint8Array, what: string): { seconds: number; nanos: number } | undefined {
  // metav1.Time marshals the zero time as an empty message.
  if (buf.length === 0) return undefined;
  let seconds = 0;
  let nanos = 0;
  for (const f of readFields(buf)) {
    if (f.wire !== WIRE_VARINT) continue;
    if (f.num === 1) seconds = f.varint;
    else if (f.num === 2) nanos = f.varint;
  }
  if (seconds === GO_ZERO_SECONDS && nanos === 0) return undefined;
  if (nanos < 0 || nanos > 999999999) throw new ProtobufError(`${what}: nanos ${nanos} out of range`);
  return { seconds, nanos };
}

function formatTime(t: { seconds: number; nanos: number }, micro: boolean, what: string): string {
  const d = new Date(t.seconds * 1000);
  if (Number.isNaN(d.getTime())) throw new ProtobufError(`${what}: seconds ${t.seconds} out of range`);
  const base = d.toISOString().slice(0, 19);
  // metav1.Time is RFC 3339 to the second; MicroTime keeps six fractional digits.
  return micro ? `${base}.${String(Math.floor(t.nanos / 1000)).padStart(6, '0')}Z` : `${base}Z`;
}

function intOrString(buf: Uint8Array): number | string {
  let type = 0;
  let intVal = 0;
  let strVal = '';
  for (const f of readFields(buf)) {
    if (f.num === 1 && f.wire === WIRE_VARINT) type = f.varint;
    else if (f.num === 2 && f.wire === WIRE_VARINT) intVal = f.varint | 0;
    else if (f.num === 3 && f.wire === WIRE_LEN) strVal = readString(f.bytes);
  }
  if (type === 0) return intVal;
  if (type === 1) return strVal;
  throw new ProtobufError(`IntOrString: unknown type ${type}`);
}

function firstString(buf: Uint8Array): string | undefined {
  let s: string | undefined;
  for (const f of readFields(buf)) if (f.num === 1 && f.wire === WIRE_LEN) s = readString(f.bytes);
  return s;
}

/**
 * The JSON value of a well-known message; undefined means Go would write null
 * (a zero time), which the caller drops.
 */
export function decodeWellKnown(name: WellKnown, buf: Uint8Array, where: string): unknown {
  switch (name) {
    case 'Time':
    case 'MicroTime': {
      const t = timestamp(buf, where);
      return t && formatTime(t, name === 'MicroTime', where);
    }
    case 'Quantity':
      // A zero resource.Quantity prints as "0".
      return firstString(buf) || '0';
    case 'IntOrString':
      return intOrString(buf);
    case 'FieldsV1': {
      // An empty FieldsV1 marshals as null.
      const text = firstString(buf) ?? '';
      if (text === '') return undefined;
      try {
        return JSON.parse(text);
      } catch {
        throw new ProtobufError(`${where}: fieldsV1 is not JSON`);
      }
    }
  }
}
