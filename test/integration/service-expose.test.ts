// kubectl expose for a deployment, a replicaset, a pod and a service, with
// --type, --port, --target-port, --name, --protocol and --selector: the created
// Service has the selector and ports kubectl computed, and the server allocates.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { startTestServer, type TestServer } from '../support/server.js';
import { kubectlSession, type KubectlSession } from '../support/kubectl-session.js';
import { parseTable, rowByName } from '../support/table.js';

const IPV4 = /^10\.(9[6-9]|10[0-9]|11[01])\.\d{1,3}\.\d{1,3}$/;

interface Port { name?: string; port: number; targetPort?: number | string; protocol?: string; nodePort?: number }
interface Svc { metadata: { name: string; labels?: Record<string, string> }; spec: { type: string; clusterIP: string; selector?: Record<string, string>; ports: Port[]; externalTrafficPolicy?: string } }

const podTemplate = (labels: Record<string, string>, ports: object[]) => ({
  metadata: { labels },
  spec: { containers: [{ name: 'c', image: 'nginx:1.25', ports }] },
});

const workloads = [
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'ex-deploy', labels: { app: 'ex-deploy' } },
    spec: { replicas: 1, selector: { matchLabels: { app: 'ex-deploy', tier: 'fe' } }, template: podTemplate({ app: 'ex-deploy', tier: 'fe' }, [{ containerPort: 8080 }]) } },
  { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'ex-rs', labels: { app: 'ex-rs' } },
    spec: { replicas: 1, selector: { matchLabels: { app: 'ex-rs' } }, template: podTemplate({ app: 'ex-rs' }, [{ containerPort: 5353, protocol: 'UDP' }]) } },
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ex-pod', labels: { app: 'ex-pod', role: 'db' } },
    spec: { containers: [{ name: 'c', image: 'redis:7', ports: [{ name: 'redis', containerPort: 6379 }, { name: 'metrics', containerPort: 9121 }] }] } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ex-svc', labels: { app: 'ex-svc' } },
    spec: { selector: { app: 'ex-backend' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'https', port: 443, targetPort: 8443 }] } },
];

