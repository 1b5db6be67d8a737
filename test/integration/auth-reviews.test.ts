// kubectl auth can-i / whoami against a real server: the self reviews kubectl
// creates (in protobuf) are answered for the cluster admin, listed in discovery
// with create as their only verb, never stored, and a malformed one is a 422.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { suiteWithKubectl } from '../support/server.js';

describe('kubectl auth', { timeout: 60_000 }, () => {
  const suite = suiteWithKubectl();

  test('can-i answers yes (exit 0) for resources, subresources and non-resource paths', async () => {
    for (const args of [['create', 'pods'], ['delete', 'nodes', '--all-namespaces'], ['get', 'pods', '--subresource=log'], ['get', '/healthz']]) {
      const r = await suite.k.run(['auth', 'can-i', ...args]);
      assert.deepEqual([r.code, r.stdout.trim()], [0, 'yes'], `${args.join(' ')}: ${r.stderr}`);
    }
  });

  test('can-i --list shows every verb on every resource and path', async () => {
    const lines = (await suite.k.ok(['auth', 'can-i', '--list'])).trim().split('\n').map((l) => l.trim().split(/\s{2,}/));
    assert.deepEqual(lines, [['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs'], ['*.*', '[]', '[]', '[*]'], ['[*]', '[]', '[*]']]);
  });

  test('whoami names the cluster admin', async () => {
    const out = await suite.k.ok(['auth', 'whoami']);
    assert.match(out, /^Username\s+system:admin$/m);
    assert.match(out, /^Groups\s+\[system:masters system:authenticated\]$/m);
  });

  test('discovery lists the reviews with create only; other verbs are 405; a review with neither attribute kind is 422', async () => {
    const authz = await suite.api.get('/apis/authorization.k8s.io/v1');
    assert.deepEqual(authz.resources.map((r: any) => [r.name, r.verbs]), [['selfsubjectaccessreviews', ['create']], ['selfsubjectrulesreviews', ['create']]]);
    const authn = await suite.api.get('/apis/authentication.k8s.io/v1');
    assert.deepEqual(authn.resources.map((r: any) => r.name), ['selfsubjectreviews']);
    await assert.rejects(suite.api.get('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'), (e: Error & { status?: number }) => e.status === 405);
    await assert.rejects(suite.api.create('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: {} }), (e: Error & { status?: number }) => {
      assert.equal(e.status, 422);
      assert.match(e.message, /spec\.resourceAttributes: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified/);
      return true;
    });
    const ok = await suite.api.create('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { nonResourceAttributes: { path: '/metrics', verb: 'get' } } });
    assert.deepEqual([ok.status.allowed, ok.spec.nonResourceAttributes.path], [true, '/metrics']);
  });
});
