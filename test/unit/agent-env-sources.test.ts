// Container environment from ConfigMaps and Secrets (envFrom, configMapKeyRef,
// secretKeyRef), as the kubelet builds it: precedence, optional sources, the
// kubelet's error messages, and which names a container makes the agent fetch.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { containerEnv, EnvSourceError, type EnvSources } from '../../src/agent/pod/envvars.js';
import { decodeSecretData, envSourceRefs } from '../../src/agent/pod/env-sources.js';

const pod = { metadata: { name: 'p', namespace: 'web', uid: 'u1' }, spec: {} };
const ctx = { pod, podIPs: ['10.244.1.5'], hostIPs: ['172.30.0.11'], nodeAllocatable: { cpu: '4', memory: '1Gi' } };
const sources = (cms: Record<string, Record<string, string>>, secs: Record<string, Record<string, string>> = {}): EnvSources => ({
  configMap: (n) => cms[n] ?? null,
  secret: (n) => secs[n] ?? null,
});
const envOf = (c: any, s: EnvSources, svc = [{ name: 'WEB_SERVICE_HOST', value: '10.96.0.20' }]): Record<string, string> =>
  Object.fromEntries(containerEnv(c, ctx, svc, s).map((e) => [e.name, e.value]));

describe('container env from ConfigMaps and Secrets', () => {
  const s = sources({ cfg: { MODE: 'prod', LEVEL: 'debug', WEB_SERVICE_HOST: 'from-cm' }, other: { MODE: 'staging' } }, { db: { password: 's3cret' } });

  it('envFrom in order (a later source wins), env over envFrom, envFrom over service variables', () => {
    const env = envOf({
      envFrom: [{ configMapRef: { name: 'cfg' } }, { configMapRef: { name: 'other' } }, { prefix: 'DB_', secretRef: { name: 'db' } }],
      env: [{ name: 'LEVEL', value: 'info' }],
    }, s);
    assert.equal(env.MODE, 'staging');
    assert.equal(env.LEVEL, 'info');
    assert.equal(env.DB_password, 's3cret');
    assert.equal(env.WEB_SERVICE_HOST, 'from-cm');
  });

  it('configMapKeyRef and secretKeyRef; $(VAR) sees envFrom variables', () => {
    const env = envOf({
      envFrom: [{ configMapRef: { name: 'cfg' } }],
      env: [
        { name: 'PASS', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
        { name: 'M', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'MODE' } } },
        { name: 'URL', value: 'db://$(MODE):$(PASS)' },
      ],
    }, s);
    assert.deepEqual([env.PASS, env.M, env.URL], ['s3cret', 'prod', 'db://prod:s3cret']);
  });

  const failures = [
    { name: 'missing ConfigMap', c: { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'a' } } }] }, msg: 'configmap "nope" not found' },
    { name: 'missing Secret (envFrom)', c: { envFrom: [{ secretRef: { name: 'nope' } }] }, msg: 'secret "nope" not found' },
    { name: 'missing ConfigMap key', c: { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'absent' } } }] }, msg: "couldn't find key absent in ConfigMap web/cfg" },
    { name: 'a key named like an Object method is still missing', c: { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'constructor' } } }] }, msg: "couldn't find key constructor in ConfigMap web/cfg" },
    { name: 'missing Secret key', c: { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'db', key: 'user' } } }] }, msg: "couldn't find key user in Secret web/db" },
  ];
  for (const f of failures) {
    it(`${f.name}: fails in the kubelet's words`, () => {
      assert.throws(() => containerEnv(f.c, ctx, [], s), (e: Error) => e instanceof EnvSourceError && e.message === f.msg);
    });
  }

  it('optional sources and keys that are absent leave the variable out', () => {
    const env = envOf({
      envFrom: [{ configMapRef: { name: 'nope', optional: true } }],
      env: [
        { name: 'A', valueFrom: { configMapKeyRef: { name: 'nope', key: 'a', optional: true } } },
        { name: 'B', valueFrom: { secretKeyRef: { name: 'db', key: 'user', optional: true } } },
        { name: 'C', value: 'c' },
      ],
    }, s);
    assert.deepEqual(Object.keys(env).sort(), ['C', 'WEB_SERVICE_HOST']);
  });

  it('envFrom passes every key, even one that is no C identifier (the kubelet filters none since 1.30)', () => {
    const env = containerEnv({ envFrom: [{ prefix: 'p.', configMapRef: { name: 'odd' } }] }, ctx, [], sources({ odd: { '1st': '1', 'a.b': '2' } }));
    assert.deepEqual(env, [{ name: 'p.1st', value: '1' }, { name: 'p.a.b', value: '2' }]);
  });

  it('envSourceRefs: the distinct names env and envFrom refer to; none for a plain container', () => {
    assert.deepEqual(envSourceRefs({
      envFrom: [{ configMapRef: { name: 'a' } }, { secretRef: { name: 's' } }],
      env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'a', key: 'k' } } }, { name: 'Y', valueFrom: { configMapKeyRef: { name: 'b', key: 'k' } } }, { name: 'Z', value: 'z' }],
    }), { configMaps: ['a', 'b'], secrets: ['s'] });
    assert.deepEqual(envSourceRefs({ env: [{ name: 'Z', value: 'z' }] }), { configMaps: [], secrets: [] });
  });

  it('decodeSecretData: base64 values as UTF-8 text', () => {
    assert.deepEqual(decodeSecretData({ p: Buffer.from('pä$$').toString('base64') }), { p: 'pä$$' });
  });
});
