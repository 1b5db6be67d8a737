// Kubernetes protobuf request bodies → the JSON kubectl would have sent.
// Fixtures under test/fixtures/protobuf are bodies captured from kubectl 1.32
// (see the README there); the other cases are built with the small encoder below.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeKubeProtobuf, isProtobufContentType, isProtobufError } from '../../src/apiserver/protobuf/index.js';
import { messagePlan } from '../../src/apiserver/protobuf/decode.js';
import { messageTable, tableNames } from '../../src/apiserver/protobuf/table.js';

// --- a tiny encoder: each helper returns the bytes of one field ---------------
type Bytes = number[];
function varint(n: number | bigint): Bytes {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: Bytes = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
}
const lenField = (num: number, bytes: Bytes): Bytes => [...varint(num * 8 + 2), ...varint(bytes.length), ...bytes];
const int = (num: number, v: number | bigint): Bytes => [...varint(num * 8), ...varint(v)];
const bool = (num: number, v: boolean): Bytes => int(num, v ? 1 : 0);
const str = (num: number, s: string): Bytes => lenField(num, [...new TextEncoder().encode(s)]);
const msg = (num: number, ...fields: Bytes[]): Bytes => lenField(num, fields.flat());
const entry = (num: number, key: string, value: Bytes): Bytes => msg(num, str(1, key), value);
const strEntry = (num: number, key: string, value: string): Bytes => entry(num, key, str(2, value));
const time = (num: number, seconds: number, nanos = 0): Bytes => msg(num, int(1, seconds), int(2, nanos));
const quantity = (num: number, q: string): Bytes => msg(num, str(1, q));
const intOrStr = (num: number, v: number | string): Bytes =>
  typeof v === 'number' ? msg(num, int(1, 0), int(2, v), str(3, '')) : msg(num, int(1, 1), int(2, 0), str(3, v));
const MAGIC = [0x6b, 0x38, 0x73, 0x00];
const body = (apiVersion: string, kind: string, ...fields: Bytes[]): Uint8Array =>
  Uint8Array.from([...MAGIC, ...msg(1, str(1, apiVersion), str(2, kind)), ...msg(2, ...fields), ...str(3, ''), ...str(4, '')]);
/** gogo writes every non-pointer field; an empty ObjectMeta still carries them. */
const meta = (...fields: Bytes[]): Bytes =>
  msg(1, str(2, ''), str(3, ''), str(4, ''), str(5, ''), str(6, ''), int(7, 0), msg(8), ...fields);

const decode = (b: Uint8Array) => decodeKubeProtobuf(b).object;

function protobufError(b: Uint8Array): string {
  try {
    decodeKubeProtobuf(b);
  } catch (e) {
    assert.ok(isProtobufError(e), `expected ProtobufError, got ${String(e)}`);
    return (e as Error).message;
  }
  assert.fail('expected an error');
}

/** `--dry-run=client -o json` prints the zero creationTimestamp as null; the decoder drops it. */
function dropNullTimestamps(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNullTimestamps);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v)
      .filter(([k, x]) => !(k === 'creationTimestamp' && x === null))
      .map(([k, x]) => [k, dropNullTimestamps(x)]));
  }
  return v;
}

describe('captured kubectl 1.32 bodies', () => {
  // Under tsx this file runs from test/unit; compiled, from dist/test/unit (tsc copies no .bin files).
  const dir = ['../fixtures/protobuf/', '../../../test/fixtures/protobuf/']
    .map((rel) => fileURLToPath(new URL(rel, import.meta.url)))
    .find((d) => existsSync(d)) as string;
  const names = readdirSync(dir).filter((f) => f.endsWith('.bin')).map((f) => f.slice(0, -4));
  it('has fixtures', () => assert.ok(names.length >= 6));
  for (const name of names) {
    it(`${name} decodes to kubectl's JSON`, () => {
      const want = dropNullTimestamps(JSON.parse(readFileSync(dir + name + '.json', 'utf8'))) as Record<string, unknown>;
      const got = decodeKubeProtobuf(new Uint8Array(readFileSync(dir + name + '.bin')));
      assert.deepEqual(got.object, want);
      assert.equal(got.kind, want.kind);
      assert.equal(got.apiVersion, want.apiVersion);
    });
  }
});

