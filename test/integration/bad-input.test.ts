// Raw HTTPS against kubesvc: every kind of bad request gets the Kubernetes Status
// error and leaves nothing half-written; plus watch and paging semantics.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startTestServer, suiteServer } from '../support/server.js';
import { apiClient, nameOf, rvOf, type StatusBody, type WatchEventLine } from '../support/http.js';

const NS = 'bad';
const svcPath = (name = ''): string => `/api/v1/namespaces/${NS}/services${name ? `/${name}` : ''}`;

function svc(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80 }], ...extra } };
}

function assertStatus(body: StatusBody, code: number, reason: string): void {
  assert.equal(body.kind, 'Status', JSON.stringify(body));
  assert.equal(body.apiVersion, 'v1');
  assert.deepEqual(body.metadata, {});
  assert.equal(body.status, 'Failure');
  assert.equal(body.code, code, JSON.stringify(body));
  assert.equal(body.reason, reason, JSON.stringify(body));
  assert.equal(typeof body.message, 'string');
}

describe('bad input gets Kubernetes errors and writes nothing', { timeout: 60_000 }, () => {
  const sv = suiteServer();

  async function names(path: string): Promise<string[]> {
    const r = await sv.api.request('GET', path);
    assert.equal(r.status, 200, r.text);
    return r.json<{ items: { metadata: { name: string } }[] }>().items.map((i) => i.metadata.name).sort();
  }
  async function assertAbsent(path: string, name: string): Promise<void> {
    assert.ok(!(await names(path)).includes(name), `${name} must not exist after a failed write`);
  }

  before(async () => {
    const r = await sv.api.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } } });
    assert.equal(r.status, 201, r.text);
  });

  test('malformed JSON → 400', async () => {
    const r = await sv.api.request('POST', svcPath(), { body: '{"apiVersion":"v1","kind":"Service","metadata":{"name":"bad-json"', contentType: 'application/json' });
    assert.equal(r.status, 400, r.text);
    assert.match(String(r.headers['content-type']), /^application\/json/);
    assertStatus(r.json<StatusBody>(), 400, 'BadRequest');
    await assertAbsent(svcPath(), 'bad-json');
    const notObject = await sv.api.request('POST', svcPath(), { body: '[1,2,3]' });
    assert.equal(notObject.status, 400, notObject.text);
    assertStatus(notObject.json<StatusBody>(), 400, 'BadRequest');
  });

  test('malformed YAML → 400', async () => {
    const r = await sv.api.request('POST', svcPath(), { body: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: bad-yaml\n spec: [\n', contentType: 'application/yaml' });
    assert.equal(r.status, 400, r.text);
    assertStatus(r.json<StatusBody>(), 400, 'BadRequest');
    await assertAbsent(svcPath(), 'bad-yaml');
    // well-formed YAML is accepted
    const ok = await sv.api.request('POST', svcPath(), { body: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: good-yaml\nspec:\n  ports:\n  - port: 80\n', contentType: 'application/yaml' });
    assert.equal(ok.status, 201, ok.text);
  });

  test('an unsupported content type → 415', async () => {
    const r = await sv.api.request('POST', svcPath(), { body: JSON.stringify(svc('bad-ct')), contentType: 'text/plain' });
    assert.equal(r.status, 415, r.text);
    assertStatus(r.json<StatusBody>(), 415, 'UnsupportedMediaType');
    await assertAbsent(svcPath(), 'bad-ct');
  });

  test('wrong apiVersion or kind → 400', async () => {
    const wrongVersion = await sv.api.request('POST', svcPath(), { body: { ...svc('bad-version'), apiVersion: 'apps/v1' } });
    assert.equal(wrongVersion.status, 400, wrongVersion.text);
    assertStatus(wrongVersion.json<StatusBody>(), 400, 'BadRequest');
    const wrongKind = await sv.api.request('POST', svcPath(), { body: { ...svc('bad-kind'), kind: 'Pod' } });
    assert.equal(wrongKind.status, 400, wrongKind.text);
    assertStatus(wrongKind.json<StatusBody>(), 400, 'BadRequest');
    const unknownVersion = await sv.api.request('POST', svcPath(), { body: { ...svc('bad-v2'), apiVersion: 'v2' } });
    assert.equal(unknownVersion.status, 400, unknownVersion.text);
    await assertAbsent(svcPath(), 'bad-version');
    await assertAbsent(svcPath(), 'bad-kind');
    await assertAbsent(svcPath(), 'bad-v2');
    // a namespace in the body that differs from the URL
    const otherNs = await sv.api.request('POST', svcPath(), { body: { ...svc('bad-ns'), metadata: { name: 'bad-ns', namespace: 'default' } } });
    assert.equal(otherNs.status, 400, otherNs.text);
    assertStatus(otherNs.json<StatusBody>(), 400, 'BadRequest');
    assert.match(otherNs.json<StatusBody>().message, /the namespace of the provided object does not match the namespace sent on the request/);
    await assertAbsent(svcPath(), 'bad-ns');
  });

  test('invalid names → 422 with causes on metadata.name', async () => {
    const cases: [string, string, string, Record<string, unknown>][] = [
      ['/api/v1/namespaces', 'Namespace', 'Bad_NS', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'Bad_NS' } }],
      ['/api/v1/namespaces', 'Namespace', 'a.b', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a.b' } }],
      [svcPath(), 'Service', 'web.1', svc('web.1')],
      [svcPath(), 'Service', '1web', svc('1web')],
      [svcPath(), 'Service', 'Web', svc('Web')],
      [svcPath(), 'Service', 'x'.repeat(64), svc('x'.repeat(64))],
      [`/api/v1/namespaces/${NS}/pods`, 'Pod', 'Web_1', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'Web_1' }, spec: { containers: [{ name: 'c', image: 'x' }] } }],
      [`/api/v1/namespaces/${NS}/pods`, 'Pod', `${'a'.repeat(250)}.bcd`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: `${'a'.repeat(250)}.bcd` }, spec: { containers: [{ name: 'c', image: 'x' }] } }],
    ];
    for (const [path, kind, name, body] of cases) {
      const r = await sv.api.request('POST', path, { body });
      assert.equal(r.status, 422, `${kind} ${name}: ${r.text}`);
      const s = r.json<StatusBody>();
      assertStatus(s, 422, 'Invalid');
      assert.equal(s.details?.kind, kind);
      assert.equal(s.details?.name, name);
      assert.ok(s.details?.causes?.some((c) => c.field === 'metadata.name' && c.reason === 'FieldValueInvalid'), `${kind} ${name}: ${JSON.stringify(s.details)}`);
      assert.match(s.message, new RegExp(`^${kind} "${name.replace(/\./g, '\\.')}" is invalid: metadata\\.name: Invalid value: "`));
      await assertAbsent(path, name);
    }
    // a dotted pod name is a valid DNS subdomain
    const dotted = await sv.api.request('POST', `/api/v1/namespaces/${NS}/pods`, { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web.1' }, spec: { containers: [{ name: 'c', image: 'x' }] } } });
    assert.equal(dotted.status, 201, dotted.text);
    // several causes at once: bad name and bad port
    const multi = await sv.api.request('POST', svcPath(), { body: { ...svc('Bad.Name'), spec: { ports: [{ port: 0 }] } } });
    assert.equal(multi.status, 422, multi.text);
    const fields = multi.json<StatusBody>().details?.causes?.map((c) => c.field) ?? [];
    assert.ok(fields.includes('metadata.name') && fields.includes('spec.ports[0].port'), JSON.stringify(fields));
    // missing name
    const noName = await sv.api.request('POST', svcPath(), { body: { apiVersion: 'v1', kind: 'Service', metadata: {}, spec: { ports: [{ port: 80 }] } } });
    assert.equal(noName.status, 422, noName.text);
    assert.ok(noName.json<StatusBody>().details?.causes?.some((c) => c.field === 'metadata.name' && c.reason === 'FieldValueRequired'));
  });

  test('a body over 3 MiB → 413', async () => {
    const big = svc('too-big');
    (big.metadata as Record<string, unknown>).annotations = { blob: 'x'.repeat(3 * 1024 * 1024 + 1024) };
    const r = await sv.api.request('POST', svcPath(), { body: big });
    assert.equal(r.status, 413, r.text.slice(0, 300));
    assertStatus(r.json<StatusBody>(), 413, 'RequestEntityTooLarge');
    assert.match(r.json<StatusBody>().message, /limit is 3145728/);
    await assertAbsent(svcPath(), 'too-big');
    // just under the limit is fine as far as the size goes (annotations have their own 256 KiB limit → 422)
    const mid = svc('big-annotations');
    (mid.metadata as Record<string, unknown>).annotations = { blob: 'x'.repeat(300 * 1024) };
    const m = await sv.api.request('POST', svcPath(), { body: mid });
    assert.equal(m.status, 422, m.text.slice(0, 300));
    assert.ok(m.json<StatusBody>().details?.causes?.some((c) => c.field === 'metadata.annotations'));
    await assertAbsent(svcPath(), 'big-annotations');
  });

  test('unknown fields: Strict → 400 naming the field, Warn → 201 + Warning, Ignore → 201', async () => {
    const body = (name: string): Record<string, unknown> => ({ ...svc(name), spec: { ports: [{ port: 80 }], foo: 'bar' } });
    const strict = await sv.api.request('POST', `${svcPath()}?fieldValidation=Strict`, { body: body('uf-strict') });
    assert.equal(strict.status, 400, strict.text);
    const s = strict.json<StatusBody>();
    assertStatus(s, 400, 'BadRequest');
    assert.match(s.message, /strict decoding error: unknown field "spec\.foo"/);
    await assertAbsent(svcPath(), 'uf-strict');
    const warn = await sv.api.request('POST', `${svcPath()}?fieldValidation=Warn`, { body: body('uf-warn') });
    assert.equal(warn.status, 201, warn.text);
    assert.match(String(warn.headers.warning), /^299 - "unknown field \\?"spec\.foo\\?""$/);
    assert.equal((warn.json<{ spec: Record<string, unknown> }>().spec).foo, undefined, 'the unknown field is dropped');
    const ignore = await sv.api.request('POST', `${svcPath()}?fieldValidation=Ignore`, { body: body('uf-ignore') });
    assert.equal(ignore.status, 201, ignore.text);
    assert.equal(ignore.headers.warning, undefined);
    const dflt = await sv.api.request('POST', svcPath(), { body: body('uf-default') });
    assert.equal(dflt.status, 201, dflt.text);
    assert.match(String(dflt.headers.warning), /unknown field \\?"spec\.foo\\?"/, 'the default is Warn');
    // unknown fields in a patch under Strict
    const patch = await sv.api.request('PATCH', `${svcPath('uf-warn')}?fieldValidation=Strict`, { body: { metadata: { labels: { a: 'b' } }, spec: { bar: 1 } }, contentType: 'application/merge-patch+json' });
    assert.equal(patch.status, 400, patch.text);
    assert.match(patch.json<StatusBody>().message, /unknown field "spec\.bar"/);
    const after1 = await sv.api.request('GET', svcPath('uf-warn'));
    assert.equal(after1.json<{ metadata: { labels?: Record<string, string> } }>().metadata.labels?.a, undefined, 'a rejected patch changes nothing');
    // duplicate fields under Strict
    const dup = await sv.api.request('POST', `${svcPath()}?fieldValidation=Strict`, { body: '{"apiVersion":"v1","kind":"Service","metadata":{"name":"uf-dup","name":"uf-dup2"},"spec":{"ports":[{"port":80}]}}' });
    assert.equal(dup.status, 400, dup.text);
    assert.match(dup.json<StatusBody>().message, /duplicate field "metadata\.name"|duplicate field "name"/);
    await assertAbsent(svcPath(), 'uf-dup');
    await assertAbsent(svcPath(), 'uf-dup2');
    const badValue = await sv.api.request('POST', `${svcPath()}?fieldValidation=Bogus`, { body: svc('uf-bogus') });
    assert.equal(badValue.status, 400, badValue.text);
  });

  test('missing or wrong token → 401', async () => {
    for (const token of [null, 'wrong-token', '']) {
      const r = await sv.api.request('GET', svcPath(), { token });
      assert.equal(r.status, 401, `token ${JSON.stringify(token)}: ${r.text}`);
      assertStatus(r.json<StatusBody>(), 401, 'Unauthorized');
    }
    const write = await sv.api.request('POST', svcPath(), { body: svc('no-auth'), token: 'wrong-token' });
    assert.equal(write.status, 401);
    await assertAbsent(svcPath(), 'no-auth');
    const basic = await sv.api.request('GET', svcPath(), { token: null, headers: { Authorization: 'Basic YWRtaW46YWRtaW4=' } });
    assert.equal(basic.status, 401);
  });

  test('404 NotFound Status shape', async () => {
    const r = await sv.api.request('GET', svcPath('nope'));
    assert.equal(r.status, 404);
    assert.deepEqual(r.json(), {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'services "nope" not found', reason: 'NotFound', details: { name: 'nope', kind: 'services' }, code: 404,
    });
    const d = await sv.api.request('GET', `/apis/apps/v1/namespaces/${NS}/deployments/nope`);
    assert.equal(d.status, 404);
    assert.deepEqual(d.json(), {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'deployments.apps "nope" not found', reason: 'NotFound', details: { name: 'nope', group: 'apps', kind: 'deployments' }, code: 404,
    });
    const del = await sv.api.request('DELETE', svcPath('nope'));
    assert.equal(del.status, 404);
    assert.equal(del.json<StatusBody>().reason, 'NotFound');
    const noNs = await sv.api.request('POST', '/api/v1/namespaces/no-such-ns/services', { body: svc('x') });
    assert.equal(noNs.status, 404, noNs.text);
    assert.equal(noNs.json<StatusBody>().message, 'namespaces "no-such-ns" not found');
    const noResource = await sv.api.request('GET', '/api/v1/namespaces/default/widgets');
    assert.equal(noResource.status, 404);
  });

  test('409 AlreadyExists', async () => {
    assert.equal((await sv.api.request('POST', svcPath(), { body: svc('dup') })).status, 201);
    const before1 = await sv.api.request('GET', svcPath('dup'));
    const r = await sv.api.request('POST', svcPath(), { body: svc('dup', { ports: [{ port: 81 }] }) });
    assert.equal(r.status, 409, r.text);
    assert.deepEqual(r.json(), {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'services "dup" already exists', reason: 'AlreadyExists', details: { name: 'dup', kind: 'services' }, code: 409,
    });
    assert.deepEqual((await sv.api.request('GET', svcPath('dup'))).json(), before1.json(), 'the existing object is untouched');
  });

  test('409 Conflict on a stale resourceVersion', async () => {
    const created = await sv.api.request('POST', svcPath(), { body: svc('stale') });
    assert.equal(created.status, 201);
    const v1 = created.json<{ metadata: Record<string, unknown>; spec: Record<string, unknown> }>();
    const first = await sv.api.request('PUT', svcPath('stale'), { body: { ...v1, metadata: { ...v1.metadata, labels: { step: 'one' } } } });
    assert.equal(first.status, 200, first.text);
    const second = await sv.api.request('PUT', svcPath('stale'), { body: { ...v1, metadata: { ...v1.metadata, labels: { step: 'two' } } } });
    assert.equal(second.status, 409, second.text);
    const s = second.json<StatusBody>();
    assertStatus(s, 409, 'Conflict');
    assert.equal(s.message, 'Operation cannot be fulfilled on services "stale": the object has been modified; please apply your changes to the latest version and try again');
    assert.deepEqual(s.details, { name: 'stale', kind: 'services' });
    const now = await sv.api.request('GET', svcPath('stale'));
    assert.deepEqual(now.json<{ metadata: { labels: unknown } }>().metadata.labels, { step: 'one' });
    // a stale rv in a merge patch is also a conflict
    const p = await sv.api.request('PATCH', svcPath('stale'), { body: { metadata: { resourceVersion: v1.metadata.resourceVersion, labels: { step: 'three' } } }, contentType: 'application/merge-patch+json' });
    assert.equal(p.status, 409, p.text);
    // delete with a stale uid precondition
    const pre = await sv.api.request('DELETE', svcPath('stale'), { body: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: '00000000-0000-0000-0000-000000000000' } } });
    assert.equal(pre.status, 409, pre.text);
    assert.equal(pre.json<StatusBody>().reason, 'Conflict');
    assert.equal((await sv.api.request('GET', svcPath('stale'))).status, 200);
    // a uid in a PATCH or PUT body is a precondition too (the kubelet names the pod it means that way)
    const cur = (await sv.api.request('GET', svcPath('stale'))).json<{ metadata: Record<string, unknown> }>();
    const otherUid = '00000000-0000-0000-0000-000000000001';
    const up = await sv.api.request('PATCH', svcPath('stale'), { body: { metadata: { uid: otherUid, labels: { step: 'four' } } }, contentType: 'application/merge-patch+json' });
    assert.equal(up.status, 409, up.text);
    assert.match(up.json<StatusBody>().message, new RegExp(`Precondition failed: UID in precondition: ${otherUid}, UID in object meta: ${cur.metadata.uid}`));
    const put = await sv.api.request('PUT', svcPath('stale'), { body: { ...cur, metadata: { ...cur.metadata, uid: otherUid } } });
    assert.equal(put.status, 409, put.text);
    assert.equal(put.json<StatusBody>().reason, 'Conflict');
    const same = await sv.api.request('PATCH', svcPath('stale'), { body: { metadata: { uid: cur.metadata.uid, labels: { step: 'five' } } }, contentType: 'application/merge-patch+json' });
    assert.equal(same.status, 200, same.text);
    // PUT to a name that differs from the body
    const mismatch = await sv.api.request('PUT', svcPath('stale'), { body: { ...now.json<Record<string, unknown>>(), metadata: { ...now.json<{ metadata: Record<string, unknown> }>().metadata, name: 'other' } } });
    assert.equal(mismatch.status, 400, mismatch.text);
    assertStatus(mismatch.json<StatusBody>(), 400, 'BadRequest');
  });

  test('a failed create leaves the namespace listing exactly as before', async () => {
    const beforeNames = await names(svcPath());
    const attempts: [string, unknown, string?][] = [
      ['{"oops"', undefined],
      [JSON.stringify(svc('Nope.Nope')), undefined],
      [JSON.stringify({ ...svc('bad-port'), spec: { ports: [{ port: 70000 }] } }), undefined],
      [JSON.stringify({ ...svc('bad-type'), spec: { type: 'Bogus', ports: [{ port: 80 }] } }), undefined],
      [JSON.stringify({ ...svc('bad-ip'), spec: { clusterIP: '300.1.1.1', ports: [{ port: 80 }] } }), undefined],
    ];
    for (const [body] of attempts) {
      const r = await sv.api.request('POST', svcPath(), { body });
      assert.ok(r.status >= 400 && r.status < 500, `${body}: ${r.status} ${r.text}`);
    }
    assert.deepEqual(await names(svcPath()), beforeNames);
  });
});