describe('kubectl expose', { timeout: 90_000 }, () => {
  let srv: TestServer;
  let k: KubectlSession;
  const get = async (name: string): Promise<Svc> => JSON.parse(await k.ok(['get', 'svc', name, '-o', 'json'])) as Svc;
  const inRange = (np: number | undefined): boolean => np !== undefined && np >= 30000 && np <= 32767;

  before(async () => {
    srv = await startTestServer();
    k = kubectlSession(srv.kubeconfigPath);
    await k.ok(['apply', '-f', k.file('workloads.yaml', workloads.map((w) => stringify(w)).join('---\n'))]);
  });
  after(async () => {
    await k?.close();
    await srv?.stop();
  });

  test('deployment with --port --target-port --type=NodePort', async () => {
    const out = await k.ok(['expose', 'deployment', 'ex-deploy', '--port=80', '--target-port=8080', '--type=NodePort']);
    assert.equal(out.trim(), 'service/ex-deploy exposed');
    const s = await get('ex-deploy');
    assert.equal(s.spec.type, 'NodePort');
    assert.deepEqual(s.spec.selector, { app: 'ex-deploy', tier: 'fe' }, 'selector from the deployment selector');
    assert.deepEqual(s.metadata.labels, { app: 'ex-deploy' }, 'labels copied from the deployment');
    assert.equal(s.spec.ports.length, 1);
    const p = s.spec.ports[0];
    assert.deepEqual([p.port, p.targetPort, p.protocol], [80, 8080, 'TCP']);
    assert.ok(inRange(p.nodePort), `nodePort ${p.nodePort} allocated`);
    assert.match(s.spec.clusterIP, IPV4);
    assert.equal(s.spec.externalTrafficPolicy, 'Cluster');
    const row = rowByName(parseTable(await k.ok(['get', 'svc', 'ex-deploy', '-o', 'wide'])), 'ex-deploy');
    assert.deepEqual([row.TYPE, row['PORT(S)'], row.SELECTOR], ['NodePort', `80:${p.nodePort}/TCP`, 'app=ex-deploy,tier=fe']);
  });

  test('deployment without --port takes the container port; --name', async () => {
    await k.ok(['expose', 'deployment', 'ex-deploy', '--name=ex-deploy-plain']);
    const s = await get('ex-deploy-plain');
    assert.equal(s.spec.type, 'ClusterIP');
    assert.deepEqual(s.spec.ports.map((p) => [p.port, p.targetPort, p.protocol, p.nodePort]), [[8080, 8080, 'TCP', undefined]]);
  });

  test('replicaset with --protocol=UDP --name', async () => {
    const out = await k.ok(['expose', 'replicaset', 'ex-rs', '--port=53', '--target-port=5353', '--protocol=UDP', '--name=ex-rs-dns']);
    assert.equal(out.trim(), 'service/ex-rs-dns exposed');
    const s = await get('ex-rs-dns');
    assert.deepEqual(s.spec.selector, { app: 'ex-rs' });
    assert.deepEqual(s.spec.ports.map((p) => [p.port, p.targetPort, p.protocol]), [[53, 5353, 'UDP']]);
    assert.equal(rowByName(parseTable(await k.ok(['get', 'svc', 'ex-rs-dns'])), 'ex-rs-dns')['PORT(S)'], '53/UDP');
  });

  test('pod with --type=LoadBalancer: selector from the pod labels, ports from its containers', async () => {
    const out = await k.ok(['expose', 'pod', 'ex-pod', '--name=ex-pod-lb', '--type=LoadBalancer']);
    assert.equal(out.trim(), 'service/ex-pod-lb exposed');
    const s = await get('ex-pod-lb');
    assert.equal(s.spec.type, 'LoadBalancer');
    assert.deepEqual(s.spec.selector, { app: 'ex-pod', role: 'db' });
    // several container ports: kubectl names them port-1, port-2
    assert.deepEqual(s.spec.ports.map((p) => [p.name, p.port, p.targetPort, p.protocol]), [['port-1', 6379, 6379, 'TCP'], ['port-2', 9121, 9121, 'TCP']]);
    assert.ok(s.spec.ports.every((p) => inRange(p.nodePort)));
    assert.notEqual(s.spec.ports[0].nodePort, s.spec.ports[1].nodePort);
    const row = rowByName(parseTable(await k.ok(['get', 'svc', 'ex-pod-lb'])), 'ex-pod-lb');
    assert.equal(row['EXTERNAL-IP'], '<pending>');
    assert.equal(row['PORT(S)'], `6379:${s.spec.ports[0].nodePort}/TCP,9121:${s.spec.ports[1].nodePort}/TCP`);
  });

  test('pod with --port --target-port naming a container port', async () => {
    await k.ok(['expose', 'pod', 'ex-pod', '--name=ex-pod-named', '--port=6379', '--target-port=redis']);
    const s = await get('ex-pod-named');
    assert.deepEqual(s.spec.ports.map((p) => [p.port, p.targetPort]), [[6379, 'redis']]);
  });

  test('service: ports and selector copied; --selector and --port override', async () => {
    await k.ok(['expose', 'service', 'ex-svc', '--name=ex-svc-copy']);
    let s = await get('ex-svc-copy');
    assert.deepEqual(s.spec.selector, { app: 'ex-backend' });
    // kubectl copies the port numbers only (names port-N, targetPort = port), as against a real cluster
    assert.deepEqual(s.spec.ports.map((p) => [p.name, p.port, p.targetPort, p.protocol]), [['port-1', 80, 80, 'TCP'], ['port-2', 443, 443, 'TCP']]);

    await k.ok(['expose', 'svc', 'ex-svc', '--name=ex-svc-other', '--port=8000', '--target-port=80', '--selector=app=other,tier=be', '--type=NodePort']);
    s = await get('ex-svc-other');
    assert.deepEqual(s.spec.selector, { app: 'other', tier: 'be' });
    assert.deepEqual(s.spec.ports.map((p) => [p.port, p.targetPort, p.protocol]), [[8000, 80, 'TCP']]);
    assert.ok(inRange(s.spec.ports[0].nodePort));
  });

  test('expose twice → AlreadyExists; expose of a missing deployment → NotFound', async () => {
    let r = await k.fails(['expose', 'deployment', 'ex-deploy', '--port=80']);
    assert.match(r.stderr, /Error from server \(AlreadyExists\): services "ex-deploy" already exists/);
    r = await k.fails(['expose', 'deployment', 'ex-missing', '--port=80']);
    assert.match(r.stderr, /Error from server \(NotFound\): deployments\.apps "ex-missing" not found/);
  });

  test('--dry-run=server reports but stores nothing; -o yaml shows the allocated values', async () => {
    const out = await k.ok(['expose', 'deployment', 'ex-deploy', '--name=ex-dry', '--port=80', '--type=NodePort', '--dry-run=server', '-o', 'json']);
    const s = JSON.parse(out) as Svc;
    assert.match(s.spec.clusterIP, IPV4);
    assert.ok(inRange(s.spec.ports[0].nodePort));
    assert.match((await k.fails(['get', 'svc', 'ex-dry'])).stderr, /NotFound/);
    // nothing was kept: the dry-run's node port is free for a real request
    const r = await k.run(['expose', 'deployment', 'ex-deploy', '--name=ex-dry-real', `--port=80`, '--type=NodePort', '--overrides', JSON.stringify({ spec: { ports: [{ port: 80, targetPort: 8080, nodePort: s.spec.ports[0].nodePort }] } })]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await get('ex-dry-real')).spec.ports[0].nodePort, s.spec.ports[0].nodePort);
  });
});
