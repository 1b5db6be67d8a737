import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PATCH_CONTENT_TYPES, documentedResources, openApiDocument, openApiDocumentJson, openApiIndex,
} from '../../src/apiserver/openapi.js';

type Doc = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, any>>;  
  components: { schemas: Record<string, any> };  
};
const doc = (p: string) => openApiDocument(p) as Doc;
const VERBS = ['get', 'put', 'post', 'patch', 'delete'];

test('index lists every group-version with a hash that matches the document', () => {
  const idx = openApiIndex();
  assert.deepEqual(Object.keys(idx.paths).sort(), ['api/v1', 'apis/apps/v1', 'apis/autoscaling/v1', 'apis/coordination.k8s.io/v1', 'apis/discovery.k8s.io/v1']);
  for (const [p, { serverRelativeURL }] of Object.entries(idx.paths)) {
    assert.equal(serverRelativeURL, `/openapi/v3/${p}?hash=${openApiDocumentJson(p)!.hash}`);
    assert.match(serverRelativeURL, /\?hash=[0-9A-F]{16}$/);
  }
  assert.deepEqual(openApiIndex(), idx, 'stable');
  assert.equal(openApiDocument('apis/batch/v1'), undefined);
});

test('document header and JSON form agree', () => {
  const d = doc('api/v1');
  assert.equal(d.openapi, '3.0.0');
  assert.ok(d.info.title);
  assert.deepEqual(JSON.parse(openApiDocumentJson('api/v1')!.json), d);
});

test('service paths and operations', () => {
  const d = doc('api/v1');
  const coll = d.paths['/api/v1/namespaces/{namespace}/services'];
  const item = d.paths['/api/v1/namespaces/{namespace}/services/{name}'];
  assert.ok(coll.get && coll.post && coll.delete);
  assert.ok(item.get && item.put && item.patch && item.delete);
  assert.ok(d.paths['/api/v1/services'].get, 'list across namespaces');
  assert.ok(d.paths['/api/v1/namespaces/{namespace}/services/{name}/status'].patch);
  assert.ok(d.paths['/api/v1/nodes/{name}/status'].get, 'cluster-scoped');
  assert.ok(d.paths['/api/v1/namespaces/{namespace}/pods/{name}/log'].get);
  assert.equal(item.get['x-kubernetes-action'], 'get');
  assert.equal(coll.get['x-kubernetes-action'], 'list');
  assert.equal(coll.post['x-kubernetes-action'], 'post');
  assert.equal(coll.delete['x-kubernetes-action'], 'deletecollection');
  assert.deepEqual(item.patch['x-kubernetes-group-version-kind'], { group: '', version: 'v1', kind: 'Service' });
});

test('every operation carries GVK and action; every PATCH declares fieldValidation and the four patch types', () => {
  for (const gv of Object.keys(openApiIndex().paths)) {
    for (const [path, item] of Object.entries(doc(gv).paths)) {
      for (const verb of VERBS) {
        const op = item[verb];
        if (!op) continue;
        assert.ok(op['x-kubernetes-action'], `${verb} ${path}`);
        const gvk = op['x-kubernetes-group-version-kind'];
        assert.ok(gvk && typeof gvk.kind === 'string' && typeof gvk.version === 'string' && typeof gvk.group === 'string', `${verb} ${path}`);
        assert.ok(op.operationId, `${verb} ${path}`);
        if (verb === 'patch') {
          assert.ok(op.parameters.some((p: { name: string; in: string }) => p.name === 'fieldValidation' && p.in === 'query'), path);
          assert.deepEqual(Object.keys(op.requestBody.content).sort(), [...PATCH_CONTENT_TYPES].sort(), path);
        }
      }
    }
  }
});

test('components contain what kubectl needs, and every $ref resolves within the document', () => {
  for (const gv of Object.keys(openApiIndex().paths)) {
    const d = doc(gv);
    const names = new Set(Object.keys(d.components.schemas));
    const refs: string[] = [];
    JSON.stringify(d, (k, v) => { if (k === '$ref') refs.push(v); return v; });
    for (const r of refs) assert.ok(names.has(r.replace('#/components/schemas/', '')), `${gv}: ${r}`);
  }
  const core = doc('api/v1').components.schemas;
  for (const n of ['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'io.k8s.api.core.v1.ServicePort', 'io.k8s.api.core.v1.Service',
    'io.k8s.api.core.v1.PodSpec', 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions', 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch']) {
    assert.ok(core[n], n);
  }
  assert.equal(core['io.k8s.api.core.v1.ServiceSpec'].properties.ports['x-kubernetes-patch-merge-key'], 'port');
  const apps = doc('apis/apps/v1').components.schemas;
  assert.ok(apps['io.k8s.api.autoscaling.v1.Scale'], 'scale body reachable from apps');
  assert.ok(apps['io.k8s.api.core.v1.PodSpec']);
  assert.ok(!apps['io.k8s.api.core.v1.Service'], 'only what is reachable');
  assert.ok(doc('apis/autoscaling/v1').components.schemas['io.k8s.api.autoscaling.v1.Scale']);
});

test('scale subresource uses the autoscaling/v1 Scale kind', () => {
  const p = doc('apis/apps/v1').paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'];
  assert.deepEqual(p.patch['x-kubernetes-group-version-kind'], { group: 'autoscaling', version: 'v1', kind: 'Scale' });
  assert.equal(p.get.responses['200'].content['application/json'].schema.$ref, '#/components/schemas/io.k8s.api.autoscaling.v1.Scale');
});

test('documented resources', () => {
  for (const r of ['api/v1/namespaces', 'api/v1/nodes', 'api/v1/pods', 'api/v1/pods/status', 'api/v1/pods/log', 'api/v1/pods/exec',
    'api/v1/services', 'api/v1/services/status', 'api/v1/endpoints', 'api/v1/events', 'apis/apps/v1/deployments/scale',
    'apis/apps/v1/replicasets/status', 'apis/discovery.k8s.io/v1/endpointslices']) {
    assert.ok(documentedResources.includes(r), r);
  }
});
