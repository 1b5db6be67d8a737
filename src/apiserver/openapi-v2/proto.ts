// Encodes a Swagger 2.0 JSON document as the gnostic `openapi.v2.Document`
// protobuf (github.com/google/gnostic-models, openapiv2/OpenAPIv2.proto), the
// form kubectl asks for with Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf.
//
// The field numbers below are the wire contract. They were read from the file
// descriptor that kubectl 1.32 embeds for that .proto; only the messages and
// fields a Kubernetes document uses are listed. Vendor extensions (`x-...`) are
// `NamedAny { name, value: Any { yaml } }` with the value as YAML text.

import { stringify as toYaml } from 'yaml';

// ---- wire format ---------------------------------------------------------

const LEN = 2;
const VARINT = 0;
const FIXED64 = 1;

class Writer {
  private chunks: Uint8Array[] = [];
  private size = 0;

  private push(b: Uint8Array): void {
    this.chunks.push(b);
    this.size += b.length;
  }

  varint(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`openapi v2: cannot encode ${n} as a varint`);
    const out: number[] = [];
    while (n >= 0x80) {
      out.push((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    out.push(n);
    this.push(Uint8Array.from(out));
  }

  tag(num: number, wire: number): void {
    this.varint(num * 8 + wire);
  }

  bytes(num: number, b: Uint8Array): void {
    this.tag(num, LEN);
    this.varint(b.length);
    this.push(b);
  }

  string(num: number, s: string): void {
    this.bytes(num, Buffer.from(s, 'utf8'));
  }

  bool(num: number, v: boolean): void {
    this.tag(num, VARINT);
    this.varint(v ? 1 : 0);
  }

  double(num: number, v: number): void {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(v);
    this.tag(num, FIXED64);
    this.push(b);
  }

  finish(): Uint8Array {
    return Buffer.concat(this.chunks, this.size);
  }
}

// ---- field tables --------------------------------------------------------

/** Writes JSON value `v` as field `num` of the message being built. */
type Enc = (w: Writer, num: number, v: unknown) => void;

interface Table {
  /** JSON key -> [field number, encoder]. */
  fields: Record<string, [number, Enc]>;
  /** Field number of `repeated NamedAny vendor_extension`, if the message has one. */
  ext?: number;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Proto3 scalars: default values (false, 0, '') are not written. */
const str: Enc = (w, n, v) => { if (typeof v === 'string' && v !== '') w.string(n, v); };
const strs: Enc = (w, n, v) => { for (const s of v as string[]) w.string(n, s); };
const bool: Enc = (w, n, v) => { if (v === true) w.bool(n, true); };
const dbl: Enc = (w, n, v) => { if (typeof v === 'number' && v !== 0) w.double(n, v); };
const int: Enc = (w, n, v) => { if (typeof v === 'number' && v !== 0) { w.tag(n, VARINT); w.varint(v); } };

/** A sub-message built by `build` from the JSON value. */
const sub = (build: (w: Writer, v: unknown) => void): Enc => (w, n, v) => {
  const inner = new Writer();
  build(inner, v);
  w.bytes(n, inner.finish());
};
/** A sub-message described by a table. */
const msg = (t: () => Table): Enc => sub((w, v) => writeTable(w, t(), v as Record<string, unknown>));
/** `repeated` of a message encoder, from a JSON array. */
const each = (e: Enc): Enc => (w, n, v) => { for (const x of v as unknown[]) e(w, n, x); };

/** `Any { yaml = 2 }`: the value as YAML text. */
const any: Enc = sub((w, v) => w.string(2, toYaml(v)));
/** `Named<X> { name = 1; value = 2 }` entries from a JSON object, as `repeated` field `n`. */
const named = (value: Enc): Enc => (w, n, v) => {
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    sub((iw) => { iw.string(1, k); value(iw, 2, x); })(w, n, undefined);
  }
};
/** A message whose only field is `repeated Named<X> additional_properties = 1`. */
const mapOf = (value: Enc): Enc => sub((w, v) => named(value)(w, 1, v));

function writeTable(w: Writer, t: Table, obj: Record<string, unknown>): void {
  // Fields in field-number order, as Go's marshaller writes them; extensions last.
  const known = Object.entries(t.fields)
    .filter(([k]) => obj[k] !== undefined)
    .sort((a, b) => a[1][0] - b[1][0]);
  for (const [k, [num, enc]] of known) enc(w, num, obj[k]);
  if (t.ext !== undefined) {
    const ext = Object.fromEntries(Object.entries(obj).filter(([k, v]) => k.startsWith('x-') && v !== undefined));
    named(any)(w, t.ext, ext);
  }
}

// Schema: field 22 `TypeItem type { repeated string value = 1 }`, 23 `ItemsItem items
// { repeated Schema schema = 1 }`, 21 `AdditionalPropertiesItem { oneof Schema schema = 1; bool boolean = 2 }`.
const typeItem: Enc = sub((w, v) => strs(w, 1, Array.isArray(v) ? v : [v]));
const itemsItem: Enc = sub((w, v) => each(msg(() => SCHEMA))(w, 1, Array.isArray(v) ? v : [v]));
const additionalProps: Enc = sub((w, v) => {
  if (typeof v === 'boolean') w.bool(2, v); // a oneof member is written even when false
  else msg(() => SCHEMA)(w, 1, v);
});

const SCHEMA: Table = {
  fields: {
    $ref: [1, str], format: [2, str], title: [3, str], description: [4, str], default: [5, any],
    multipleOf: [6, dbl], maximum: [7, dbl], exclusiveMaximum: [8, bool], minimum: [9, dbl], exclusiveMinimum: [10, bool],
    maxLength: [11, int], minLength: [12, int], pattern: [13, str], maxItems: [14, int], minItems: [15, int],
    uniqueItems: [16, bool], maxProperties: [17, int], minProperties: [18, int], required: [19, strs],
    enum: [20, each(any)], additionalProperties: [21, additionalProps], type: [22, typeItem], items: [23, itemsItem],
    allOf: [24, each(msg(() => SCHEMA))], properties: [25, mapOf(msg(() => SCHEMA))], discriminator: [26, str],
    readOnly: [27, bool], example: [30, any],
  },
  ext: 31,
};

// Non-body parameters: the sub-schema messages differ in numbering by `in`.
const QUERY: Table = {
  fields: { required: [1, bool], in: [2, str], description: [3, str], name: [4, str], allowEmptyValue: [5, bool],
    type: [6, str], format: [7, str], collectionFormat: [9, str], default: [10, any], uniqueItems: [20, bool] },
  ext: 23,
};
const FORM_DATA: Table = QUERY; // FormDataParameterSubSchema numbers its fields like QueryParameterSubSchema
const PATH_OR_HEADER: Table = {
  fields: { required: [1, bool], in: [2, str], description: [3, str], name: [4, str], type: [5, str], format: [6, str],
    collectionFormat: [8, str], default: [9, any], uniqueItems: [19, bool] },
  ext: 22,
};
const BODY: Table = {
  fields: { description: [1, str], name: [2, str], in: [3, str], required: [4, bool], schema: [5, msg(() => SCHEMA)] },
  ext: 6,
};
// NonBodyParameter { oneof header = 1, form_data = 2, query = 3, path = 4 }.
const NON_BODY_CASE: Record<string, [number, Table]> = { header: [1, PATH_OR_HEADER], formData: [2, FORM_DATA], query: [3, QUERY], path: [4, PATH_OR_HEADER] };
// Parameter { oneof body_parameter = 1, non_body_parameter = 2 }.
const parameter: Enc = sub((w, v) => {
  const p = v as Record<string, unknown>;
  if (p.in === 'body') return msg(() => BODY)(w, 1, p);
  const c = NON_BODY_CASE[p.in as string];
  if (!c) throw new Error(`openapi v2: parameter ${String(p.name)} has unknown location ${String(p.in)}`);
  sub((iw) => msg(() => c[1])(iw, c[0], p))(w, 2, undefined);
});
// ParametersItem { oneof Parameter parameter = 1, JsonReference json_reference = 2 { _ref = 1 } }.
const parametersItem: Enc = sub((w, v) => {
  const p = v as Record<string, unknown>;
  if (typeof p.$ref === 'string') sub((iw) => iw.string(1, p.$ref as string))(w, 2, undefined);
  else parameter(w, 1, p);
});

// Response { description = 1; SchemaItem schema = 2 { oneof Schema schema = 1 } }.
const RESPONSE: Table = {
  fields: { description: [1, str], schema: [2, sub((w, v) => msg(() => SCHEMA)(w, 1, v))] },
  ext: 5,
};
// Responses { repeated NamedResponseValue response_code = 1; vendor_extension = 2 };
// ResponseValue { oneof Response response = 1, JsonReference json_reference = 2 }.
const responseValue: Enc = sub((w, v) => msg(() => RESPONSE)(w, 1, v));
const responses: Enc = sub((w, v) => {
  const codes = Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([k]) => !k.startsWith('x-')));
  named(responseValue)(w, 1, codes);
  const ext = Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([k]) => k.startsWith('x-')));
  named(any)(w, 2, ext);
});

