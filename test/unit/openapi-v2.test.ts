// /openapi/v2: the Swagger 2.0 document built from the schema model, and its gnostic
// protobuf encoding, decoded back here with an independent test-side decoder whose
// field numbers are checked against the descriptor kubectl 1.32 embeds (when installed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { schemaNameFor, schemas, servedResources } from '../../src/api/schema/index.js';
import {
  buildOpenApiV2, encodeOpenApiV2, openApiV2Document, openApiV2Protobuf, openApiV2Representation, toV2Schema,
} from '../../src/apiserver/openapi-v2/index.js';

// ---- test-side decoder ---------------------------------------------------

/** [field number, proto field name, 'string' | 'bool' | 'double' | 'int64' | message name, repeated]. */
type F = [number, string, string, boolean?];
const EXT = (n: number): F => [n, 'vendor_extension', 'NamedAny', true];
const PARAM_SUB = (shift: number): F[] => [
  [1, 'required', 'bool'], [2, 'in', 'string'], [3, 'description', 'string'], [4, 'name', 'string'],
  [5 + shift, 'type', 'string'], [6 + shift, 'format', 'string'], [8 + shift, 'collection_format', 'string'],
  [9 + shift, 'default', 'Any'], [19 + shift, 'unique_items', 'bool'], EXT(22 + shift),
];
const M: Record<string, F[]> = {
  Document: [[1, 'swagger', 'string'], [2, 'info', 'Info'], [3, 'host', 'string'], [4, 'base_path', 'string'],
    [5, 'schemes', 'string', true], [6, 'consumes', 'string', true], [7, 'produces', 'string', true], [8, 'paths', 'Paths'],
    [9, 'definitions', 'Definitions'], [12, 'security', 'SecurityRequirement', true],
    [13, 'security_definitions', 'SecurityDefinitions'], EXT(16)],
  Info: [[1, 'title', 'string'], [2, 'version', 'string'], [3, 'description', 'string'], EXT(7)],
  Paths: [EXT(1), [2, 'path', 'NamedPathItem', true]],
  NamedPathItem: [[1, 'name', 'string'], [2, 'value', 'PathItem']],
  PathItem: [[1, '_ref', 'string'], [2, 'get', 'Operation'], [3, 'put', 'Operation'], [4, 'post', 'Operation'],
    [5, 'delete', 'Operation'], [6, 'options', 'Operation'], [7, 'head', 'Operation'], [8, 'patch', 'Operation'],
    [9, 'parameters', 'ParametersItem', true], EXT(10)],
  Operation: [[1, 'tags', 'string', true], [2, 'summary', 'string'], [3, 'description', 'string'], [5, 'operation_id', 'string'],
    [6, 'produces', 'string', true], [7, 'consumes', 'string', true], [8, 'parameters', 'ParametersItem', true],
    [9, 'responses', 'Responses'], [10, 'schemes', 'string', true], [11, 'deprecated', 'bool'], EXT(13)],
  ParametersItem: [[1, 'parameter', 'Parameter'], [2, 'json_reference', 'JsonReference']],
  JsonReference: [[1, '_ref', 'string'], [2, 'description', 'string']],
  Parameter: [[1, 'body_parameter', 'BodyParameter'], [2, 'non_body_parameter', 'NonBodyParameter']],
  BodyParameter: [[1, 'description', 'string'], [2, 'name', 'string'], [3, 'in', 'string'], [4, 'required', 'bool'],
    [5, 'schema', 'Schema'], EXT(6)],
  NonBodyParameter: [[1, 'header_parameter_sub_schema', 'HeaderParameterSubSchema'],
    [2, 'form_data_parameter_sub_schema', 'QueryParameterSubSchema'],
    [3, 'query_parameter_sub_schema', 'QueryParameterSubSchema'], [4, 'path_parameter_sub_schema', 'PathParameterSubSchema']],
  QueryParameterSubSchema: [[5, 'allow_empty_value', 'bool'], ...PARAM_SUB(1)],
  PathParameterSubSchema: PARAM_SUB(0),
  HeaderParameterSubSchema: PARAM_SUB(0),
  Responses: [[1, 'response_code', 'NamedResponseValue', true], EXT(2)],
  NamedResponseValue: [[1, 'name', 'string'], [2, 'value', 'ResponseValue']],
  ResponseValue: [[1, 'response', 'Response'], [2, 'json_reference', 'JsonReference']],
  Response: [[1, 'description', 'string'], [2, 'schema', 'SchemaItem'], EXT(5)],
  SchemaItem: [[1, 'schema', 'Schema']],
  Definitions: [[1, 'additional_properties', 'NamedSchema', true]],
  Properties: [[1, 'additional_properties', 'NamedSchema', true]],
  NamedSchema: [[1, 'name', 'string'], [2, 'value', 'Schema']],
  Schema: [[1, '_ref', 'string'], [2, 'format', 'string'], [3, 'title', 'string'], [4, 'description', 'string'],
    [5, 'default', 'Any'], [6, 'multiple_of', 'double'], [7, 'maximum', 'double'], [8, 'exclusive_maximum', 'bool'],
    [9, 'minimum', 'double'], [10, 'exclusive_minimum', 'bool'], [11, 'max_length', 'int64'], [12, 'min_length', 'int64'],
    [13, 'pattern', 'string'], [14, 'max_items', 'int64'], [15, 'min_items', 'int64'], [16, 'unique_items', 'bool'],
    [17, 'max_properties', 'int64'], [18, 'min_properties', 'int64'], [19, 'required', 'string', true],
    [20, 'enum', 'Any', true], [21, 'additional_properties', 'AdditionalPropertiesItem'], [22, 'type', 'TypeItem'],
    [23, 'items', 'ItemsItem'], [24, 'all_of', 'Schema', true], [25, 'properties', 'Properties'],
    [26, 'discriminator', 'string'], [27, 'read_only', 'bool'], [30, 'example', 'Any'], EXT(31)],
  TypeItem: [[1, 'value', 'string', true]],
  ItemsItem: [[1, 'schema', 'Schema', true]],
  AdditionalPropertiesItem: [[1, 'schema', 'Schema'], [2, 'boolean', 'bool']],
  NamedAny: [[1, 'name', 'string'], [2, 'value', 'Any']],
  Any: [[2, 'yaml', 'string']],
  SecurityRequirement: [[1, 'additional_properties', 'NamedStringArray', true]],
  NamedStringArray: [[1, 'name', 'string'], [2, 'value', 'StringArray']],
  StringArray: [[1, 'value', 'string', true]],
  SecurityDefinitions: [[1, 'additional_properties', 'NamedSecurityDefinitionsItem', true]],
  NamedSecurityDefinitionsItem: [[1, 'name', 'string'], [2, 'value', 'SecurityDefinitionsItem']],
  SecurityDefinitionsItem: [[1, 'basic_authentication_security', 'BasicAuthenticationSecurity'],
    [2, 'api_key_security', 'ApiKeySecurity']],
  BasicAuthenticationSecurity: [[1, 'type', 'string'], [2, 'description', 'string'], EXT(3)],
  ApiKeySecurity: [[1, 'type', 'string'], [2, 'name', 'string'], [3, 'in', 'string'], [4, 'description', 'string'], EXT(5)],
};
// FormDataParameterSubSchema numbers its fields like QueryParameterSubSchema.

