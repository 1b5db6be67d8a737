// The EndpointSlice, Endpoints and mirroring controllers against a real API
// server, with pod status written through /status as a node agent would.
// Address plan: pods 10.244.1.0/24, ClusterIPs from the server's 10.96.0.0/12.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/server.js';
import { kubectlRunner } from '../support/kubectl.js';
import { RestClient, loadKubeconfig } from '../../src/client/rest.js';
import { EndpointSlices, Endpoints, Namespaces, Pods, Services, resourcePath } from '../../src/client/resources.js';
import { EndpointSliceController } from '../../src/controllers/endpointslice/controller.js';
import { EndpointsController } from '../../src/controllers/endpoints/controller.js';
import { MirroringController } from '../../src/controllers/mirroring/controller.js';
import type { EndpointSlice } from '../../src/controllers/endpointslice/types.js';

const NS = 'ep-it';
let srv: TestServer;
let client: RestClient;
let kubectl: ReturnType<typeof kubectlRunner>;
const controllers: { stop(): void }[] = [];

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) { last = e; }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const slicesOf = async (svc: string, ns = NS): Promise<EndpointSlice[]> =>
  (await client.get(resourcePath(EndpointSlices, ns, undefined, undefined, { labelSelector: `kubernetes.io/service-name=${svc}` }))).items;

const endpointsOf = (slices: EndpointSlice[]) => slices.flatMap((s) => s.endpoints ?? []);

async function createService(name: string, spec: Record<string, unknown>): Promise<any> {
  return client.create(resourcePath(Services, NS), { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec });
}

async function createPod(name: string, labels: Record<string, string>, o: { ip: string; ready: boolean; nodeName?: string; ports?: any[]; hostname?: string; subdomain?: string }): Promise<void> {
  await client.create(resourcePath(Pods, NS), {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, labels },
    spec: {
      ...(o.nodeName ? { nodeName: o.nodeName } : {}), ...(o.hostname ? { hostname: o.hostname } : {}), ...(o.subdomain ? { subdomain: o.subdomain } : {}),
      containers: [{ name: 'c', image: 'app', ports: o.ports ?? [] }],
    },
  });
  await setPodStatus(name, o.ip, o.ready);
}

async function setPodStatus(name: string, ip: string, ready: boolean): Promise<void> {
  const pod = await client.get(resourcePath(Pods, NS, name));
  pod.status = {
    ...pod.status,
    phase: 'Running', podIP: ip, podIPs: [{ ip }],
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }],
  };
  await client.update(resourcePath(Pods, NS, name, 'status'), pod);
}

