// Field tables: for each message, its JSON field names and protobuf field numbers.
// Value types come from the schema model; only fields the schema cannot describe
// (opaque subtrees, inlined Go structs) carry a type in the table.
//
// Grammar, one space-separated entry per field:  name=number[flags][:type]
//   flags  *  Go pointer: written only when set, so a zero value is kept
//          +  repeated (only with an explicit type)
//          ^  inlined Go struct (`json:",inline"`): its fields merge into the parent
//   type   s string | y bytes | i integer | b boolean | d double
//          @Name message (a definition name, or a short name in the owner's package)
//          {type} map<string, type>

import { appsFields } from './tables/apps.js';
import { authFields } from './tables/auth.js';
import { coreOpaqueFields } from './tables/core-opaque.js';
import { coreFields } from './tables/core.js';
import { metaFields } from './tables/meta.js';

export type ScalarType = 's' | 'y' | 'i' | 'b' | 'd';

/** Messages with a custom Go JSON form, named by their short definition name. */
export const WELL_KNOWN = ['Time', 'MicroTime', 'Quantity', 'IntOrString', 'FieldsV1'] as const;
export type WellKnown = (typeof WELL_KNOWN)[number];

export type ValueType =
  | { kind: 'scalar'; scalar: ScalarType }
  | { kind: 'message'; def: string }
  | { kind: 'wellKnown'; name: WellKnown }
  | { kind: 'map'; value: ValueType };

export interface TableField {
  name: string;
  num: number;
  pointer: boolean;
  inline: boolean;
  repeated: boolean;
  /** Set when the schema cannot tell the type. */
  type?: ValueType;
}

const raw: Record<string, string> = { ...metaFields, ...coreFields, ...coreOpaqueFields, ...appsFields, ...authFields };

const ENTRY = /^([A-Za-z]\w*)=(\d+)([*+^]*)(?::(.+))?$/;

function parseType(t: string, pkg: string): ValueType {
  if (t.startsWith('{') && t.endsWith('}')) return { kind: 'map', value: parseType(t.slice(1, -1), pkg) };
  if (t.startsWith('@')) {
    const name = t.slice(1);
    if ((WELL_KNOWN as readonly string[]).includes(name)) return { kind: 'wellKnown', name: name as WellKnown };
    return { kind: 'message', def: name.includes('.') ? name : pkg + name };
  }
  if (t.length === 1 && 'syibd'.includes(t)) return { kind: 'scalar', scalar: t as ScalarType };
  throw new Error(`protobuf table: bad type ${t}`);
}

function parseTable(def: string, spec: string): Map<number, TableField> {
  const pkg = def.slice(0, def.lastIndexOf('.') + 1);
  const fields = new Map<number, TableField>();
  for (const entry of spec.split(' ')) {
    const m = ENTRY.exec(entry);
    if (!m) throw new Error(`protobuf table ${def}: bad entry ${entry}`);
    const [, name, num, flags, type] = m;
    fields.set(Number(num), {
      name,
      num: Number(num),
      pointer: flags.includes('*'),
      inline: flags.includes('^'),
      repeated: flags.includes('+'),
      type: type === undefined ? undefined : parseType(type, pkg),
    });
  }
  return fields;
}

const parsed = new Map<string, Map<number, TableField>>();

/** The fields of a message by field number, or undefined for a message without a table. */
export function messageTable(def: string): Map<number, TableField> | undefined {
  let t = parsed.get(def);
  if (!t && raw[def] !== undefined) {
    t = parseTable(def, raw[def]);
    parsed.set(def, t);
  }
  return t;
}

/** Definition names of every message with a table (for tests and coverage checks). */
export const tableNames = (): string[] => Object.keys(raw);