type Wire = { num: number; wire: number; int: number; bytes: Buffer };

function varint(b: Buffer, pos: number): [number, number] {
  let v = 0, mul = 1;
  for (;;) {
    assert.ok(pos < b.length, 'truncated varint');
    const c = b[pos++];
    v += (c & 0x7f) * mul;
    mul *= 128;
    if (c < 0x80) return [v, pos];
  }
}

function wireFields(b: Buffer): Wire[] {
  const out: Wire[] = [];
  let pos = 0;
  while (pos < b.length) {
    let key: number;
    [key, pos] = varint(b, pos);
    const num = Math.floor(key / 8), wire = key & 7;
    if (wire === 0) { let v: number; [v, pos] = varint(b, pos); out.push({ num, wire, int: v, bytes: Buffer.alloc(0) }); }
    else if (wire === 1) { out.push({ num, wire, int: 0, bytes: b.subarray(pos, pos + 8) }); pos += 8; }
    else if (wire === 2) {
      let len: number;
      [len, pos] = varint(b, pos);
      assert.ok(pos + len <= b.length, 'truncated field');
      out.push({ num, wire, int: 0, bytes: b.subarray(pos, pos + len) });
      pos += len;
    } else assert.fail(`unexpected wire type ${wire}`);
  }
  return out;
}