before(async () => {
  srv = await startTestServer();
  client = new RestClient(loadKubeconfig(srv.kubeconfigPath));
  kubectl = kubectlRunner(srv.kubeconfigPath);
  await client.create(resourcePath(Namespaces), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  const es = new EndpointSliceController(client), ep = new EndpointsController(client), mc = new MirroringController(client);
  controllers.push(es, ep, mc);
  await Promise.all([es.start(), ep.start(), mc.start()]);
});

after(async () => {
  for (const c of controllers) c.stop();
  client?.close();
  await srv?.stop();
});

describe('endpoint controllers', () => {
  test('slices and Endpoints follow pods: create, not ready, delete', async () => {
    const svc = await createService('web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] });
    // a Service without pods gets an empty placeholder slice
    const placeholder = await waitFor('placeholder', async () => { const s = await slicesOf('web'); return s.length === 1 ? s : undefined; });
    assert.deepEqual(placeholder[0].endpoints ?? [], []);
    assert.deepEqual(placeholder[0].metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.equal(placeholder[0].metadata.labels!['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');

    await createPod('web-1', { app: 'web', extra: 'x' }, { ip: '10.244.1.11', ready: true });
    await createPod('web-2', { app: 'web' }, { ip: '10.244.1.12', ready: true });
    await createPod('other', { app: 'other' }, { ip: '10.244.1.13', ready: true });
    const slices = await waitFor('two endpoints', async () => { const s = await slicesOf('web'); return endpointsOf(s).length === 2 ? s : undefined; });
    assert.equal(slices.length, 1, 'the placeholder was reused');
    assert.deepEqual(slices[0].ports, [{ name: 'http', protocol: 'TCP', port: 8080 }]);
    assert.ok(slices[0].metadata.annotations?.['endpoints.kubernetes.io/last-change-trigger-time']);
    assert.deepEqual(endpointsOf(slices).map((e) => e.addresses[0]).sort(), ['10.244.1.11', '10.244.1.12']);

    const ep = await waitFor('Endpoints', async () => {
      const e = await client.get(resourcePath(Endpoints, NS, 'web'));
      return e.subsets?.[0]?.addresses?.length === 2 ? e : undefined;
    });
    assert.equal(ep.metadata.labels['endpointslice.kubernetes.io/skip-mirror'], 'true');
    assert.deepEqual(ep.subsets, [{
      addresses: [
        { ip: '10.244.1.11', targetRef: { kind: 'Pod', namespace: NS, name: 'web-1', uid: (await client.get(resourcePath(Pods, NS, 'web-1'))).metadata.uid } },
        { ip: '10.244.1.12', targetRef: { kind: 'Pod', namespace: NS, name: 'web-2', uid: (await client.get(resourcePath(Pods, NS, 'web-2'))).metadata.uid } },
      ],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    }]);
    // the mirroring controller must not mirror the controller's own Endpoints
    const mirrored = (await slicesOf('web')).filter((s) => s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] !== 'endpointslice-controller.k8s.io');
    assert.deepEqual(mirrored, []);

    const t0 = performance.now();
    await setPodStatus('web-1', '10.244.1.11', false);
    await waitFor('web-1 not ready', async () => {
      const e = endpointsOf(await slicesOf('web')).find((x) => x.targetRef?.name === 'web-1');
      return e?.conditions.ready === false ? e : undefined;
    }, 1000);
    const ms = performance.now() - t0;
    assert.ok(ms < 1000, `readiness reached the slice in ${ms} ms`);
    await waitFor('notReadyAddresses', async () => {
      const e = await client.get(resourcePath(Endpoints, NS, 'web'));
      return e.subsets?.[0]?.notReadyAddresses?.[0]?.ip === '10.244.1.11' ? e : undefined;
    });

    await client.delete(resourcePath(Pods, NS, 'web-2'));
    await waitFor('web-2 gone', async () => {
      const e = endpointsOf(await slicesOf('web'));
      return e.length === 1 && e[0].targetRef?.name === 'web-1' ? e : undefined;
    });
  });

  test('a terminating pod stays: terminating=true, ready=false, serving from readiness', async () => {
    await createService('drain', { selector: { app: 'drain' }, ports: [{ port: 80 }] });
    await createPod('drain-1', { app: 'drain' }, { ip: '10.244.1.21', ready: true, nodeName: 'node-1' });
    await waitFor('ready endpoint', async () => (endpointsOf(await slicesOf('drain'))[0]?.conditions.ready ? true : undefined));
    await client.delete(resourcePath(Pods, NS, 'drain-1'));
    const pod = await client.get(resourcePath(Pods, NS, 'drain-1'));
    assert.ok(pod.metadata.deletionTimestamp, 'a pod on a node is deleted gracefully');
    const ep = await waitFor('terminating', async () => { const e = endpointsOf(await slicesOf('drain'))[0]; return e?.conditions.terminating ? e : undefined; });
    assert.deepEqual(ep.conditions, { ready: false, serving: true, terminating: true });
    assert.equal(ep.nodeName, 'node-1');
    // the legacy Endpoints drop terminating pods
    await waitFor('Endpoints empty', async () => { const e = await client.get(resourcePath(Endpoints, NS, 'drain')); return !e.subsets?.length ? e : undefined; });
  });

  test('named targetPort resolves per pod into separate slices', async () => {
    await createService('named', { selector: { app: 'named' }, ports: [{ name: 'http', port: 80, targetPort: 'web' }] });
    await createPod('named-a', { app: 'named' }, { ip: '10.244.1.31', ready: true, ports: [{ name: 'web', containerPort: 8080 }] });
    await createPod('named-b', { app: 'named' }, { ip: '10.244.1.32', ready: true, ports: [{ name: 'web', containerPort: 9090 }] });
    const slices = await waitFor('two slices', async () => { const s = await slicesOf('named'); return endpointsOf(s).length === 2 ? s : undefined; });
    const byIP = Object.fromEntries(slices.map((s) => [s.endpoints[0].addresses[0], s.ports[0].port]));
    assert.deepEqual(byIP, { '10.244.1.31': 8080, '10.244.1.32': 9090 });
    const ep = await waitFor('Endpoints with two subsets', async () => { const e = await client.get(resourcePath(Endpoints, NS, 'named')); return e.subsets?.length === 2 ? e : undefined; });
    assert.deepEqual(ep.subsets.map((s: any) => [s.addresses[0].ip, s.ports[0].port]), [['10.244.1.31', 8080], ['10.244.1.32', 9090]]);
  });

  test('headless Service: hostname for pods whose subdomain names it', async () => {
    await createService('db', { clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 5432 }] });
    await createPod('db-0', { app: 'db' }, { ip: '10.244.1.41', ready: true, hostname: 'db-0', subdomain: 'db' });
    const s = await waitFor('headless slice', async () => { const x = await slicesOf('db'); return endpointsOf(x).length === 1 ? x : undefined; });
    assert.equal(s[0].endpoints[0].hostname, 'db-0');
    assert.equal(s[0].metadata.labels!['service.kubernetes.io/headless'], '');
    const ep = await waitFor('Endpoints', async () => { const e = await client.get(resourcePath(Endpoints, NS, 'db')); return e.subsets?.length ? e : undefined; });
    assert.equal(ep.subsets[0].addresses[0].hostname, 'db-0');
  });

  test('selector-less Service: user Endpoints are kept and mirrored', async () => {
    await createService('ext', { ports: [{ name: 'pg', port: 5432 }] });
    await client.create(resourcePath(Endpoints, NS), {
      apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'ext', labels: { team: 'db' } },
      subsets: [{ addresses: [{ ip: '192.0.2.10' }], notReadyAddresses: [{ ip: '192.0.2.11' }], ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] }],
    });
    const s = await waitFor('mirrored slice', async () => { const x = await slicesOf('ext'); return x.length ? x : undefined; });
    assert.equal(s.length, 1);
    assert.equal(s[0].metadata.labels!['endpointslice.kubernetes.io/managed-by'], 'endpointslicemirroring-controller.k8s.io');
    assert.equal(s[0].metadata.labels!.team, 'db');
    assert.equal(s[0].metadata.ownerReferences![0].kind, 'Endpoints');
    assert.deepEqual(s[0].ports, [{ name: 'pg', protocol: 'TCP', port: 5432 }]);
    assert.deepEqual(s[0].endpoints.map((e) => [e.addresses[0], e.conditions.ready]).sort(), [['192.0.2.10', true], ['192.0.2.11', false]]);
    const ep = await client.get(resourcePath(Endpoints, NS, 'ext'));
    assert.equal(ep.metadata.labels['endpointslice.kubernetes.io/skip-mirror'], undefined, 'user Endpoints are left as written');

    // an address change is mirrored
    ep.subsets[0].addresses.push({ ip: '192.0.2.12' });
    await client.update(resourcePath(Endpoints, NS, 'ext'), ep);
    await waitFor('3 mirrored endpoints', async () => (endpointsOf(await slicesOf('ext')).length === 3 ? true : undefined));
  });

  test('kubectl get ep and describe svc show the endpoints', async () => {
    await createService('kc', { selector: { app: 'kc' }, ports: [{ port: 80, targetPort: 8080 }] });
    await createPod('kc-1', { app: 'kc' }, { ip: '10.244.1.51', ready: true });
    await waitFor('kc Endpoints', async () => { const e = await client.get(resourcePath(Endpoints, NS, 'kc')); return e.subsets?.length ? e : undefined; });
    await waitFor('kc slice', async () => (endpointsOf(await slicesOf('kc')).length ? true : undefined));
    const get = await kubectl(['get', 'ep', 'kc', '-n', NS]);
    assert.equal(get.code, 0, get.stderr);
    assert.match(get.stdout, /kc\s+10\.244\.1\.51:8080/);
    const desc = await kubectl(['describe', 'svc', 'kc', '-n', NS]);
    assert.equal(desc.code, 0, desc.stderr);
    assert.match(desc.stdout, /Endpoints:\s+10\.244\.1\.51:8080/);
  });

  test('deleting the Service removes its Endpoints (and the GC its slices)', async () => {
    await createService('gone', { selector: { app: 'gone' }, ports: [{ port: 80 }] });
    await createPod('gone-1', { app: 'gone' }, { ip: '10.244.1.61', ready: true });
    await waitFor('gone Endpoints', async () => { const e = await client.get(resourcePath(Endpoints, NS, 'gone')); return e.subsets?.length ? e : undefined; });
    await client.delete(resourcePath(Services, NS, 'gone'));
    await waitFor('Endpoints deleted', async () => {
      try { await client.get(resourcePath(Endpoints, NS, 'gone')); return undefined; } catch { return true; }
    });
    await waitFor('slices collected', async () => ((await slicesOf('gone')).length === 0 ? true : undefined), 10_000);
  });
});
