// Invalid Services through the real kubectl: the 422 Status carries Kubernetes'
// field paths and wording (plus kubesvc's hints), kubectl prints
// `The Service "x" is invalid: ...`, and nothing is stored or allocated.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { suiteServer } from '../support/server.js';
import { kubectlSession, type KubectlSession } from '../support/kubectl-session.js';
import { type StatusBody } from '../support/http.js';

interface Case {
  name: string;
  spec: Record<string, unknown>;
  /** Every line kubectl must print (one field error each), as regexps on the whole stderr. */
  errors: RegExp[];
  /** field paths in details.causes, in order */
  fields: string[];
}

const cases: Case[] = [
  {
    name: 'val-matchlabels',
    spec: { selector: { matchLabels: { app: 'web' } }, ports: [{ port: 80 }] },
    errors: [/spec\.selector: Invalid value: .*matchLabels.*: a Service selector is a plain map of label keys to values, not a label selector; write "selector: \{app: web\}" instead of "selector: \{matchLabels: \{app: web\}\}"/],
    fields: ['spec.selector'],
  },
  {
    name: 'val-no-port',
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', targetPort: 8080 }] },
    errors: [/spec\.ports\[0\]\.port: Required value/],
    fields: ['spec.ports[0].port'],
  },
  {
    name: 'val-dup-names',
    spec: { selector: { app: 'web' }, ports: [{ name: 'web', port: 80 }, { name: 'web', port: 81 }] },
    errors: [/spec\.ports\[1\]\.name: Duplicate value: "web"/],
    fields: ['spec.ports[1].name'],
  },
  {
    name: 'val-unnamed-ports',
    spec: { selector: { app: 'web' }, ports: [{ port: 80 }, { port: 81 }] },
    errors: [/spec\.ports\[0\]\.name: Required value/, /spec\.ports\[1\]\.name: Required value/],
    fields: ['spec.ports[0].name', 'spec.ports[1].name'],
  },
  {
    name: 'val-protocol',
    spec: { selector: { app: 'web' }, ports: [{ port: 80, protocol: 'HTTP' }] },
    errors: [/spec\.ports\[0\]\.protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"/],
    fields: ['spec.ports[0].protocol'],
  },
  {
    name: 'val-nodeport-clusterip',
    spec: { type: 'ClusterIP', selector: { app: 'web' }, ports: [{ port: 80, nodePort: 30080 }] },
    errors: [/spec\.ports\[0\]\.nodePort: Forbidden: may not be used when `type` is 'ClusterIP'/],
    fields: ['spec.ports[0].nodePort'],
  },
  {
    name: 'val-affinity-zero',
    spec: { selector: { app: 'web' }, sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } }, ports: [{ port: 80 }] },
    errors: [/spec\.sessionAffinityConfig\.clientIP\.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400/],
    fields: ['spec.sessionAffinityConfig.clientIP.timeoutSeconds'],
  },
  {
    name: 'val-port-range',
    spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 70000 }] },
    errors: [/spec\.ports\[0\]\.targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive/],
    fields: ['spec.ports[0].targetPort'],
  },
  {
    name: 'val-externalname-missing',
    spec: { type: 'ExternalName' },
    errors: [/spec\.externalName: Required value/],
    fields: ['spec.externalName'],
  },
  {
    name: 'val-headless-nodeport',
    spec: { type: 'NodePort', clusterIP: 'None', ports: [{ port: 80 }] },
    errors: [/spec\.clusterIPs\[0\]: Invalid value: "None": may not be set to 'None' for NodePort services/],
    fields: ['spec.clusterIPs[0]'],
  },
  {
    name: 'val-etp-clusterip',
    spec: { selector: { app: 'web' }, externalTrafficPolicy: 'Local', ports: [{ port: 80 }] },
    errors: [/spec\.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services/],
    fields: ['spec.externalTrafficPolicy'],
  },
];

describe('invalid Services through kubectl', { timeout: 90_000 }, () => {
  let k: KubectlSession;
  const sv = suiteServer();

  before(async () => {
    k = kubectlSession(sv.srv.kubeconfigPath);
  });
  after(async () => {
    await k?.close();
  });

  for (const c of cases) {
    test(`${c.name}: ${c.fields.join(', ')}`, async () => {
      const body = { apiVersion: 'v1', kind: 'Service', metadata: { name: c.name }, spec: c.spec };
      const r = await k.fails(['apply', '-f', k.file(`${c.name}.json`, JSON.stringify(body))]);
      assert.match(r.stderr, new RegExp(`^The Service "${c.name}" is invalid: `), r.stderr);
      for (const e of c.errors) assert.match(r.stderr, e, r.stderr);
      if (c.errors.length > 1) for (const f of c.fields) assert.match(r.stderr, new RegExp(`^\\* ${f.replace(/[.[\]]/g, '\\$&')}: `, 'm'), 'one bullet per error');
      // the raw Status
      const res = await sv.api.request('POST', '/api/v1/namespaces/default/services', { body });
      assert.equal(res.status, 422, res.text);
      const st = res.json<StatusBody>();
      assert.deepEqual([st.kind, st.status, st.reason, st.code], ['Status', 'Failure', 'Invalid', 422]);
      assert.deepEqual([st.details?.name, st.details?.kind], [c.name, 'Service']);
      assert.deepEqual(st.details?.causes?.map((x) => x.field), c.fields);
      assert.match((await k.fails(['get', 'svc', c.name])).stderr, /NotFound/, 'nothing stored');
    });
  }

  test('the same rules hold on update (kubectl patch)', async () => {
    await k.ok(['apply', '-f', k.file('val-upd.json', JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'val-upd' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } }))]);
    let r = await k.fails(['patch', 'svc', 'val-upd', '-p', '{"spec":{"sessionAffinity":"ClientIP","sessionAffinityConfig":{"clientIP":{"timeoutSeconds":86401}}}}']);
    assert.match(r.stderr, /The Service "val-upd" is invalid: spec\.sessionAffinityConfig\.clientIP\.timeoutSeconds: Invalid value: 86401: must be greater than 0 and less than 86400/, r.stderr);
    r = await k.fails(['patch', 'svc', 'val-upd', '--type=merge', '-p', '{"spec":{"selector":{"matchLabels":{"app":"web"}}}}']);
    assert.match(r.stderr, /The Service "val-upd" is invalid: spec\.selector: .*plain map/, r.stderr);
  });

  test('invalid nodePort requests allocate nothing', async () => {
    // a valid nodePort request in an otherwise invalid object: rejected, and 30090 stays free
    const bad = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'val-np' }, spec: { type: 'NodePort', ports: [{ name: 'a', port: 80, nodePort: 30090 }, { name: 'b', port: 81, protocol: 'BOGUS' }] } };
    await k.fails(['apply', '-f', k.file('val-np.json', JSON.stringify(bad))]);
    const good = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'val-np-ok' }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30090 }] } };
    await k.ok(['apply', '-f', k.file('val-np-ok.json', JSON.stringify(good))]);
  });
});