const camel = (s: string) => (s === '_ref' ? '$ref' : s.replace(/_(.)/g, (_, c: string) => c.toUpperCase()));
const named = (entries: { name: string; value: unknown }[] = []) => Object.fromEntries(entries.map((e) => [e.name, e.value]));
type Obj = Record<string, unknown>;

/** Proto-shaped message -> Swagger JSON, per message kind; the default renames fields and spreads extensions. */
const SHAPE: Record<string, (o: Obj) => unknown> = {
  Any: (o) => parseYaml(o.yaml as string),
  Definitions: (o) => named(o.additional_properties as never),
  Properties: (o) => named(o.additional_properties as never),
  SecurityRequirement: (o) => named(o.additional_properties as never),
  SecurityDefinitions: (o) => named(o.additional_properties as never),
  StringArray: (o) => o.value ?? [],
  TypeItem: (o) => ((o.value as string[]).length === 1 ? (o.value as string[])[0] : o.value),
  ItemsItem: (o) => ((o.schema as unknown[]).length === 1 ? (o.schema as unknown[])[0] : o.schema),
  AdditionalPropertiesItem: (o) => o.schema ?? o.boolean,
  ParametersItem: (o) => o.parameter ?? o.json_reference,
  Parameter: (o) => o.body_parameter ?? o.non_body_parameter,
  NonBodyParameter: (o) => Object.values(o)[0],
  ResponseValue: (o) => o.response ?? o.json_reference,
  SchemaItem: (o) => o.schema,
  SecurityDefinitionsItem: (o) => Object.values(o)[0],
  Paths: (o) => ({ ...named(o.path as never), ...named(o.vendor_extension as never) }),
  Responses: (o) => ({ ...named(o.response_code as never), ...named(o.vendor_extension as never) }),
};

function decode(message: string, b: Buffer): unknown {
  const table = M[message];
  assert.ok(table, `no table for ${message}`);
  const raw: Record<string, unknown[]> = {};
  for (const w of wireFields(b)) {
    const f = table.find(([n]) => n === w.num);
    assert.ok(f, `${message}: unexpected field ${w.num}`);
    const [, name, kind] = f;
    let v: unknown;
    if (kind === 'bool' || kind === 'int64') {
      assert.equal(w.wire, 0, `${message}.${name}: wire type`);
      v = kind === 'bool' ? w.int !== 0 : w.int;
    } else if (kind === 'double') {
      assert.equal(w.wire, 1, `${message}.${name}: wire type`);
      v = w.bytes.readDoubleLE(0);
    } else {
      assert.equal(w.wire, 2, `${message}.${name}: wire type`);
      v = kind === 'string' ? w.bytes.toString('utf8') : decode(kind, w.bytes);
    }
    (raw[name] ??= []).push(v);
  }
  const o: Obj = {};
  for (const [, name, , repeated] of table) if (raw[name]) o[name] = repeated ? raw[name] : raw[name][raw[name].length - 1];
  if (SHAPE[message]) return SHAPE[message](o);
  if (message.startsWith('Named')) return o;
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'vendor_extension') Object.assign(out, named(v as never));
    else out[camel(k)] = v;
  }
  return out;
}

/** What survives proto3: false, 0 and '' scalars are not on the wire (oneof members and Any values are). */
function dropDefaults(v: unknown, key = ''): unknown {
  const any = (k: string) => k.startsWith('x-') || k === 'default' || k === 'enum' || k === 'example';
  if (any(key)) return v;
  if (Array.isArray(v)) return v.map((x) => dropDefaults(x));
  if (v && typeof v === 'object') {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) {
      if (!any(k) && ((x === false && k !== 'additionalProperties') || x === 0 || x === '')) continue;
      out[k] = dropDefaults(x, k);
    }
    return out;
  }
  return v;
}