describe('watch and list semantics over HTTP', { timeout: 90_000 }, () => {
  const sv = suiteServer();
  const ns = 'wsem';
  const pods = `/api/v1/namespaces/${ns}/endpoints`;
  const ep = (name: string, labels: Record<string, string> = {}): Record<string, unknown> => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name, labels } });
  async function create(name: string, labels?: Record<string, string>): Promise<number> {
    const r = await sv.api.request('POST', pods, { body: ep(name, labels) });
    assert.equal(r.status, 201, r.text);
    return rvOf(r.json());
  }

  before(async () => {
    assert.equal((await sv.api.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } })).status, 201);
  });

  test('watch from a resourceVersion sees only newer events', async () => {
    const rvA = await create('w-a', { w: '1' });
    const rvB = await create('w-b', { w: '1' });
    assert.ok(rvB > rvA);
    const w = await sv.api.watch(`${pods}?watch=true&labelSelector=w%3D1&resourceVersion=${rvA}`);
    try {
      assert.equal(w.status, 200);
      assert.match(String(w.headers['content-type']), /^application\/json/);
      const first = await w.next();
      assert.equal(first?.type, 'ADDED');
      assert.equal(nameOf(first!), 'w-b', 'w-a (at the given rv) is not replayed');
      await create('w-c', { w: '1' });
      const third = await w.next();
      assert.deepEqual([third?.type, nameOf(third!)], ['ADDED', 'w-c']);
      assert.ok(rvOf(third!.object) > rvB);
      const del = await sv.api.request('DELETE', `${pods}/w-c`);
      assert.equal(del.status, 200, del.text);
      const gone = await w.next();
      assert.deepEqual([gone?.type, nameOf(gone!)], ['DELETED', 'w-c']);
      assert.ok(rvOf(gone!.object) > rvOf(third!.object), 'the DELETED event carries the deletion revision');
      assert.deepEqual(await w.drain(300), []);
    } finally {
      w.close();
    }
  });

  test('rv=0 and no rv yield synthetic ADDED for existing objects first', async () => {
    for (const q of ['&resourceVersion=0', '']) {
      const w = await sv.api.watch(`${pods}?watch=true&labelSelector=w%3D1${q}`);
      try {
        const initial = await w.until((e) => e.type === 'ADDED' && nameOf(e) === 'w-b', 5000);
        const got = [...initial, ...(await w.drain(300))];
        assert.deepEqual(got.map((e) => `${e.type} ${nameOf(e)}`).sort(), ['ADDED w-a', 'ADDED w-b'], `q=${q}`);
        await sv.api.request('PATCH', `${pods}/w-a`, { body: { metadata: { annotations: { touched: q || 'none' } } }, contentType: 'application/merge-patch+json' });
        const mod = await w.next();
        assert.deepEqual([mod?.type, nameOf(mod!)], ['MODIFIED', 'w-a']);
      } finally {
        w.close();
      }
    }
  });

  test('a field selector on a watch: an object leaving the selection is DELETED for the watcher', async () => {
    await create('fs-1');
    const w = await sv.api.watch(`${pods}?watch=true&fieldSelector=metadata.name%3Dfs-1&resourceVersion=0`);
    try {
      const a = await w.next();
      assert.deepEqual([a?.type, nameOf(a!)], ['ADDED', 'fs-1']);
      await create('fs-2');
      assert.deepEqual(await w.drain(300), [], 'other names are filtered');
    } finally {
      w.close();
    }
    const lw = await sv.api.watch(`${pods}?watch=true&labelSelector=sel%3Dyes`);
    try {
      await sv.api.request('PATCH', `${pods}/fs-2`, { body: { metadata: { labels: { sel: 'yes' } } }, contentType: 'application/merge-patch+json' });
      const added = await lw.next();
      assert.deepEqual([added?.type, nameOf(added!)], ['ADDED', 'fs-2'], 'entering the selection is ADDED');
      await sv.api.request('PATCH', `${pods}/fs-2`, { body: { metadata: { labels: { sel: 'no' } } }, contentType: 'application/merge-patch+json' });
      const left = await lw.next();
      assert.deepEqual([left?.type, nameOf(left!)], ['DELETED', 'fs-2'], 'leaving the selection is DELETED');
    } finally {
      lw.close();
    }
  });

  test('allowWatchBookmarks sends BOOKMARK events; without it none', async () => {
    const rv = await create('bm-1');
    const w = await sv.api.watch(`${pods}?watch=true&allowWatchBookmarks=true&timeoutSeconds=4&resourceVersion=${rv}`);
    const events: WatchEventLine[] = [];
    for (;;) {
      const e = await w.next(8000);
      if (!e) break;
      events.push(e);
    }
    const bm = events.filter((e) => e.type === 'BOOKMARK');
    assert.ok(bm.length >= 1, `expected a bookmark before the 4 s timeout, saw ${JSON.stringify(events)}`);
    const obj = bm[0].object as { kind?: string; apiVersion?: string; metadata?: { resourceVersion?: string } };
    assert.equal(obj.kind, 'Endpoints');
    assert.equal(obj.apiVersion, 'v1');
    assert.ok(rvOf(obj) >= rv, 'the bookmark rv is at least the watch start');
    const plain = await sv.api.watch(`${pods}?watch=true&timeoutSeconds=3&resourceVersion=${rv}`);
    const plainEvents: WatchEventLine[] = [];
    for (;;) {
      const e = await plain.next(8000);
      if (!e) break;
      plainEvents.push(e);
    }
    assert.ok(!plainEvents.some((e) => e.type === 'BOOKMARK'), 'no bookmarks unless asked for');
  });

  test('timeoutSeconds closes the stream', async () => {
    const start = Date.now();
    const w = await sv.api.watch(`${pods}?watch=true&timeoutSeconds=2&resourceVersion=0`);
    await w.done;
    const took = Date.now() - start;
    assert.ok(took >= 1500 && took < 6000, `closed after ${took} ms`);
  });

  test('a too-old resourceVersion gets an ERROR event with 410 Expired', async () => {
    // The watch cache keeps 20,000 events per resource, too many to overrun quickly;
    // a restarted server has no history before its start, so an rv from before
    // the restart is too old, exactly as for a restarted kube-apiserver.
    const restartNs = 'restart';
    const dataSrv = await startTestServer();
    const dataApi = apiClient(dataSrv);
    let oldRv = 0;
    try {
      assert.equal((await dataApi.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: restartNs } } })).status, 201);
      for (let i = 0; i < 5; i++) {
        const r = await dataApi.request('POST', `/api/v1/namespaces/${restartNs}/endpoints`, { body: ep(`old-${i}`) });
        if (i === 0) oldRv = rvOf(r.json());
      }
      // more writes so that oldRv is not the newest revision
      for (let i = 0; i < 5; i++) {
        await dataApi.request('PATCH', `/api/v1/namespaces/${restartNs}/endpoints/old-0`, { body: { metadata: { labels: { i: String(i) } } }, contentType: 'application/merge-patch+json' });
      }
    } finally {
      dataApi.close();
      await dataSrv.close();
    }
    const again = await startTestServer({ dataDir: dataSrv.dataDir });
    const againApi = apiClient(again);
    try {
      const w = await againApi.watch(`/api/v1/namespaces/${restartNs}/endpoints?watch=true&resourceVersion=${oldRv}`);
      const e = await w.next(5000);
      w.close();
      if (w.status === 410) {
        assert.fail(`410 must come as an ERROR watch event on a 200 stream, got HTTP 410: ${w.raw}`);
      }
      assert.equal(e?.type, 'ERROR', JSON.stringify(e));
      const s = e!.object as unknown as StatusBody;
      assert.equal(s.kind, 'Status');
      assert.equal(s.code, 410);
      assert.equal(s.reason, 'Expired');
      assert.match(s.message, /too old resource version/);
      // a list at the old rv with Exact match is the snapshot at that rv (storage still has it), or 410 if compacted
      const exact = await againApi.request('GET', `/api/v1/namespaces/${restartNs}/endpoints?resourceVersion=${oldRv}&resourceVersionMatch=Exact`);
      if (exact.status === 410) {
        assert.equal(exact.json<StatusBody>().reason, 'Expired');
      } else {
        assert.equal(exact.status, 200, exact.text);
        const snap = exact.json<{ metadata: { resourceVersion: string }; items: { metadata: { name: string; labels?: Record<string, string> } }[] }>();
        assert.equal(snap.metadata.resourceVersion, String(oldRv), 'Exact list is served at the requested rv');
        assert.deepEqual(snap.items.map((i) => i.metadata.name), ['old-0'], 'only what existed at that rv');
      }
      // the current rv still works
      const list = await againApi.request('GET', `/api/v1/namespaces/${restartNs}/endpoints`);
      const cur = list.json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion;
      const ok = await againApi.watch(`/api/v1/namespaces/${restartNs}/endpoints?watch=true&resourceVersion=${cur}`);
      assert.equal(ok.status, 200);
      assert.deepEqual(await ok.drain(300), []);
      ok.close();
    } finally {
      againApi.close();
      await again.stop();
      rmSync(dataSrv.dataDir, { recursive: true, force: true });
    }
  });

  test('limit/continue paging returns every item exactly once, from one snapshot', async () => {
    const created: string[] = [];
    for (let i = 0; i < 25; i++) {
      const n = `page-${String(i).padStart(2, '0')}`;
      await create(n, { paging: 'yes' });
      created.push(n);
    }
    const seen: string[] = [];
    let cont = '';
    let pages = 0;
    let firstRv = '';
    for (;;) {
      const r = await sv.api.request('GET', `${pods}?labelSelector=paging%3Dyes&limit=7${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
      assert.equal(r.status, 200, r.text);
      const body = r.json<{ items: { metadata: { name: string } }[]; metadata: { continue?: string; resourceVersion: string; remainingItemCount?: number } }>();
      pages++;
      assert.ok(body.items.length <= 7);
      seen.push(...body.items.map((i) => i.metadata.name));
      if (pages === 1) {
        firstRv = body.metadata.resourceVersion;
        // a write between pages must not show up in later pages
        await create('page-zz-late', { paging: 'yes' });
      } else {
        assert.equal(body.metadata.resourceVersion, firstRv, 'every page is served at the first page\'s rv');
      }
      cont = body.metadata.continue ?? '';
      if (!cont) break;
      assert.ok(pages < 10, 'paging terminates');
    }
    assert.equal(pages, 4);
    assert.deepEqual([...seen].sort(), created, 'every item exactly once, the late one excluded');
    assert.equal(new Set(seen).size, seen.length);
    // without a selector the server reports remainingItemCount
    const all = await sv.api.request('GET', `${pods}?limit=5`);
    const allBody = all.json<{ items: unknown[]; metadata: { continue?: string; remainingItemCount?: number } }>();
    assert.equal(allBody.items.length, 5);
    assert.ok(allBody.metadata.continue);
    assert.equal(typeof allBody.metadata.remainingItemCount, 'number');
    const garbage = await sv.api.request('GET', `${pods}?limit=5&continue=not-a-token`);
    assert.equal(garbage.status, 400, garbage.text);
    assertStatus(garbage.json<StatusBody>(), 400, 'BadRequest');
  });
});