describe('field tables', () => {
  it('type every entry (table or schema) and have a table for every message they reach', () => {
    const seen = new Set<string>();
    const visit = (def: string, inherited?: string): void => {
      const key = `${def}|${inherited ?? ''}`;
      if (seen.has(key)) return;
      seen.add(key);
      const plan = messagePlan(def, inherited);
      assert.deepEqual(plan.untyped, [], `${def}: entries without a type`);
      for (const p of plan.fields.values()) {
        const t = p.type.kind === 'map' ? p.type.value : p.type;
        if (t.kind !== 'message') continue;
        assert.ok(messageTable(t.def), `${def}.${p.field.name}: no table for ${t.def}`);
        visit(t.def, p.field.inline ? plan.ctx : undefined);
      }
    };
    const inlinedOnly = /\.(ProbeHandler|VolumeSource|EphemeralContainerCommon)$/;
    for (const def of tableNames()) if (!inlinedOnly.test(def)) visit(def);
    assert.ok(seen.size > 150, `visited ${seen.size}`);
  });
});

describe('decodeKubeProtobuf', () => {
  it('decodes ObjectMeta: maps, times, owner references, managed fields; drops zero scalars', () => {
    const got = decode(body('v1', 'Namespace',
      meta(
        str(1, 'foo'), strEntry(11, 'b', '2'), strEntry(11, 'a', '1'), strEntry(12, 'note', ''),
        msg(13, str(1, 'Deployment'), str(3, 'web'), str(4, 'u-1'), str(5, 'apps/v1'), bool(6, true), bool(7, false)),
        str(14, 'kubernetes'),
        msg(17, str(1, 'kubectl'), str(2, 'Update'), str(3, 'v1'), time(4, 1700000000), str(6, 'FieldsV1'),
          msg(7, str(1, '{"f:metadata":{}}')), str(8, '')),
        int(10, 0),
      ),
      msg(2), msg(3, str(1, ''))));
    assert.deepEqual(got, {
      kind: 'Namespace', apiVersion: 'v1',
      metadata: {
        name: 'foo', labels: { a: '1', b: '2' }, annotations: { note: '' },
        ownerReferences: [{ kind: 'Deployment', name: 'web', uid: 'u-1', apiVersion: 'apps/v1', controller: true, blockOwnerDeletion: false }],
        finalizers: ['kubernetes'],
        managedFields: [{
          manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '2023-11-14T22:13:20Z',
          fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': {} },
        }],
        deletionGracePeriodSeconds: 0,
      },
      spec: {},
      status: {},
    });
  });

  it('decodes a pod spec: probes, env sources, quantities, volumes, pointers, packed lists, unknown fields', () => {
    const container = msg(2,
      str(1, 'app'), str(2, 'nginx'), str(3, 'sh'), str(3, '-c'), str(5, ''),
      msg(6, str(1, 'http'), int(2, 0), int(3, 80), str(4, 'TCP'), str(5, '')),
      msg(7, str(1, 'A'), str(2, 'b')),
      msg(7, str(1, 'B'), str(2, ''), msg(3, msg(3, msg(1, str(1, 'cm')), str(2, 'key'), bool(3, false)))),
      msg(7, str(1, 'C'), str(2, ''), msg(3, msg(1, str(1, 'v1'), str(2, 'metadata.name')))),
      msg(8, entry(1, 'cpu', quantity(2, '500m')), entry(2, 'memory', quantity(2, '64Mi'))),
      msg(9, str(1, 'data'), bool(2, true), str(3, '/data'), str(4, ''), str(6, '')),
      msg(10, msg(1, msg(2, str(1, '/healthz'), intOrStr(2, 'http'), str(3, ''), str(4, 'HTTP'))),
        int(2, 0), int(3, 1), int(4, 10), int(5, 1), int(6, 3)),
      msg(11, msg(1, msg(3, intOrStr(1, 8080), str(2, ''))), int(2, 5), int(3, 0), int(4, 0), int(5, 0), int(6, 0)),
      msg(15, bool(2, false), int(4, 0), bool(5, true)),
      str(13, '/dev/termination-log'), str(20, ''), str(14, 'IfNotPresent'), bool(16, false), bool(17, false), bool(18, false));
    const got = decode(body('v1', 'Pod',
      meta(str(1, 'p'), str(3, 'default')),
      msg(2,
        msg(1, str(1, 'data'), msg(2, msg(2, str(1, ''), quantity(2, '1Gi')))),
        msg(1, str(1, 'cfg'), msg(2, msg(19, msg(1, str(1, 'settings')), int(3, 420)))),
        container,
        str(3, 'Always'), int(4, 0), str(6, ''), bool(11, false), bool(21, false), int(25, -5),
        msg(14, lenField(4, [...varint(1000), ...varint(2000)]), int(2, 1000)),
        msg(18, msg(1, msg(1, msg(1, msg(1, str(1, 'zone'), str(2, 'In'), str(3, 'a')))))),
        int(99, 7), lenField(98, [1, 2, 3])),
      msg(3)));
    assert.deepEqual(got, {
      kind: 'Pod', apiVersion: 'v1',
      metadata: { name: 'p', namespace: 'default' },
      spec: {
        volumes: [
          { name: 'data', emptyDir: { sizeLimit: '1Gi' } },
          { name: 'cfg', configMap: { name: 'settings', defaultMode: 420 } },
        ],
        containers: [{
          name: 'app', image: 'nginx', command: ['sh', '-c'],
          ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
          env: [
            { name: 'A', value: 'b' },
            { name: 'B', valueFrom: { configMapKeyRef: { name: 'cm', key: 'key', optional: false } } },
            { name: 'C', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
          ],
          resources: { limits: { cpu: '500m' }, requests: { memory: '64Mi' } },
          volumeMounts: [{ name: 'data', readOnly: true, mountPath: '/data' }],
          livenessProbe: {
            httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' },
            timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3,
          },
          readinessProbe: { tcpSocket: { port: 8080 }, initialDelaySeconds: 5 },
          securityContext: { privileged: false, runAsUser: 0, runAsNonRoot: true },
          terminationMessagePath: '/dev/termination-log', imagePullPolicy: 'IfNotPresent',
        }],
        restartPolicy: 'Always', terminationGracePeriodSeconds: 0, automountServiceAccountToken: false, priority: -5,
        securityContext: { supplementalGroups: [1000, 2000], runAsUser: 1000 },
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }],
            },
          },
        },
      },
      status: {},
    });
  });

  it('keeps Go pointers at zero and non-omitempty fields, drops zero non-pointers (Deployment)', () => {
    const got = decode(body('apps/v1', 'Deployment',
      meta(str(1, 'web')),
      msg(2, int(1, 0), msg(2, strEntry(1, 'app', 'web')),
        msg(3, meta(), msg(2, msg(2, str(1, ''), str(2, 'nginx'), msg(8)))),
        msg(4, str(1, 'RollingUpdate'), msg(2, intOrStr(1, '25%'), intOrStr(2, 1))),
        int(5, 0), int(6, 0), bool(7, false), int(9, 600)),
      msg(3, int(1, 0), int(2, 0), int(3, 0), int(7, 0), int(4, 0), int(5, 0))));
    assert.deepEqual(got, {
      kind: 'Deployment', apiVersion: 'apps/v1',
      metadata: { name: 'web' },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        // Container.name has no omitempty in Go: kept even when empty.
        template: { metadata: {}, spec: { containers: [{ name: '', image: 'nginx', resources: {} }] } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 1 } },
        revisionHistoryLimit: 0,
        progressDeadlineSeconds: 600,
      },
      status: {},
    });
  });

  it('decodes a Service with session affinity and pointer booleans', () => {
    const got = decode(body('v1', 'Service',
      meta(str(1, 's')),
      msg(2, msg(1, str(1, ''), str(2, 'TCP'), int(3, 80), intOrStr(4, 8080), int(5, 0)), strEntry(2, 'app', 's'),
        str(3, ''), str(4, 'LoadBalancer'), str(7, 'ClientIP'), int(12, 0), bool(13, false),
        msg(14, msg(1, int(1, 10800))), bool(20, false), str(22, 'Cluster')),
      msg(3, msg(1))));
    assert.deepEqual(got, {
      kind: 'Service', apiVersion: 'v1',
      metadata: { name: 's' },
      spec: {
        ports: [{ protocol: 'TCP', port: 80, targetPort: 8080 }], selector: { app: 's' }, type: 'LoadBalancer',
        sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
        allocateLoadBalancerNodePorts: false, internalTrafficPolicy: 'Cluster',
      },
      status: { loadBalancer: {} },
    });
  });

  it('decodes an Event: Time, MicroTime and the Go zero time', () => {
    const got = decode(body('v1', 'Event',
      meta(str(1, 'e')),
      msg(2, str(1, 'Pod'), str(2, 'default'), str(3, 'p'), str(4, ''), str(5, 'v1'), str(6, ''), str(7, '')),
      str(3, 'Started'), str(4, 'ok'), msg(5, str(1, 'kubelet'), str(2, '')),
      time(6, 1700000000), time(7, -62135596800), int(8, 2), str(9, 'Normal'), time(10, 1700000000, 123456789),
      str(12, ''), str(14, ''), str(15, '')));
    assert.deepEqual(got, {
      kind: 'Event', apiVersion: 'v1',
      metadata: { name: 'e' },
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'p', apiVersion: 'v1' },
      reason: 'Started', message: 'ok', source: { component: 'kubelet' },
      firstTimestamp: '2023-11-14T22:13:20Z', count: 2, type: 'Normal', eventTime: '2023-11-14T22:13:20.123456Z',
    });
  });

  it('decodes Node status: quantity maps, addresses, conditions, daemon endpoints', () => {
    const got = decode(body('v1', 'Node',
      meta(str(1, 'n1')),
      msg(2, str(1, '10.0.0.0/24'), str(7, '10.0.0.0/24'), str(3, ''), bool(4, true),
        msg(5, str(1, 'k'), str(2, ''), str(3, 'NoSchedule'))),
      msg(3, entry(1, 'cpu', quantity(2, '4')), entry(1, 'pods', msg(2)), str(3, ''),
        msg(4, str(1, 'Ready'), str(2, 'True'), time(3, 1700000000), msg(4), str(5, 'KubeletReady'), str(6, '')),
        msg(5, str(1, 'InternalIP'), str(2, '192.0.2.1')),
        msg(6, msg(1, int(1, 10250))),
        msg(7, str(1, 'm'), str(2, ''), str(3, ''), str(4, ''), str(5, ''), str(6, ''), str(7, 'v1.32.0'), str(8, ''),
          str(9, 'linux'), str(10, 'amd64')))));
    assert.deepEqual(got, {
      kind: 'Node', apiVersion: 'v1',
      metadata: { name: 'n1' },
      spec: { podCIDR: '10.0.0.0/24', podCIDRs: ['10.0.0.0/24'], unschedulable: true, taints: [{ key: 'k', effect: 'NoSchedule' }] },
      status: {
        capacity: { cpu: '4', pods: '0' },
        conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2023-11-14T22:13:20Z', reason: 'KubeletReady' }],
        addresses: [{ type: 'InternalIP', address: '192.0.2.1' }],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        // NodeSystemInfo's strings have no omitempty: Go prints them even when empty.
        nodeInfo: {
          machineID: 'm', systemUUID: '', bootID: '', kernelVersion: '', osImage: '', containerRuntimeVersion: '',
          kubeletVersion: 'v1.32.0', kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'amd64',
        },
      },
    });
  });

  it('decodes EndpointSlice and Endpoints', () => {
    const slice = decode(body('discovery.k8s.io/v1', 'EndpointSlice',
      meta(str(1, 's-abc')),
      msg(2, str(1, '10.1.0.5'), msg(2, bool(1, true), bool(2, true), bool(3, false)), msg(4, str(1, 'Pod'), str(3, 'p')), str(6, 'n1')),
      msg(3, str(1, 'http'), str(2, 'TCP'), int(3, 8080)),
      str(4, 'IPv4')));
    assert.deepEqual(slice, {
      kind: 'EndpointSlice', apiVersion: 'discovery.k8s.io/v1',
      metadata: { name: 's-abc' },
      endpoints: [{
        addresses: ['10.1.0.5'], conditions: { ready: true, serving: true, terminating: false },
        targetRef: { kind: 'Pod', name: 'p' }, nodeName: 'n1',
      }],
      ports: [{ name: 'http', protocol: 'TCP', port: 8080 }],
      addressType: 'IPv4',
    });
    const eps = decode(body('v1', 'Endpoints', meta(str(1, 's')),
      msg(2, msg(1, str(1, '10.1.0.5'), str(3, '')), msg(3, str(1, ''), int(2, 8080), str(3, 'TCP')))));
    assert.deepEqual(eps, {
      kind: 'Endpoints', apiVersion: 'v1', metadata: { name: 's' },
      subsets: [{ addresses: [{ ip: '10.1.0.5' }], ports: [{ port: 8080, protocol: 'TCP' }] }],
    });
  });

  it('decodes ReplicaSet, Scale and Binding', () => {
    const rs = decode(body('apps/v1', 'ReplicaSet', meta(str(1, 'rs')), msg(2, int(1, 3), int(4, 0), msg(2)), msg(3, int(1, 0), int(2, 0))));
    // ReplicaSetStatus.replicas has no omitempty.
    assert.deepEqual(rs, {
      kind: 'ReplicaSet', apiVersion: 'apps/v1', metadata: { name: 'rs' }, spec: { replicas: 3, selector: {} }, status: { replicas: 0 },
    });
    const scale = decode(body('autoscaling/v1', 'Scale', meta(str(1, 'web')), msg(2, int(1, 0)), msg(3, int(1, 2), str(2, 'app=web'))));
    assert.deepEqual(scale, {
      kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'web' }, spec: {}, status: { replicas: 2, selector: 'app=web' },
    });
    const binding = decode(body('v1', 'Binding', meta(str(1, 'p')), msg(2, str(1, 'Node'), str(2, ''), str(3, 'n1'))));
    assert.deepEqual(binding, { kind: 'Binding', apiVersion: 'v1', metadata: { name: 'p' }, target: { kind: 'Node', name: 'n1' } });
  });

  it('decodes ConfigMap and Secret: string and bytes maps (bytes as base64), pointer booleans', () => {
    const bytes = (num: number, key: string, b: number[]): Bytes => entry(num, key, lenField(2, b));
    const cm = decode(body('v1', 'ConfigMap', meta(str(1, 'cfg')), strEntry(2, 'mode', 'prod'), bytes(3, 'bin', [0, 1, 255]), bool(4, false)));
    assert.deepEqual(cm, { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'cfg' }, data: { mode: 'prod' }, binaryData: { bin: 'AAH/' }, immutable: false });
    const sec = decode(body('v1', 'Secret', meta(str(1, 's')), bytes(2, 'password', [...Buffer.from('pw')]), str(3, 'Opaque'), strEntry(4, 'user', 'u')));
    assert.deepEqual(sec, { kind: 'Secret', apiVersion: 'v1', metadata: { name: 's' }, data: { password: 'cHc=' }, type: 'Opaque', stringData: { user: 'u' } });
  });

  it('decodes DeleteOptions under any group version, keeping pointer zeros', () => {
    for (const apiVersion of ['v1', 'meta.k8s.io/v1', 'apps/v1']) {
      const got = decode(body(apiVersion, 'DeleteOptions', int(1, 0), msg(2, str(1, 'u-1')), str(4, 'Background'), str(5, 'All')));
      assert.deepEqual(got, {
        kind: 'DeleteOptions', apiVersion, gracePeriodSeconds: 0, preconditions: { uid: 'u-1' }, propagationPolicy: 'Background', dryRun: ['All'],
      });
    }
  });
});

