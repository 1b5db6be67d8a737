// /openapi/v2 with the real kubectl: a `kind: List` document (what `kubectl get a b -o yaml`
// prints) is validated client-side against the v2 definitions, because kubectl 1.32 never
// sends fieldValidation for v1/List. Also the HTTP contract: protobuf, JSON, ETag, 404.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseYaml, stringify } from 'yaml';
import { suiteServer } from '../support/server.js';
import { kubectlRunner, type KubectlResult } from '../support/kubectl.js';

const PB_ACCEPT = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
const PB_CONTENT_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

type Obj = Record<string, any>;

describe('openapi v2 and kubectl', { timeout: 120_000 }, () => {
  let kubectl: ReturnType<typeof kubectlRunner>;
  const sv = suiteServer();
  const ok = async (args: string[], input?: string): Promise<string> => {
    const r: KubectlResult = await kubectl(args, { input });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    kubectl = kubectlRunner(sv.srv.kubeconfigPath);
    await ok(['create', 'service', 'clusterip', 'a', '--tcp=80:8080']);
    await ok(['create', 'service', 'clusterip', 'b', '--tcp=81:8081']);
  });

  test('GET /openapi/v2: protobuf with ETag and 304, JSON on request, 404 otherwise', async () => {
    const pb = await sv.api.request('GET', '/openapi/v2', { headers: { Accept: PB_ACCEPT } });
    assert.equal(pb.status, 200);
    assert.equal(pb.headers['content-type'], PB_CONTENT_TYPE);
    assert.match(String(pb.headers.etag), /^"[0-9A-F]{128}"$/);
    assert.ok(Number(pb.headers['content-length']) > 10_000);
    const again = await sv.api.request('GET', '/openapi/v2', { headers: { Accept: PB_ACCEPT, 'If-None-Match': String(pb.headers.etag) } });
    assert.equal(again.status, 304);
    assert.equal(again.text, '');

    const json = await sv.api.request('GET', '/openapi/v2', { headers: { Accept: 'application/json' } });
    assert.equal(json.status, 200);
    assert.equal(json.headers['content-type'], 'application/json');
    const doc = json.json<Obj>();
    assert.equal(doc.swagger, '2.0');
    assert.ok(doc.definitions['io.k8s.api.core.v1.Service']);
    assert.notEqual(json.headers.etag, pb.headers.etag);

    const other = await sv.api.request('GET', '/openapi/v2', { headers: { Accept: '*/*' } });
    assert.equal(other.status, 404);
    assert.equal(other.json<Obj>().reason, 'NotFound');
    const anon = await sv.api.request('GET', '/openapi/v2', { headers: { Accept: PB_ACCEPT }, token: null });
    assert.equal(anon.status, 401);
  });

  test('kubectl get svc a b -o yaml | kubectl apply -f - succeeds', async () => {
    const list = await ok(['get', 'svc', 'a', 'b', '-o', 'yaml']);
    assert.equal(parseYaml(list).kind, 'List');
    const out = await ok(['apply', '-f', '-'], list);
    assert.match(out, /^service\/a (configured|unchanged)$/m);
    assert.match(out, /^service\/b (configured|unchanged)$/m);
    // Again from a fresh listing (it carries the new resourceVersion, so the recorded
    // last-applied configuration changes, as on a real cluster).
    const out2 = await ok(['apply', '-f', '-'], await ok(['get', 'svc', 'a', 'b', '-o', 'yaml']));
    assert.match(out2, /^service\/a (configured|unchanged)$/m);
    assert.match(out2, /^service\/b (configured|unchanged)$/m);
  });

  test('a List with an unknown field fails client-side validation before anything is applied', async () => {
    const list = parseYaml(await ok(['get', 'svc', 'a', 'b', '-o', 'yaml'])) as Obj;
    const [a, b] = list.items as Obj[];
    a.metadata.labels = { ...a.metadata.labels, touched: 'label-1' };
    b.spec.foo = 'bar';
    const r = await kubectl(['apply', '-f', '-'], { input: stringify(list) });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /error validating "STDIN": error validating data: ValidationError\(Service\.spec\): unknown field "foo" in io\.k8s\.api\.core\.v1\.ServiceSpec/);
    assert.equal(r.stdout, '');
    const now = JSON.parse(await ok(['get', 'svc', 'a', '-o', 'json'])) as Obj;
    assert.equal(now.metadata.labels?.touched, undefined, 'the valid item was not applied either');

    // --validate=false skips the v2 check (kubectl sends fieldValidation=Ignore): both are applied.
    const r2 = await kubectl(['apply', '--validate=false', '-f', '-'], { input: stringify(list) });
    assert.equal(r2.code, 0, r2.stderr);
    const applied = JSON.parse(await ok(['get', 'svc', 'a', 'b', '-o', 'json'])) as Obj;
    assert.equal(applied.items[0].metadata.labels?.touched, 'label-1');
    assert.equal(applied.items[1].spec.foo, undefined);
  });

  test('kubectl explain keeps working (v3), and the v2 form explains too', async () => {
    const v3 = await ok(['explain', 'svc.spec.ports']);
    assert.match(v3, /FIELD: ports <\[\]ServicePort>/);
    assert.match(v3, /targetPort\s+<IntOrString>/);
    const v2 = await ok(['explain', 'svc.spec.ports', '--output=plaintext-openapiv2']);
    assert.match(v2, /RESOURCE: ports <\[\]Object>/);
    assert.match(v2, /port\s+<integer> -required-/);
    assert.match(v2, /targetPort\s+<string>/);
    const deploy = await ok(['explain', 'deployment.spec.strategy', '--recursive', '--output=plaintext-openapiv2']);
    assert.match(deploy, /maxSurge\s+<string>/);
  });
});
