// pods/ephemeralcontainers, the subresource kubectl debug writes: the real kubectl
// debug adds a container; the API refuses, in Kubernetes' words, to remove or change
// one, to reuse a name, to give one ports or probes, or to target a container the
// pod does not have; and only spec.ephemeralContainers changes through it.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { suiteWithKubectl } from '../support/server.js';

const POD = '/api/v1/namespaces/default/pods/target';
const SUB = `${POD}/ephemeralcontainers`;

describe('ephemeral containers', { timeout: 60_000 }, () => {
  const suite = suiteWithKubectl();
  before(async () => {
    await suite.api.create('/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'target', labels: { a: 'b' } }, spec: { containers: [{ name: 'app', image: 'my-app' }] } });
  });

  // Where a patched-in item lands among the old ones is the merge's business: indices are not asserted.
  const rejects422 = (p: Promise<unknown>, re: RegExp) => assert.rejects(p, (e: Error & { status?: number }) => {
    assert.equal(e.status, 422, e.message);
    assert.match(e.message, re);
    return true;
  });

  test('kubectl debug adds a defaulted ephemeral container targeting the app container; nothing else of the pod changes', async () => {
    const before = await suite.api.get(POD);
    const r = await suite.k.run(['debug', 'target', '--image=busybox', '--container=dbg', '--target=app', '--profile=general']);
    assert.equal(r.code, 0, r.stderr);
    const after = await suite.api.get(POD);
    const [e] = after.spec.ephemeralContainers;
    assert.deepEqual([e.name, e.image, e.targetContainerName, e.terminationMessagePolicy], ['dbg', 'busybox', 'app', 'File']);
    assert.deepEqual(after.spec.containers, before.spec.containers);
    assert.deepEqual(after.metadata.labels, before.metadata.labels);
  });

  test('existing ephemeral containers may not be removed or changed', async () => {
    const cur = await suite.api.get(SUB);
    await rejects422(suite.api.update(SUB, { ...cur, spec: { ...cur.spec, ephemeralContainers: [] } }), /spec\.ephemeralContainers: Forbidden: existing ephemeral containers "dbg" may not be removed/);
    const changed = [{ ...cur.spec.ephemeralContainers[0], image: 'alpine' }];
    await rejects422(suite.api.update(SUB, { ...cur, spec: { ...cur.spec, ephemeralContainers: changed } }), /spec\.ephemeralContainers\[0\]: Forbidden: existing ephemeral containers "dbg" may not be changed/);
  });

  test('a new one: a duplicate name, ports or probes, or an unknown target are refused', async () => {
    const add = (c: Record<string, unknown>) => suite.api.patch(SUB, { spec: { ephemeralContainers: [c] } }, 'strategic');
    await rejects422(add({ name: 'app', image: 'busybox' }), /spec\.ephemeralContainers\[\d\]\.name: Duplicate value: "app"/);
    await rejects422(add({ name: 'd2', image: 'busybox', ports: [{ containerPort: 80 }] }), /spec\.ephemeralContainers\[\d\]\.ports: Forbidden: cannot be set for an Ephemeral Container/);
    await rejects422(add({ name: 'd3', image: 'busybox', readinessProbe: { exec: { command: ['true'] } } }), /spec\.ephemeralContainers\[\d\]\.readinessProbe: Forbidden: cannot be set for an Ephemeral Container/);
    await rejects422(add({ name: 'd4', image: 'busybox', targetContainerName: 'nope' }), /spec\.ephemeralContainers\[\d\]\.targetContainerName: Not found: "nope"/);
    await rejects422(add({ name: 'd5' }), /spec\.ephemeralContainers\[\d\]\.image: Required value/);
    const ok = await add({ name: 'd6', image: 'busybox', command: ['sh'] });
    assert.deepEqual(ok.spec.ephemeralContainers.map((c: any) => c.name).sort(), ['d6', 'dbg']);
  });

  test('they cannot be set on create, nor through the pod itself', async () => {
    await rejects422(suite.api.create('/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'early' }, spec: { containers: [{ name: 'a', image: 'x' }], ephemeralContainers: [{ name: 'e', image: 'x' }] } }), /spec\.ephemeralContainers: Forbidden: cannot be set on create/);
    const cur = await suite.api.get(POD);
    await rejects422(suite.api.update(POD, { ...cur, spec: { ...cur.spec, ephemeralContainers: [...cur.spec.ephemeralContainers, { name: 'sneak', image: 'x', imagePullPolicy: 'IfNotPresent', terminationMessagePolicy: 'File' }] } }), /Forbidden: pod updates may not change fields other than/);
  });
});