describe('malformed bodies', () => {
  const raw = (...b: Bytes[]) => Uint8Array.from([...MAGIC, ...b.flat()]);
  const cases: { name: string; body: Uint8Array; want: RegExp }[] = [
    { name: 'JSON instead of protobuf', body: new TextEncoder().encode('{"kind":"Pod"}'), want: /prefix/ },
    { name: 'empty body', body: new Uint8Array(0), want: /prefix/ },
    { name: 'truncated varint', body: raw([0x08, 0x80]), want: /truncated varint/ },
    { name: 'length past the end', body: raw([0x0a, 0x10, 0x01]), want: /runs past the end/ },
    { name: 'wire type 3 (groups)', body: raw([0x0b]), want: /unsupported wire type 3/ },
    { name: 'no type meta', body: raw(msg(2)), want: /no apiVersion\/kind/ },
    { name: 'unknown kind', body: body('v1', 'ServiceAccount', meta()), want: /no protobuf support for v1 ServiceAccount/ },
    { name: 'content encoding', body: raw(msg(1, str(1, 'v1'), str(2, 'Pod')), str(3, 'gzip')), want: /contentEncoding "gzip"/ },
    { name: 'metadata as a varint', body: body('v1', 'Pod', int(1, 5)), want: /Pod\.metadata: got wire type varint, want length-delimited/ },
    { name: 'string as a varint', body: body('v1', 'Pod', msg(1, int(1, 5))), want: /ObjectMeta\.name: got wire type varint/ },
    { name: 'truncated nested message', body: body('v1', 'Pod', [0x0a, 0x05, 0x0a, 0x09, 0x61]), want: /runs past the end/ },
    { name: 'bad IntOrString type', body: body('v1', 'Service', msg(2, msg(1, msg(4, int(1, 7))))), want: /IntOrString: unknown type 7/ },
    { name: 'fieldsV1 not JSON', body: body('v1', 'Pod', msg(1, msg(17, msg(7, str(1, '{'))))), want: /fieldsV1 is not JSON/ },
  ];
  for (const c of cases) it(c.name, () => assert.match(protobufError(c.body), c.want));
});

describe('isProtobufContentType', () => {
  it('matches the media type with or without parameters', () => {
    assert.equal(isProtobufContentType('application/vnd.kubernetes.protobuf'), true);
    assert.equal(isProtobufContentType('application/vnd.kubernetes.protobuf; charset=utf-8'), true);
    assert.equal(isProtobufContentType('application/json'), false);
    assert.equal(isProtobufContentType(undefined), false);
  });
});