// ---- the kubectl binary's descriptor -------------------------------------

function kubectlDescriptor(): Map<string, Map<string, number>> | undefined {
  const candidates = [process.env.KUBECTL_BINARY, '/usr/bin/kubectl.1.32', '/usr/local/bin/kubectl.1.32'];
  try { candidates.push(join(dirname(realpathSync('/usr/bin/kubectl')), 'kubectl.1.32')); } catch { /* no kubectl */ }
  const bin = candidates.find((p) => p && existsSync(p));
  if (!bin) return undefined;
  const b = readFileSync(bin);
  const at = b.indexOf('openapiv2/OpenAPIv2.proto');
  if (at < 2 || b[at - 2] !== 0x0a) return undefined;
  // The raw FileDescriptorProto has no length prefix in the binary: read fields while they make sense.
  const messages = new Map<string, Map<string, number>>();
  let pos = at - 2;
  const end = Math.min(b.length, pos + 200_000);
  while (pos < end) {
    const [key, p1] = varint(b, pos);
    const num = Math.floor(key / 8);
    if ((key & 7) !== 2 || num < 1 || num > 12) break;
    const [len, p2] = varint(b, p1);
    const body = b.subarray(p2, p2 + len);
    pos = p2 + len;
    if (num !== 4) continue; // message_type
    const m = wireFields(body);
    const name = m.find((f) => f.num === 1)!.bytes.toString();
    const fields = new Map<string, number>();
    for (const f of m.filter((x) => x.num === 2)) {
      const ff = wireFields(f.bytes);
      fields.set(ff.find((x) => x.num === 1)!.bytes.toString(), ff.find((x) => x.num === 3)!.int);
    }
    messages.set(name, fields);
  }
  return messages.size ? messages : undefined;
}

// ---- tests ---------------------------------------------------------------

type Doc = ReturnType<typeof buildOpenApiV2>;
const doc: Doc = openApiV2Document();

function walk(v: unknown, visit: (o: Obj, path: string) => void, path = ''): void {
  if (Array.isArray(v)) v.forEach((x, i) => walk(x, visit, `${path}[${i}]`));
  else if (v && typeof v === 'object') {
    visit(v as Obj, path);
    for (const [k, x] of Object.entries(v)) if (!k.startsWith('x-')) walk(x, visit, `${path}/${k}`);
  }
}

test('test-side field numbers match the gnostic descriptor kubectl 1.32 embeds', (t) => {
  const d = kubectlDescriptor();
  if (!d) return t.skip('kubectl 1.32 binary not found');
  for (const [message, fields] of Object.entries(M)) {
    const want = d.get(message);
    assert.ok(want, `descriptor has message ${message}`);
    for (const [num, name] of fields) assert.equal(want.get(name), num, `${message}.${name}`);
  }
  // FormDataParameterSubSchema is decoded with the QueryParameterSubSchema table.
  for (const [num, name] of M.QueryParameterSubSchema) assert.equal(d.get('FormDataParameterSubSchema')?.get(name), num, `FormData.${name}`);
});

test('document header, security and every group-version path', () => {
  assert.equal(doc.swagger, '2.0');
  assert.deepEqual(doc.info, { title: 'Kubernetes', version: 'v1.32.0' });
  assert.equal(doc.securityDefinitions.BearerToken.type, 'apiKey');
  for (const p of ['/api/v1/namespaces/{namespace}/services/{name}', '/apis/apps/v1/namespaces/{namespace}/deployments',
    '/apis/discovery.k8s.io/v1/namespaces/{namespace}/endpointslices/{name}', '/api/v1/namespaces/{name}/status']) {
    assert.ok(doc.paths[p], p);
  }
  assert.deepEqual(Object.keys(doc.paths), Object.keys(doc.paths).sort(), 'sorted');
  assert.deepEqual(Object.keys(doc.definitions).sort(), Object.keys(schemas).sort(), 'every schema of the model');
});

