// Decodes one Kubernetes message into the object Go's encoding/json would print
// for it. The field table gives numbers; the schema model gives JSON types.

import { schemas } from '../../api/schema/index.js';
import { INTSTR, META, QUANTITY } from '../../api/schema/build.js';
import type { Schema } from '../../api/schema/types.js';
import { messageTable, type TableField, type ValueType, type WellKnown } from './table.js';
import { decodeWellKnown } from './wellknown.js';
import {
  ProtobufError, WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT,
  readDouble, readFields, readPacked, readString, toBase64, type WireField,
} from './wire.js';

const WELL_KNOWN_DEFS: Record<string, WellKnown> = {
  [META + 'Time']: 'Time',
  [META + 'MicroTime']: 'MicroTime',
  [META + 'FieldsV1']: 'FieldsV1',
  [QUANTITY]: 'Quantity',
  [INTSTR]: 'IntOrString',
};

interface FieldPlan {
  field: TableField;
  type: ValueType;
  repeated: boolean;
  /**
   * gogo writes non-pointer scalars even when zero, and `omitempty` drops them
   * from JSON; pointers and fields without omitempty (schema-required) keep them.
   */
  dropZero: boolean;
}

interface MessagePlan {
  def: string;
  /** Definition whose schema names the JSON fields: the message's own, or its parent's when inlined. */
  ctx: string | undefined;
  fields: Map<number, FieldPlan>;
  /** Table entries the schema cannot type; skipped like unknown fields (a test keeps this empty). */
  untyped: string[];
}

const REF = '#/components/schemas/';

/** The definition a property refers to, following $ref chains. */
function refDef(s: Schema): string | undefined {
  let name: string | undefined;
  let cur: Schema | undefined = s;
  for (let hops = 0; cur && hops < 16; hops++) {
    const ref: string | undefined = cur.$ref ?? (cur.allOf?.length === 1 ? cur.allOf[0].$ref : undefined);
    if (!ref?.startsWith(REF)) break;
    const next: string = ref.slice(REF.length);
    name = next;
    cur = schemas[next];
  }
  return name;
}

function typeOfSchema(s: Schema): { type: ValueType; repeated: boolean } | undefined {
  const def = refDef(s);
  if (def) {
    const wk = WELL_KNOWN_DEFS[def];
    return { type: wk ? { kind: 'wellKnown', name: wk } : { kind: 'message', def }, repeated: false };
  }
  if (s.type === 'array' && s.items) {
    const inner = typeOfSchema(s.items);
    return inner && !inner.repeated ? { type: inner.type, repeated: true } : undefined;
  }
  if (s.type === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object') {
    const value = typeOfSchema(s.additionalProperties);
    return value && !value.repeated ? { type: { kind: 'map', value: value.type }, repeated: false } : undefined;
  }
  switch (s.type) {
    case 'string': return { type: { kind: 'scalar', scalar: s.format === 'byte' ? 'y' : 's' }, repeated: false };
    case 'integer': return { type: { kind: 'scalar', scalar: 'i' }, repeated: false };
    case 'boolean': return { type: { kind: 'scalar', scalar: 'b' }, repeated: false };
    case 'number': return { type: { kind: 'scalar', scalar: 'd' }, repeated: false };
  }
  return undefined;
}

const plans = new Map<string, MessagePlan>();

/** Builds (once) how to decode `def` when its JSON names come from `inherited`'s schema. */
export function messagePlan(def: string, inherited?: string): MessagePlan {
  const ctx = schemas[def] ? def : inherited;
  const key = `${def}|${ctx ?? ''}`;
  const cached = plans.get(key);
  if (cached) return cached;
  const table = messageTable(def);
  if (!table) throw new ProtobufError(`no field table for ${def}`);
  const ctxSchema = ctx ? schemas[ctx] : undefined;
  const required = new Set(ctxSchema?.required ?? []);
  const fields = new Map<number, FieldPlan>();
  const untyped: string[] = [];
  for (const [num, field] of table) {
    const where = `${def}.${field.name}`;
    const prop = ctxSchema?.properties?.[field.name];
    const typed = field.type ? { type: field.type, repeated: field.repeated } : prop && typeOfSchema(prop);
    if (!typed) {
      untyped.push(where);
      continue;
    }
    const { type, repeated } = typed;
    const dropZero = type.kind === 'scalar' && !repeated && !field.pointer && !required.has(field.name);
    fields.set(num, { field, type, repeated, dropZero });
  }
  const plan = { def, ctx, fields, untyped };
  plans.set(key, plan);
  return plan;
}