const OPERATION: Table = {
  fields: { tags: [1, strs], summary: [2, str], description: [3, str], operationId: [5, str], produces: [6, strs],
    consumes: [7, strs], parameters: [8, each(parametersItem)], responses: [9, responses], schemes: [10, strs],
    deprecated: [11, bool] },
  ext: 13,
};
const PATH_ITEM: Table = {
  fields: { $ref: [1, str], get: [2, msg(() => OPERATION)], put: [3, msg(() => OPERATION)], post: [4, msg(() => OPERATION)],
    delete: [5, msg(() => OPERATION)], options: [6, msg(() => OPERATION)], head: [7, msg(() => OPERATION)],
    patch: [8, msg(() => OPERATION)], parameters: [9, each(parametersItem)] },
  ext: 10,
};
// Paths { vendor_extension = 1; repeated NamedPathItem path = 2 }.
const paths: Enc = sub((w, v) => {
  const o = v as Record<string, unknown>;
  named(any)(w, 1, Object.fromEntries(Object.entries(o).filter(([k]) => k.startsWith('x-'))));
  named(msg(() => PATH_ITEM))(w, 2, Object.fromEntries(Object.entries(o).filter(([k]) => !k.startsWith('x-'))));
});

// SecurityDefinitionsItem { oneof basic = 1, api_key = 2, oauth2 implicit = 3, password = 4, application = 5, access_code = 6 }.
const API_KEY: Table = { fields: { type: [1, str], name: [2, str], in: [3, str], description: [4, str] }, ext: 5 };
const BASIC: Table = { fields: { type: [1, str], description: [2, str] }, ext: 3 };
const securityItem: Enc = sub((w, v) => {
  const s = v as Record<string, unknown>;
  if (s.type === 'apiKey') msg(() => API_KEY)(w, 2, s);
  else if (s.type === 'basic') msg(() => BASIC)(w, 1, s);
  else throw new Error(`openapi v2: security scheme type ${String(s.type)} is not supported`);
});
// SecurityRequirement { repeated NamedStringArray additional_properties = 1 }; StringArray { repeated string value = 1 }.
const securityRequirement: Enc = mapOf(sub((w, v) => strs(w, 1, v)));

const INFO: Table = { fields: { title: [1, str], version: [2, str], description: [3, str], termsOfService: [4, str] }, ext: 7 };

const DOCUMENT: Table = {
  fields: {
    swagger: [1, str], info: [2, msg(() => INFO)], host: [3, str], basePath: [4, str], schemes: [5, strs],
    consumes: [6, strs], produces: [7, strs], paths: [8, paths], definitions: [9, mapOf(msg(() => SCHEMA))],
    security: [12, each(securityRequirement)], securityDefinitions: [13, mapOf(securityItem)],
  },
  ext: 16,
};

/** The gnostic openapi.v2.Document encoding of a Swagger 2.0 JSON document. */
export function encodeOpenApiV2(doc: object): Uint8Array {
  if (!isObj(doc)) throw new Error('openapi v2: document must be an object');
  const w = new Writer();
  writeTable(w, DOCUMENT, doc);
  return w.finish();
}