test('PATCH operations keep the fieldValidation parameter, body and GVK (legacy query-param verifier)', () => {
  const patch = doc.paths['/api/v1/namespaces/{namespace}/services/{name}'].patch as Obj;
  assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: '', version: 'v1', kind: 'Service' });
  assert.equal(patch['x-kubernetes-action'], 'patch');
  const params = patch.parameters as Obj[];
  assert.deepEqual(params.find((p) => p.name === 'fieldValidation'),
    { name: 'fieldValidation', in: 'query', description: (params.find((p) => p.name === 'fieldValidation') as Obj).description, type: 'string', uniqueItems: true });
  assert.deepEqual(params.find((p) => p.in === 'body'),
    { name: 'body', in: 'body', required: true, schema: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' } });
  assert.ok((patch.consumes as string[]).includes('application/strategic-merge-patch+json'));
  assert.deepEqual((patch.responses as Obj)['200'], { description: 'OK', schema: { $ref: '#/definitions/io.k8s.api.core.v1.Service' } });
  const item = doc.paths['/api/v1/namespaces/{namespace}/services/{name}'];
  assert.deepEqual((item.parameters as Obj[]).map((p) => [p.name, p.in, p.required ?? false]),
    [['name', 'path', true], ['namespace', 'path', true], ['pretty', 'query', false]]);
});

test('definitions are what kube-openapi can parse: v2 refs that resolve, one type, arrays with items', () => {
  walk(doc, (o, path) => {
    if (typeof o.$ref === 'string') {
      assert.match(o.$ref, /^#\/definitions\//, path);
      assert.ok(doc.definitions[o.$ref.slice('#/definitions/'.length)], `${path}: ${o.$ref} resolves`);
    }
  });
  for (const [name, s] of Object.entries(doc.definitions)) {
    walk(s, (o, path) => {
      if (path.endsWith('/properties')) return; // a map of property names, not a schema
      for (const k of ['oneOf', 'anyOf', 'nullable', 'components']) assert.ok(!(k in o), `${name}${path}: ${k}`);
      if (o.type !== undefined) assert.equal(typeof o.type, 'string', `${name}${path}: single type`);
      if (o.type === 'array') assert.ok(o.items && typeof o.items === 'object' && !Array.isArray(o.items), `${name}${path}: items`);
      if (Array.isArray(o.allOf)) assert.notEqual(o.allOf.length, 1, `${name}${path}: single allOf is a $ref`);
    });
  }
});

test('every served kind (and its List, and v1 List) has a definition carrying its GVK', () => {
  const gvks = new Map<string, string>();
  for (const [name, s] of Object.entries(doc.definitions)) {
    for (const g of (s['x-kubernetes-group-version-kind'] as { group: string; version: string; kind: string }[] | undefined) ?? []) {
      if (!gvks.has(`${g.group}/${g.version}/${g.kind}`)) gvks.set(`${g.group}/${g.version}/${g.kind}`, name);
    }
  }
  for (const r of servedResources) {
    for (const kind of [r.kind, r.kind + 'List']) {
      assert.equal(gvks.get(`${r.group}/${r.version}/${kind}`), schemaNameFor(r.group, r.version, kind), `${r.group}/${r.version} ${kind}`);
    }
  }
  assert.equal(gvks.get('/v1/List'), 'io.k8s.api.core.v1.List');
});

test('v3 constructs convert to their Swagger 2.0 forms', () => {
  assert.deepEqual(doc.definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString'],
    { type: 'string', format: 'int-or-string', description: schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].description });
  assert.equal(doc.definitions['io.k8s.apimachinery.pkg.api.resource.Quantity'].type, 'string');
  const port = (doc.definitions['io.k8s.api.core.v1.ServicePort'].properties as Record<string, Obj>).targetPort;
  assert.equal(port.$ref, '#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString');
  assert.ok(port.description);
  const ports = (doc.definitions['io.k8s.api.core.v1.ServiceSpec'].properties as Record<string, Obj>).ports;
  assert.equal(ports['x-kubernetes-patch-merge-key'], 'port');
  assert.equal(ports['x-kubernetes-list-type'], 'map');
  assert.deepEqual(ports.items, { $ref: '#/definitions/io.k8s.api.core.v1.ServicePort' });

  assert.deepEqual(toV2Schema({
    description: 'd',
    properties: {
      a: { allOf: [{ $ref: '#/components/schemas/X' }], description: 'wrapped', default: {} },
      b: { oneOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true },
      c: { type: 'string', nullable: true } as never,
      d: { type: 'object', additionalProperties: { type: 'array', items: { $ref: '#/components/schemas/Y' } } },
      e: { type: 'object', additionalProperties: false },
      f: { oneOf: [{ type: 'string' }, { type: 'object' }] },
    },
  }), {
    description: 'd',
    properties: {
      a: { $ref: '#/definitions/X', description: 'wrapped', default: {} },
      b: { type: 'string', format: 'int-or-string', 'x-kubernetes-int-or-string': true },
      c: { type: 'string' },
      d: { type: 'object', additionalProperties: { type: 'array', items: { $ref: '#/definitions/Y' } } },
      e: { type: 'object', additionalProperties: false },
      f: {},
    },
  });
});