const WIRE_NAMES = ['varint', 'fixed64', 'length-delimited', '', '', 'fixed32'];

function wireError(where: string, f: WireField, want: string): ProtobufError {
  return new ProtobufError(`${where}: got wire type ${WIRE_NAMES[f.wire] ?? f.wire}, want ${want}`);
}

function decodeScalar(scalar: string, f: WireField, where: string): unknown {
  switch (scalar) {
    case 's':
    case 'y':
      if (f.wire !== WIRE_LEN) throw wireError(where, f, 'length-delimited');
      return scalar === 's' ? readString(f.bytes) : toBase64(f.bytes);
    case 'i':
    case 'b':
      if (f.wire !== WIRE_VARINT) throw wireError(where, f, 'varint');
      return scalar === 'b' ? f.varint !== 0 : f.varint;
    default:
      if (f.wire !== WIRE_FIXED64 && f.wire !== WIRE_FIXED32) throw wireError(where, f, 'fixed64');
      return readDouble(f.bytes);
  }
}

function zeroValue(type: ValueType, where: string): unknown {
  switch (type.kind) {
    case 'scalar': return type.scalar === 'b' ? false : type.scalar === 'i' || type.scalar === 'd' ? 0 : '';
    case 'wellKnown': return decodeWellKnown(type.name, new Uint8Array(0), where) ?? null;
    case 'message': return {};
    case 'map': return {};
  }
}

function decodeMapEntry(value: ValueType, buf: Uint8Array, where: string): [string, unknown] {
  let key = '';
  let val: unknown;
  for (const f of readFields(buf)) {
    if (f.num === 1) {
      if (f.wire !== WIRE_LEN) throw wireError(`${where} key`, f, 'length-delimited');
      key = readString(f.bytes);
    } else if (f.num === 2) {
      val = decodeValue(value, f, `${where}[${JSON.stringify(key)}]`) ?? null;
    }
  }
  // A missing value is the zero value of its type.
  return [key, val === undefined ? zeroValue(value, where) : val];
}

function decodeValue(type: ValueType, f: WireField, where: string): unknown {
  switch (type.kind) {
    case 'scalar':
      return decodeScalar(type.scalar, f, where);
    case 'wellKnown':
      if (f.wire !== WIRE_LEN) throw wireError(where, f, 'length-delimited');
      return decodeWellKnown(type.name, f.bytes, where);
    case 'message':
      if (f.wire !== WIRE_LEN) throw wireError(where, f, 'length-delimited');
      return decodeMessage(type.def, f.bytes);
    case 'map':
      throw new Error(`protobuf: map value at ${where} is a map`);
  }
}

const isZero = (v: unknown): boolean => v === '' || v === 0 || v === false;

/** Decodes a message of definition `def`; `inherited` names the JSON schema for inlined structs. */
export function decodeMessage(def: string, buf: Uint8Array, inherited?: string): Record<string, unknown> {
  const plan = messagePlan(def, inherited);
  const out: Record<string, unknown> = {};
  for (const f of readFields(buf)) {
    const p = plan.fields.get(f.num);
    // Fields newer than the tables are skipped, as protobuf readers do.
    if (!p) continue;
    const { field, type } = p;
    const where = `${def.slice(def.lastIndexOf('.') + 1)}.${field.name}`;
    if (field.inline) {
      if (type.kind !== 'message' || f.wire !== WIRE_LEN) throw wireError(where, f, 'an inlined message');
      Object.assign(out, decodeMessage(type.def, f.bytes, plan.ctx));
    } else if (type.kind === 'map') {
      if (f.wire !== WIRE_LEN) throw wireError(where, f, 'a map entry');
      const map = (out[field.name] ??= {}) as Record<string, unknown>;
      const [k, v] = decodeMapEntry(type.value, f.bytes, where);
      map[k] = v;
    } else if (p.repeated) {
      const list = (out[field.name] ??= []) as unknown[];
      if (type.kind === 'scalar' && (type.scalar === 'i' || type.scalar === 'b') && f.wire === WIRE_LEN) {
        for (const v of readPacked(f.bytes)) list.push(type.scalar === 'b' ? v !== 0 : v);
      } else {
        list.push(decodeValue(type, f, where) ?? null);
      }
    } else {
      const v = decodeValue(type, f, where);
      if (v === undefined || (p.dropZero && isZero(v))) delete out[field.name];
      else out[field.name] = v;
    }
  }
  return out;
}