test('protobuf encoding decodes back to the JSON document', () => {
  const bytes = Buffer.from(openApiV2Protobuf());
  assert.equal(openApiV2Protobuf(), openApiV2Protobuf(), 'computed once');
  const back = decode('Document', bytes);
  assert.deepEqual(back, dropDefaults(JSON.parse(JSON.stringify(doc))));
  assert.deepEqual(Buffer.from(encodeOpenApiV2(buildOpenApiV2())), bytes, 'deterministic');
});

test('wire details: field order, varint lengths, extensions as YAML, oneofs, doubles', () => {
  assert.deepEqual([...encodeOpenApiV2({ swagger: '2.0' })], [0x0a, 3, 0x32, 0x2e, 0x30]);
  const long = 'x'.repeat(300);
  const b = Buffer.from(encodeOpenApiV2({ info: { title: long } }));
  // Document.info = 2 (length 1 + 2 + 300 = 303 = 0xaf 0x02), Info.title = 1 (length 300 = 0xac 0x02).
  assert.deepEqual([...b.subarray(0, 6)], [0x12, 0xaf, 0x02, 0x0a, 0xac, 0x02]);
  assert.equal(b.length, 306);
  const tiny = {
    definitions: {
      T: {
        type: 'object', required: ['a'], minimum: 1.5, maxLength: 200, additionalProperties: false,
        properties: { a: { type: 'array', items: { type: 'string' }, enum: [['x']], default: 'true' } },
        'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'T' }],
      },
    },
  };
  assert.deepEqual(decode('Document', Buffer.from(encodeOpenApiV2(tiny))), tiny);
  // The GVK extension is a NamedAny whose Any.yaml is YAML text, as gnostic writes it.
  const text = Buffer.from(encodeOpenApiV2(tiny)).toString('latin1');
  assert.ok(text.includes('x-kubernetes-group-version-kind'));
  assert.ok(text.includes('- group: ""\n  version: v1\n  kind: T\n'));
  assert.throws(() => encodeOpenApiV2({ paths: { '/p': { get: { parameters: [{ name: 'x', in: 'cookie' }] } } } }), /unknown location/);
});

test('Accept negotiation: protobuf (both spellings) or application/json, else nothing', () => {
  assert.equal(openApiV2Representation('application/com.github.proto-openapi.spec.v2@v1.0+protobuf'), 'protobuf');
  assert.equal(openApiV2Representation('application/com.github.proto-openapi.spec.v2.v1.0+protobuf'), 'protobuf');
  assert.equal(openApiV2Representation('application/json'), 'json');
  assert.equal(openApiV2Representation('application/json, application/com.github.proto-openapi.spec.v2@v1.0+protobuf'), 'json');
  assert.equal(openApiV2Representation('*/*'), undefined);
  assert.equal(openApiV2Representation(undefined), undefined);
  assert.equal(openApiV2Representation('application/vnd.kubernetes.protobuf'), undefined);
});
