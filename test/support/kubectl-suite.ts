// The issue-2 kubectl integration suite: drives the real /usr/bin/kubectl against a
// fresh kubesvc API server and checks what a real cluster would print.
// Used by test/integration/kubectl.test.ts (SQLite) and kubectl-etcd.test.ts (etcd).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './server.js';
import type { BackendFactory, BackendFixture } from './backends.js';
import { eventually, kubectlSession, type KubectlSession } from './kubectl-session.js';
import { parseSections, parseTable, rowByName } from './table.js';

const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string; labels?: Record<string, string>; annotations?: Record<string, string>; creationTimestamp?: string; managedFields?: { manager: string; operation: string }[]; finalizers?: string[]; deletionTimestamp?: string };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}
interface SvcSpec {
  clusterIP?: string;
  type?: string;
  selector?: Record<string, string>;
  ports: { name?: string; port: number; targetPort?: number | string; protocol?: string; nodePort?: number }[];
}

function service(name: string, o: { targetPort?: number; extraPort?: boolean; selector?: string; labels?: Record<string, string>; type?: string; ns?: string } = {}): string {
  const labels = o.labels ?? { app: name };
  return [
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    `  name: ${name}`,
    ...(o.ns ? [`  namespace: ${o.ns}`] : []),
    '  labels:',
    ...Object.entries(labels).map(([k, v]) => `    ${k}: ${v}`),
    'spec:',
    ...(o.type ? [`  type: ${o.type}`] : []),
    '  selector:',
    `    app: ${o.selector ?? name}`,
    '  ports:',
    '  - name: http',
    '    port: 80',
    `    targetPort: ${o.targetPort ?? 8080}`,
    ...(o.extraPort ? ['  - name: https', '    port: 443', '    targetPort: 8443'] : []),
    '',
  ].join('\n');
}

function pod(name: string, labels: Record<string, string>, o: { ns?: string; finalizers?: string[] } = {}): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...(o.ns ? { namespace: o.ns } : {}), labels, ...(o.finalizers ? { finalizers: o.finalizers } : {}) },
    spec: { containers: [{ name: 'c', image: 'nginx:1.25', ports: [{ containerPort: 8080 }] }] },
  });
}

function namespace(name: string): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

function deployment(name: string, replicas: number, image = 'nginx:1.25'): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    '  labels:',
    `    app: ${name}`,
    'spec:',
    `  replicas: ${replicas}`,
    '  selector:',
    '    matchLabels:',
    `      app: ${name}`,
    '  template:',
    '    metadata:',
    '      labels:',
    `        app: ${name}`,
    '    spec:',
    '      containers:',
    '      - name: c',
    `        image: ${image}`,
    '',
  ].join('\n');
}

export function kubectlSuite(name: string, makeBackend: BackendFactory): void {
  describe(`kubectl against kubesvc (${name})`, { timeout: 180_000 }, () => {
    let backend: BackendFixture | undefined;
    let srv: TestServer | undefined;
    let k: KubectlSession;
    const file = (n: string, content: string): string => k.file(n, content);
    const getJson = async <T = Obj>(args: string[]): Promise<T> => JSON.parse(await k.ok(['get', ...args, '-o', 'json'])) as T;

    before(async () => {
      backend = await makeBackend();
      srv = await startTestServer(backend.options);
      k = kubectlSession(srv.kubeconfigPath);
    });
    after(async () => {
      await k?.close();
      await srv?.stop();
      await backend?.stop();
    });

    test('talks to the 1.32 client (version, api-versions)', async () => {
      const v = JSON.parse(await k.ok(['version', '-o', 'json'])) as { serverVersion: { major: string; minor: string; gitVersion: string } };
      assert.equal(v.serverVersion.major, '1');
      assert.equal(v.serverVersion.minor, '32');
      assert.match(v.serverVersion.gitVersion, /^v1\.32\./);
      const versions = (await k.ok(['api-versions'])).split('\n');
      for (const gv of ['v1', 'apps/v1', 'discovery.k8s.io/v1']) assert.ok(versions.includes(gv), `api-versions lacks ${gv}: ${versions.join(' ')}`);
    });

    test('api-resources lists names, shortnames, apiversion, namespaced and kind', async () => {
      const t = parseTable(await k.ok(['api-resources']));
      assert.deepEqual(t.columns, ['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND']);
      const want: [string, string, string, string, string][] = [
        ['namespaces', 'ns', 'v1', 'false', 'Namespace'],
        ['nodes', 'no', 'v1', 'false', 'Node'],
        ['pods', 'po', 'v1', 'true', 'Pod'],
        ['services', 'svc', 'v1', 'true', 'Service'],
        ['endpoints', 'ep', 'v1', 'true', 'Endpoints'],
        ['events', 'ev', 'v1', 'true', 'Event'],
        ['deployments', 'deploy', 'apps/v1', 'true', 'Deployment'],
        ['replicasets', 'rs', 'apps/v1', 'true', 'ReplicaSet'],
        ['endpointslices', '', 'discovery.k8s.io/v1', 'true', 'EndpointSlice'],
      ];
      for (const [n, short, gv, namespaced, kind] of want) {
        const row = t.rows.find((r) => r.NAME === n && r.APIVERSION === gv);
        assert.ok(row, `api-resources has no ${n} in ${gv}:\n${JSON.stringify(t.rows)}`);
        assert.deepEqual(row, { NAME: n, SHORTNAMES: short, APIVERSION: gv, NAMESPACED: namespaced, KIND: kind });
      }
      const clusterScoped = parseTable(await k.ok(['api-resources', '--namespaced=false'])).rows.map((r) => r.NAME);
      assert.ok(clusterScoped.includes('namespaces') && clusterScoped.includes('nodes'));
      assert.ok(!clusterScoped.includes('pods'));
      const apps = parseTable(await k.ok(['api-resources', '--api-group=apps'])).rows.map((r) => r.NAME).sort();
      assert.deepEqual(apps.filter((n) => n === 'deployments' || n === 'replicasets'), ['deployments', 'replicasets']);
      assert.ok(!apps.includes('pods'));
      const wide = parseTable(await k.ok(['api-resources', '-o', 'wide']));
      const pods = rowByName(wide, 'pods');
      assert.deepEqual(pods.VERBS.split(',').sort(), ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
      assert.equal(pods.CATEGORIES, 'all');
    });

    test('explain service.spec.ports and every served resource', async () => {
      const out = await k.ok(['explain', 'service.spec.ports']);
      assert.match(out, /^KIND:\s+Service$/m);
      assert.match(out, /^VERSION:\s+v1$/m);
      assert.match(out, /^FIELD:\s+ports <\[\]ServicePort>$/m);
      assert.match(out, /^DESCRIPTION:$/m);
      assert.match(out, /^FIELDS:$/m);
      assert.match(out, /^ {2}port\t<integer> -required-$/m);
      assert.match(out, /^ {2}targetPort\t<IntOrString>$/m);
      assert.match(out, /^ {2}protocol\t<string>$/m);
      assert.match(out, /^ {2}nodePort\t<integer>$/m);
      assert.match(out, /^ {2}name\t<string>$/m);
      for (const [res, kind, version] of [
        ['pods', 'Pod', 'v1'], ['services', 'Service', 'v1'], ['endpoints', 'Endpoints', 'v1'], ['events', 'Event', 'v1'],
        ['namespaces', 'Namespace', 'v1'], ['nodes', 'Node', 'v1'], ['deployments', 'Deployment', 'apps/v1'],
        ['replicasets', 'ReplicaSet', 'apps/v1'], ['endpointslices', 'EndpointSlice', 'discovery.k8s.io/v1'],
      ]) {
        const e = await k.ok(['explain', res]);
        assert.match(e, new RegExp(`^KIND:\\s+${kind}$`, 'm'), `explain ${res}`);
        assert.match(e, new RegExp(`^(VERSION:\\s+${version.split('/').pop()}|GROUP:\\s+${version.split('/')[0]})$`, 'm'), `explain ${res}`);
      }
      const containers = await k.ok(['explain', 'pod.spec.containers.image']);
      assert.match(containers, /^FIELD:\s+image <string>$/m);
    });

    describe('get', () => {
      const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      before(async () => {
        await k.ok(['create', '-f', file('g-other-ns.json', namespace('g-other'))]);
        const manifests = [
          service('g-web'),
          pod('g-web-1', { app: 'g-web', tier: 'fe' }),
          pod('g-web-2', { app: 'g-web', tier: 'be' }, { ns: 'g-other' }),
          pod('g-db-1', { app: 'g-db' }),
          JSON.stringify({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'g-web' }, subsets: [{ addresses: [{ ip: '10.0.0.5' }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }] }),
          JSON.stringify({
            apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
            metadata: { name: 'g-web-abc12', labels: { 'kubernetes.io/service-name': 'g-web' } },
            addressType: 'IPv4',
            endpoints: [{ addresses: ['10.0.0.5'], conditions: { ready: true } }],
            ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
          }),
          deployment('g-app', 2),
          JSON.stringify({
            apiVersion: 'apps/v1', kind: 'ReplicaSet',
            metadata: { name: 'g-app-5d4f8', labels: { app: 'g-app', 'pod-template-hash': '5d4f8' } },
            spec: {
              replicas: 2,
              selector: { matchLabels: { app: 'g-app', 'pod-template-hash': '5d4f8' } },
              template: { metadata: { labels: { app: 'g-app', 'pod-template-hash': '5d4f8' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } },
            },
          }),
          JSON.stringify({
            apiVersion: 'v1', kind: 'Node',
            metadata: { name: 'g-node-1', labels: { 'kubernetes.io/hostname': 'g-node-1' } },
            status: {
              conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'ready', lastHeartbeatTime: now, lastTransitionTime: now }],
              addresses: [{ type: 'InternalIP', address: '10.1.0.10' }, { type: 'Hostname', address: 'g-node-1' }],
              nodeInfo: {
                kubeletVersion: 'v1.32.0', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0-test', containerRuntimeVersion: 'containerd://1.7.0',
                machineID: '', systemUUID: '', bootID: '', kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'amd64',
              },
            },
          }),
          JSON.stringify({
            apiVersion: 'v1', kind: 'Event',
            metadata: { name: 'g-web.17c0a1b2c3d4e5f6' },
            involvedObject: { apiVersion: 'v1', kind: 'Service', name: 'g-web', namespace: 'default', uid: '@SVC_UID@' },
            reason: 'Testing', message: 'hello from the integration suite', type: 'Normal',
            source: { component: 'kubesvc-test' }, firstTimestamp: now, lastTimestamp: now, count: 1,
          }),
          service('g-np', { type: 'NodePort' }),
        ];
        for (const [i, m] of manifests.entries()) {
          // the Event points at the Service by uid, as describe's field selector expects
          const body = m.includes('@SVC_UID@') ? m.replace('@SVC_UID@', await k.ok(['get', 'svc', 'g-web', '-o', 'jsonpath={.metadata.uid}'])) : m;
          await k.ok(['create', '-f', file(`get-${i}.yaml`, body)]);
        }
      });

      test('svc: columns, ClusterIP and ports', async () => {
        const t = parseTable(await k.ok(['get', 'svc']));
        assert.deepEqual(t.columns, ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
        const web = rowByName(t, 'g-web');
        assert.equal(web.TYPE, 'ClusterIP');
        assert.match(web['CLUSTER-IP'], IPV4, 'a ClusterIP is allocated');
        assert.equal(web['EXTERNAL-IP'], '<none>');
        assert.equal(web['PORT(S)'], '80/TCP');
        const np = rowByName(t, 'g-np');
        assert.equal(np.TYPE, 'NodePort');
        assert.match(np['PORT(S)'], /^80:3\d{4}\/TCP$/);
        const wide = parseTable(await k.ok(['get', 'svc', 'g-web', '-o', 'wide']));
        assert.deepEqual(wide.columns, ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', 'SELECTOR']);
        assert.equal(rowByName(wide, 'g-web').SELECTOR, 'app=g-web');
        const short = parseTable(await k.ok(['get', 'services', 'g-web']));
        assert.equal(short.rows.length, 1);
      });

      test('the kubernetes Service exists in default', async () => {
        const t = parseTable(await k.ok(['get', 'svc', 'kubernetes']));
        const row = rowByName(t, 'kubernetes');
        assert.equal(row.TYPE, 'ClusterIP');
        assert.equal(row['PORT(S)'], '443/TCP');
        assert.match(row['CLUSTER-IP'], IPV4);
      });

      test('pods: columns, -o wide, --show-labels', async () => {
        const t = parseTable(await k.ok(['get', 'pods']));
        assert.deepEqual(t.columns, ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
        const p = rowByName(t, 'g-web-1');
        assert.deepEqual([p.READY, p.STATUS, p.RESTARTS], ['0/1', 'Pending', '0']);
        assert.ok(!t.rows.some((r) => r.NAME === 'g-web-2'), 'other namespace is not listed');
        const wide = parseTable(await k.ok(['get', 'po', 'g-web-1', '-o', 'wide']));
        assert.deepEqual(wide.columns, ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
        const w = rowByName(wide, 'g-web-1');
        assert.deepEqual([w.IP, w.NODE, w['NOMINATED NODE'], w['READINESS GATES']], ['<none>', '<none>', '<none>', '<none>']);
        const labels = parseTable(await k.ok(['get', 'pods', 'g-web-1', '--show-labels']));
        assert.deepEqual(labels.columns, ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'LABELS']);
        assert.equal(rowByName(labels, 'g-web-1').LABELS, 'app=g-web,tier=fe');
      });

      test('-A and --show-labels across namespaces', async () => {
        const t = parseTable(await k.ok(['get', 'pods', '-A', '--show-labels']));
        assert.deepEqual(t.columns, ['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'LABELS']);
        assert.deepEqual(
          t.rows.filter((r) => r.NAME.startsWith('g-')).map((r) => [r.NAMESPACE, r.NAME, r.LABELS]).sort(),
          [['default', 'g-db-1', 'app=g-db'], ['default', 'g-web-1', 'app=g-web,tier=fe'], ['g-other', 'g-web-2', 'app=g-web,tier=be']],
        );
        const svc = parseTable(await k.ok(['get', 'svc', '--all-namespaces']));
        assert.equal(svc.columns[0], 'NAMESPACE');
        assert.equal(rowByName(svc, 'g-web').NAMESPACE, 'default');
        const inNs = parseTable(await k.ok(['get', 'pods', '-n', 'g-other']));
        assert.deepEqual(inNs.rows.map((r) => r.NAME), ['g-web-2']);
        const fs = parseTable(await k.ok(['get', 'pods', '-A', '--field-selector', 'metadata.namespace=g-other']));
        assert.deepEqual(fs.rows.map((r) => r.NAME), ['g-web-2']);
        const phase = parseTable(await k.ok(['get', 'pods', '--field-selector', 'status.phase=Pending,metadata.name=g-db-1']));
        assert.deepEqual(phase.rows.map((r) => r.NAME), ['g-db-1']);
      });

      test('-l with every selector operator', async () => {
        const names = async (sel: string, extra: string[] = []): Promise<string[]> =>
          parseTable(await k.ok(['get', 'pods', '-A', '-l', sel, ...extra])).rows.map((r) => r.NAME).filter((n) => n.startsWith('g-')).sort();
        assert.deepEqual(await names('tier=fe'), ['g-web-1']);
        assert.deepEqual(await names('app==g-web'), ['g-web-1', 'g-web-2']);
        assert.deepEqual(await names('app=g-web,tier!=fe'), ['g-web-2']);
        assert.deepEqual(await names('tier in (fe,be)'), ['g-web-1', 'g-web-2']);
        assert.deepEqual(await names('app in (g-web,g-db),tier notin (be)'), ['g-db-1', 'g-web-1']);
        assert.deepEqual(await names('tier'), ['g-web-1', 'g-web-2']);
        assert.deepEqual(await names('app,!tier'), ['g-db-1']);
        const none = await k.run(['get', 'pods', '-l', 'app=nothing-here']);
        assert.equal(none.code, 0);
        assert.equal(none.stdout, '');
        assert.match(none.stderr, /^No resources found in default namespace\.$/m);
        const bad = await k.fails(['get', 'pods', '-l', 'a b c']);
        assert.match(bad.stderr, /unable to parse requirement|couldn't parse the selector|found 'b'/);
      });

      test('-o yaml, -o json, -o jsonpath', async () => {
        const yaml = await k.ok(['get', 'svc', 'g-web', '-o', 'yaml']);
        assert.match(yaml, /^apiVersion: v1$/m);
        assert.match(yaml, /^kind: Service$/m);
        assert.match(yaml, /^ {2}name: g-web$/m);
        assert.match(yaml, /^ {2}namespace: default$/m);
        assert.match(yaml, /^ {2}uid: [0-9a-f-]{36}$/m);
        assert.match(yaml, /^ {2}resourceVersion: "\d+"$/m);
        assert.match(yaml, /^ {2}creationTimestamp: "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"$/m);
        const svc = await getJson<Obj & { spec: SvcSpec }>(['svc', 'g-web']);
        assert.equal(svc.kind, 'Service');
        assert.equal(svc.spec.type, 'ClusterIP');
        assert.equal(svc.spec.ports[0].protocol, 'TCP', 'protocol is defaulted');
        assert.equal(svc.spec.ports[0].targetPort, 8080);
        assert.deepEqual(svc.spec.selector, { app: 'g-web' });
        assert.equal((svc.spec as Record<string, unknown>).sessionAffinity, 'None');
        const list = await getJson<{ kind: string; apiVersion: string; items: Obj[]; metadata: { resourceVersion: string } }>(['pods', '-l', 'app=g-web']);
        assert.equal(list.kind, 'List');
        assert.deepEqual(list.items.map((i) => [i.kind, i.metadata.name]), [['Pod', 'g-web-1']]);
        assert.equal(await k.ok(['get', 'svc', 'g-web', '-o', 'jsonpath={.spec.ports[0].port}/{.spec.ports[0].protocol}']), '80/TCP');
        assert.equal(
          await k.ok(['get', 'pods', '-A', '-l', 'app=g-web', '-o', 'jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name}{"\\n"}{end}']),
          'default/g-web-1\ng-other/g-web-2\n',
        );
        assert.equal(await k.ok(['get', 'svc', 'g-web', '-o', 'custom-columns=N:.metadata.name,P:.spec.ports[*].port', '--no-headers']), 'g-web   80\n');
        assert.equal(await k.ok(['get', 'svc', 'g-web', '-o', 'name']), 'service/g-web\n');
      });

      test('ep and endpointslices', async () => {
        const ep = parseTable(await k.ok(['get', 'ep']));
        assert.deepEqual(ep.columns, ['NAME', 'ENDPOINTS', 'AGE']);
        assert.equal(rowByName(ep, 'g-web').ENDPOINTS, '10.0.0.5:8080');
        const es = parseTable(await k.ok(['get', 'endpointslices']));
        assert.deepEqual(es.columns, ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE']);
        const row = rowByName(es, 'g-web-abc12');
        assert.deepEqual([row.ADDRESSTYPE, row.PORTS, row.ENDPOINTS], ['IPv4', '8080', '10.0.0.5']);
        const bySvc = parseTable(await k.ok(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=g-web']));
        assert.deepEqual(bySvc.rows.map((r) => r.NAME), ['g-web-abc12']);
      });

      test('deploy and rs, with -o wide', async () => {
        const d = parseTable(await k.ok(['get', 'deploy']));
        assert.deepEqual(d.columns, ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
        const app = rowByName(d, 'g-app');
        assert.deepEqual([app.READY, app['UP-TO-DATE'], app.AVAILABLE], ['0/2', '0', '0']);
        const dw = parseTable(await k.ok(['get', 'deployments.apps', 'g-app', '-o', 'wide']));
        assert.deepEqual(dw.columns, ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
        const aw = rowByName(dw, 'g-app');
        assert.deepEqual([aw.CONTAINERS, aw.IMAGES, aw.SELECTOR], ['c', 'nginx:1.25', 'app=g-app']);
        const rs = parseTable(await k.ok(['get', 'rs']));
        assert.deepEqual(rs.columns, ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
        const r = rowByName(rs, 'g-app-5d4f8');
        assert.deepEqual([r.DESIRED, r.CURRENT, r.READY], ['2', '0', '0']);
        const rw = parseTable(await k.ok(['get', 'rs', 'g-app-5d4f8', '-o', 'wide']));
        assert.deepEqual(rw.columns, ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
        assert.equal(rowByName(rw, 'g-app-5d4f8').SELECTOR, 'app=g-app,pod-template-hash=5d4f8');
      });

      test('nodes and ns', async () => {
        const n = parseTable(await k.ok(['get', 'nodes']));
        assert.deepEqual(n.columns, ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
        const node = rowByName(n, 'g-node-1');
        assert.deepEqual([node.STATUS, node.ROLES, node.VERSION], ['Ready', '<none>', 'v1.32.0']);
        const nw = parseTable(await k.ok(['get', 'no', 'g-node-1', '-o', 'wide']));
        assert.deepEqual(nw.columns, ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', 'INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME']);
        const w = rowByName(nw, 'g-node-1');
        assert.deepEqual([w['INTERNAL-IP'], w['EXTERNAL-IP'], w['OS-IMAGE'], w['KERNEL-VERSION'], w['CONTAINER-RUNTIME']], ['10.1.0.10', '<none>', 'Debian GNU/Linux 12 (bookworm)', '6.1.0-test', 'containerd://1.7.0']);
        const ns = parseTable(await k.ok(['get', 'ns']));
        assert.deepEqual(ns.columns, ['NAME', 'STATUS', 'AGE']);
        for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'g-other']) assert.equal(rowByName(ns, name).STATUS, 'Active');
        const nsLabels = parseTable(await k.ok(['get', 'ns', 'g-other', '--show-labels']));
        assert.equal(rowByName(nsLabels, 'g-other').LABELS, 'kubernetes.io/metadata.name=g-other');
      });

      test('events', async () => {
        const t = parseTable(await k.ok(['get', 'events']));
        assert.deepEqual(t.columns, ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
        const row = t.rows.find((r) => r.REASON === 'Testing');
        assert.ok(row, JSON.stringify(t.rows));
        assert.deepEqual([row.TYPE, row.OBJECT, row.MESSAGE], ['Normal', 'service/g-web', 'hello from the integration suite']);
        const ev = parseTable(await k.ok(['get', 'ev', '--field-selector', 'involvedObject.kind=Service,involvedObject.name=g-web']));
        assert.equal(ev.rows.length, 1);
        const none = await k.run(['get', 'ev', '--field-selector', 'involvedObject.name=nothing']);
        assert.match(none.stderr, /No resources found in default namespace\./);
      });

      test('all', async () => {
        const sections = parseSections(await k.ok(['get', 'all']));
        const names = sections.flatMap((s) => s.rows.map((r) => r.NAME));
        for (const n of ['pod/g-web-1', 'pod/g-db-1', 'service/g-web', 'service/g-np', 'deployment.apps/g-app', 'replicaset.apps/g-app-5d4f8']) {
          assert.ok(names.includes(n), `get all lacks ${n}: ${names.join(' ')}`);
        }
        assert.ok(!names.some((n) => n.startsWith('endpoints/') || n.startsWith('event')), 'only the "all" category');
        assert.deepEqual(sections.find((s) => s.rows.some((r) => r.NAME === 'service/g-web'))?.columns, ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
        const allNs = parseSections(await k.ok(['get', 'all', '-A']));
        assert.ok(allNs.some((s) => s.rows.some((r) => r.NAMESPACE === 'g-other' && r.NAME === 'pod/g-web-2')));
      });

      test('several types at once and NotFound', async () => {
        const sections = parseSections(await k.ok(['get', 'svc,ep', '-l', 'app=g-web']));
        assert.ok(sections.length >= 1);
        const nf = await k.fails(['get', 'svc', 'does-not-exist']);
        assert.equal(nf.stderr.trim(), 'Error from server (NotFound): services "does-not-exist" not found');
        const nfd = await k.fails(['get', 'deploy', 'does-not-exist']);
        assert.equal(nfd.stderr.trim(), 'Error from server (NotFound): deployments.apps "does-not-exist" not found');
        const nfr = await k.fails(['get', 'nosuchkind']);
        assert.match(nfr.stderr, /the server doesn't have a resource type "nosuchkind"/);
      });

      test('describe svc shows endpoints from slices and events', async () => {
        const out = await k.ok(['describe', 'svc', 'g-web']);
        assert.match(out, /^Name:\s+g-web$/m);
        assert.match(out, /^Namespace:\s+default$/m);
        assert.match(out, /^Selector:\s+app=g-web$/m);
        assert.match(out, /^Type:\s+ClusterIP$/m);
        assert.match(out, /^Port:\s+http\s+80\/TCP$/m);
        assert.match(out, /^TargetPort:\s+8080\/TCP$/m);
        assert.match(out, /^Endpoints:\s+10\.0\.0\.5:8080$/m);
        assert.match(out, /Normal\s+Testing\s+.*hello from the integration suite/);
      });
    });

    test('get -w prints later changes', async () => {
      await k.ok(['create', '-f', file('w-1.json', pod('w-1', { app: 'wtest' }))]);
      const w = k.background(['get', 'pods', '-l', 'app=wtest', '-w']);
      try {
        await w.waitFor(/^w-1\s+0\/1\s+Pending\s+0\s+/m);
        assert.match(w.stdout, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/m);
        await k.ok(['create', '-f', file('w-2.json', pod('w-2', { app: 'wtest' }))]);
        await w.waitFor(/^w-2\s+0\/1\s+Pending\s+0\s+/m);
        assert.equal(w.child.exitCode, null, 'get -w keeps watching');
      } finally {
        await w.stop();
      }
      const ev = k.background(['get', 'pods', '-l', 'app=wtest', '-w', '--output-watch-events']);
      try {
        await ev.waitFor(/^ADDED\s+w-2\s+/m);
        assert.match(ev.stdout, /^EVENT\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/m);
        await k.ok(['label', 'pod', 'w-1', 'seen=yes']);
        await ev.waitFor(/^MODIFIED\s+w-1\s+/m);
        await k.ok(['delete', 'pod', 'w-2']);
        await ev.waitFor(/^DELETED\s+w-2\s+/m);
      } finally {
        await ev.stop();
      }
      const svcWatch = k.background(['get', 'svc', '-w', '-l', 'app=w-svc']);
      try {
        await svcWatch.waitFor(/No resources found|^$/m).catch(() => undefined);
        await k.ok(['create', '-f', file('w-svc.yaml', service('w-svc'))]);
        await svcWatch.waitFor(/^w-svc\s+ClusterIP\s+\S+\s+<none>\s+80\/TCP\s+/m);
      } finally {
        await svcWatch.stop();
      }
    });

    test('apply -f: created, unchanged, configured (only the change is patched)', async () => {
      const f = file('a-web.yaml', service('a-web'));
      assert.equal(await k.ok(['apply', '-f', f]), 'service/a-web created\n');
      const created = await getJson<Obj & { spec: SvcSpec }>(['svc', 'a-web']);
      assert.ok(created.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'], 'last-applied annotation');
      assert.equal(await k.ok(['apply', '-f', f]), 'service/a-web unchanged\n');
      assert.equal((await getJson(['svc', 'a-web'])).metadata.resourceVersion, created.metadata.resourceVersion, 'unchanged apply writes nothing');
      assert.equal(await k.ok(['label', 'svc', 'a-web', 'team=blue']), 'service/a-web labeled\n');
      assert.equal(await k.ok(['apply', '-f', f]), 'service/a-web unchanged\n', 'a label set by someone else is not part of the apply');
      const changed = file('a-web-2.yaml', service('a-web', { targetPort: 9090, extraPort: true }));
      assert.equal(await k.ok(['apply', '-f', changed]), 'service/a-web configured\n');
      const after1 = await getJson<Obj & { spec: SvcSpec }>(['svc', 'a-web']);
      assert.equal(after1.metadata.uid, created.metadata.uid);
      assert.equal(after1.metadata.labels?.team, 'blue', 'the label from kubectl label survives the apply');
      assert.equal(after1.metadata.labels?.app, 'a-web');
      assert.equal(after1.spec.clusterIP, created.spec.clusterIP, 'clusterIP is kept');
      assert.deepEqual(after1.spec.ports.map((p) => [p.name, p.port, p.targetPort, p.protocol]), [['http', 80, 9090, 'TCP'], ['https', 443, 8443, 'TCP']]);
      assert.match(after1.metadata.annotations!['kubectl.kubernetes.io/last-applied-configuration'], /9090/);
      // back to one port: the removed port goes, the label still stays
      assert.equal(await k.ok(['apply', '-f', f]), 'service/a-web configured\n');
      const after2 = await getJson<Obj & { spec: SvcSpec }>(['svc', 'a-web']);
      assert.deepEqual(after2.spec.ports.map((p) => [p.name, p.port, p.targetPort]), [['http', 80, 8080]]);
      assert.equal(after2.metadata.labels?.team, 'blue');
      // a Deployment (apps group, containers merged by name)
      const d = file('a-app.yaml', deployment('a-app', 1));
      assert.equal(await k.ok(['apply', '-f', d]), 'deployment.apps/a-app created\n');
      assert.equal(await k.ok(['apply', '-f', d]), 'deployment.apps/a-app unchanged\n');
      assert.equal(await k.ok(['apply', '-f', file('a-app-2.yaml', deployment('a-app', 1, 'nginx:1.27'))]), 'deployment.apps/a-app configured\n');
      const dep = await getJson<Obj & { spec: { template: { spec: { containers: { name: string; image: string }[] } } }; metadata: { generation?: number } }>(['deploy', 'a-app']);
      assert.deepEqual(dep.spec.template.spec.containers.map((c) => [c.name, c.image]), [['c', 'nginx:1.27']]);
      assert.equal(dep.metadata.generation, 2, 'generation bumped by the spec change');
    });

    test('apply --server-side: applied, conflict, --force-conflicts', async () => {
      const f = file('ssa-web.yaml', service('ssa-web'));
      assert.equal(await k.ok(['apply', '--server-side', '-f', f]), 'service/ssa-web serverside-applied\n');
      assert.equal(await k.ok(['apply', '--server-side', '-f', f]), 'service/ssa-web serverside-applied\n');
      const svc = await getJson<Obj & { spec: SvcSpec }>(['svc', 'ssa-web', '--show-managed-fields']);
      assert.ok(svc.metadata.managedFields?.some((m) => m.manager === 'kubectl' && m.operation === 'Apply'), JSON.stringify(svc.metadata.managedFields));
      // another applier owning a different field: no conflict, both kept
      const other = file('ssa-other.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: ssa-web\n  labels:\n    owner: other\n');
      assert.equal(await k.ok(['apply', '--server-side', '--field-manager=other', '-f', other]), 'service/ssa-web serverside-applied\n');
      // another applier wanting a field kubectl owns: conflict
      const grab = file('ssa-grab.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: ssa-web\nspec:\n  selector:\n    app: grabbed\n');
      const c1 = await k.fails(['apply', '--server-side', '--field-manager=other', '-f', grab]);
      assert.match(c1.stderr, /Apply failed with 1 conflict: conflict with "kubectl": \.spec\.selector$/m);
      // a plain update by another manager takes the field; kubectl's re-apply then conflicts
      assert.equal(await k.ok(['patch', 'svc', 'ssa-web', '--type=merge', '-p', '{"spec":{"selector":{"app":"changed"}}}']), 'service/ssa-web patched\n');
      const c2 = await k.fails(['apply', '--server-side', '-f', f]);
      assert.match(c2.stderr, /Apply failed with 1 conflict: conflict with "kubectl-patch"[^\n]*: \.spec\.selector$/m);
      assert.deepEqual((await getJson<Obj & { spec: SvcSpec }>(['svc', 'ssa-web'])).spec.selector, { app: 'changed' }, 'a conflict changes nothing');
      assert.equal(await k.ok(['apply', '--server-side', '--force-conflicts', '-f', f]), 'service/ssa-web serverside-applied\n');
      const forced = await getJson<Obj & { spec: SvcSpec }>(['svc', 'ssa-web']);
      assert.deepEqual(forced.spec.selector, { app: 'ssa-web' });
      assert.equal(forced.metadata.labels?.owner, 'other', "the other applier's label stays");
      assert.equal(forced.metadata.labels?.app, 'ssa-web');
    });

    test('create -f, and AlreadyExists', async () => {
      const f = file('c-web.yaml', service('c-web'));
      assert.equal(await k.ok(['create', '-f', f]), 'service/c-web created\n');
      const again = await k.fails(['create', '-f', f]);
      assert.equal(again.stderr.trim(), `Error from server (AlreadyExists): error when creating "${f}": services "c-web" already exists`);
      const fromStdin = await k.ok(['create', '-f', '-'], { input: pod('c-pod', { app: 'c' }) });
      assert.equal(fromStdin, 'pod/c-pod created\n');
      const gen = await k.ok(['create', '-f', '-', '-o', 'name'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Endpoints', metadata: { generateName: 'c-gen-' } }) });
      assert.match(gen, /^endpoints\/c-gen-[a-z0-9]{5}\n$/);
    });

    test('create generators: namespace, deployment, service (protobuf request bodies)', async () => {
      assert.equal(await k.ok(['create', 'namespace', 'c-ns']), 'namespace/c-ns created\n');
      assert.equal(rowByName(parseTable(await k.ok(['get', 'ns', 'c-ns'])), 'c-ns').STATUS, 'Active');
      assert.equal(await k.ok(['create', 'deployment', 'c-app', '--image=nginx:1.25', '--replicas=2']), 'deployment.apps/c-app created\n');
      const d = await getJson<Obj & { spec: { replicas: number; template: { spec: { containers: { name: string; image: string }[] } } } }>(['deploy', 'c-app']);
      assert.equal(d.spec.replicas, 2);
      assert.deepEqual(d.spec.template.spec.containers.map((c) => [c.name, c.image]), [['nginx', 'nginx:1.25']]);
      assert.equal(await k.ok(['create', 'service', 'clusterip', 'c-svc', '--tcp=80:8080']), 'service/c-svc created\n');
      assert.equal(await k.ok(['get', 'svc', 'c-svc', '-o', 'jsonpath={.spec.ports[0].name}/{.spec.ports[0].targetPort}']), '80-8080/8080');
      assert.equal(await k.ok(['expose', 'deployment', 'c-app', '--port=80', '--target-port=8080', '--type=NodePort']), 'service/c-app exposed\n');
      assert.match(rowByName(parseTable(await k.ok(['get', 'svc', 'c-app'])), 'c-app')['PORT(S)'], /^80:3\d{4}\/TCP$/);
    });

    test('replace -f', async () => {
      await k.ok(['create', '-f', file('r-web.yaml', service('r-web'))]);
      const before1 = await getJson<Obj & { spec: SvcSpec }>(['svc', 'r-web']);
      const f = file('r-web-2.yaml', service('r-web', { targetPort: 7070, labels: { app: 'r-web', replaced: 'true-ly' } }));
      assert.equal(await k.ok(['replace', '-f', f]), 'service/r-web replaced\n');
      const after1 = await getJson<Obj & { spec: SvcSpec }>(['svc', 'r-web']);
      assert.equal(after1.spec.ports[0].targetPort, 7070);
      assert.equal(after1.metadata.labels?.replaced, 'true-ly');
      assert.equal(after1.spec.clusterIP, before1.spec.clusterIP, 'replace keeps the allocated clusterIP');
      assert.ok(Number(after1.metadata.resourceVersion) > Number(before1.metadata.resourceVersion));
      // replace with the stale object read earlier: 409 Conflict
      const stale = file('r-web-stale.json', JSON.stringify({ ...before1, metadata: { ...before1.metadata, labels: { app: 'r-web', stale: 'yes' } } }));
      const conflict = await k.fails(['replace', '-f', stale]);
      assert.match(conflict.stderr, /Error from server \(Conflict\): error when replacing ".*r-web-stale\.json": Operation cannot be fulfilled on services "r-web": the object has been modified; please apply your changes to the latest version and try again/);
      const missing = file('r-none.yaml', service('r-none'));
      const nf = await k.fails(['replace', '-f', missing]);
      assert.equal(nf.stderr.trim(), `Error from server (NotFound): error when replacing "${missing}": services "r-none" not found`);
    });

    test('patch --type=json, merge and strategic', async () => {
      await k.ok(['create', '-f', file('p-web.yaml', service('p-web'))]);
      assert.equal(await k.ok(['patch', 'svc', 'p-web', '--type=json', '-p', '[{"op":"replace","path":"/spec/ports/0/targetPort","value":9000}]']), 'service/p-web patched\n');
      assert.equal(await k.ok(['get', 'svc', 'p-web', '-o', 'jsonpath={.spec.ports[0].targetPort}']), '9000');
      assert.equal(await k.ok(['patch', 'svc', 'p-web', '--type=merge', '-p', '{"metadata":{"labels":{"patched":"merge"}}}']), 'service/p-web patched\n');
      assert.equal(await k.ok(['patch', 'svc', 'p-web', '--type=strategic', '-p', '{"spec":{"ports":[{"name":"https","port":443,"targetPort":8443}]}}']), 'service/p-web patched\n');
      let svc = await getJson<Obj & { spec: SvcSpec }>(['svc', 'p-web']);
      // upstream SMP puts patch items not in the live list first (mergeSortedSlice)
      assert.deepEqual(svc.spec.ports.map((p) => [p.name, p.port, p.targetPort]), [['https', 443, 8443], ['http', 80, 9000]], 'SMP merges ports by port');
      assert.equal(svc.metadata.labels?.patched, 'merge');
      // the default type is strategic; $patch: delete removes one list element
      assert.equal(await k.ok(['patch', 'svc', 'p-web', '-p', '{"spec":{"ports":[{"port":443,"$patch":"delete"}]}}']), 'service/p-web patched\n');
      svc = await getJson<Obj & { spec: SvcSpec }>(['svc', 'p-web']);
      assert.deepEqual(svc.spec.ports.map((p) => p.port), [80]);
      // a merge patch replaces lists wholesale
      assert.equal(await k.ok(['patch', 'svc', 'p-web', '--type=merge', '-p', '{"spec":{"ports":[{"name":"web","port":8081}]}}']), 'service/p-web patched\n');
      svc = await getJson<Obj & { spec: SvcSpec }>(['svc', 'p-web']);
      assert.deepEqual(svc.spec.ports.map((p) => [p.name, p.port, p.targetPort, p.protocol]), [['web', 8081, 8081, 'TCP']]);
      assert.equal(await k.ok(['patch', 'svc', 'p-web', '--type=merge', '-p', '{"metadata":{"labels":{"patched":"merge"}}}']), 'service/p-web patched (no change)\n');
      const invalid = await k.fails(['patch', 'svc', 'p-web', '--type=json', '-p', '[{"op":"replace","path":"/spec/ports/0/port","value":0}]']);
      assert.match(invalid.stderr, /The Service "p-web" is invalid: spec\.ports\[0\]\.port: Invalid value: 0: must be between 1 and 65535, inclusive/);
      const jsonFail = await k.fails(['patch', 'svc', 'p-web', '--type=json', '-p', '[{"op":"test","path":"/metadata/name","value":"nope"}]']);
      assert.match(jsonFail.stderr, /Error from server|error/);
      const nf = await k.fails(['patch', 'svc', 'p-none', '--type=merge', '-p', '{}']);
      assert.match(nf.stderr, /Error from server \(NotFound\): services "p-none" not found/);
      // scale subresource through patch on a deployment
      await k.ok(['create', '-f', file('p-app.yaml', deployment('p-app', 1))]);
      assert.equal(await k.ok(['patch', 'deploy', 'p-app', '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":4}]']), 'deployment.apps/p-app patched\n');
      assert.equal(await k.ok(['get', 'deploy', 'p-app', '-o', 'jsonpath={.spec.replicas}']), '4');
    });

    test('edit with a scripted EDITOR', async () => {
      await k.ok(['create', '-f', file('e-web.yaml', service('e-web'))]);
      const script = k.file('edit.sh', "#!/bin/sh\nset -e\nsed -i 's/targetPort: 8080/targetPort: 8181/' \"$1\"\n", 0o755);
      const out = await k.ok(['edit', 'svc', 'e-web'], { env: { EDITOR: script, KUBE_EDITOR: script } });
      assert.equal(out, 'service/e-web edited\n');
      assert.equal(await k.ok(['get', 'svc', 'e-web', '-o', 'jsonpath={.spec.ports[0].targetPort}']), '8181');
      const noop = await k.run(['edit', 'svc', 'e-web'], { env: { EDITOR: '/bin/true', KUBE_EDITOR: '/bin/true' } });
      assert.equal(noop.code, 0, noop.stderr);
      assert.match(noop.stdout + noop.stderr, /Edit cancelled, no changes made\./);
      const bad = k.file('edit-bad.sh', "#!/bin/sh\nset -e\nsed -i 's/port: 80$/port: 0/' \"$1\"\n", 0o755);
      const invalid = await k.run(['edit', 'svc', 'e-web'], { env: { EDITOR: bad, KUBE_EDITOR: bad } });
      assert.notEqual(invalid.code, 0);
      assert.match(invalid.stderr, /^error: services "e-web" is invalid$/m);
      assert.match(invalid.stderr, /Edit cancelled, no valid changes were saved\./);
      assert.equal(await k.ok(['get', 'svc', 'e-web', '-o', 'jsonpath={.spec.ports[0].port}']), '80');
    });

    test('label and annotate', async () => {
      await k.ok(['create', '-f', file('l-pod.json', pod('l-pod', { app: 'l' }))]);
      assert.equal(await k.ok(['label', 'pod', 'l-pod', 'env=prod']), 'pod/l-pod labeled\n');
      const clash = await k.fails(['label', 'pod', 'l-pod', 'env=dev']);
      assert.match(clash.stderr, /'env' already has a value \(prod\), and --overwrite is false/);
      assert.equal(await k.ok(['label', 'pod', 'l-pod', 'env=dev', '--overwrite']), 'pod/l-pod labeled\n');
      assert.equal(rowByName(parseTable(await k.ok(['get', 'pod', 'l-pod', '--show-labels'])), 'l-pod').LABELS, 'app=l,env=dev');
      assert.equal(await k.ok(['label', 'pod', 'l-pod', 'env-']), 'pod/l-pod unlabeled\n');
      assert.equal(rowByName(parseTable(await k.ok(['get', 'pod', 'l-pod', '--show-labels'])), 'l-pod').LABELS, 'app=l');
      assert.equal(await k.ok(['annotate', 'pod', 'l-pod', 'example.com/note=hello world']), 'pod/l-pod annotated\n');
      assert.equal(await k.ok(['get', 'pod', 'l-pod', '-o', 'jsonpath={.metadata.annotations.example\\.com/note}']), 'hello world');
      assert.equal(await k.ok(['annotate', 'pod', 'l-pod', 'example.com/note-']), 'pod/l-pod annotated\n');
      assert.equal(await k.ok(['get', 'pod', 'l-pod', '-o', 'jsonpath={.metadata.annotations}']), '');
      const invalid = await k.fails(['label', 'pod', 'l-pod', 'bad key=x']);
      assert.match(invalid.stderr, /invalid label|at least one label update is required|invalid/);
    });

    test('scale deployment', async () => {
      await k.ok(['create', '-f', file('s-app.yaml', deployment('s-app', 1))]);
      assert.equal(await k.ok(['scale', 'deployment', 's-app', '--replicas=3']), 'deployment.apps/s-app scaled\n');
      assert.equal(await k.ok(['get', 'deploy', 's-app', '-o', 'jsonpath={.spec.replicas}']), '3');
      assert.equal(rowByName(parseTable(await k.ok(['get', 'deploy', 's-app'])), 's-app').READY, '0/3');
      const scale = JSON.parse(await k.ok(['get', '--raw', '/apis/apps/v1/namespaces/default/deployments/s-app/scale'])) as { kind: string; apiVersion: string; spec: { replicas: number }; status: { selector: string } };
      assert.equal(scale.kind, 'Scale');
      assert.equal(scale.apiVersion, 'autoscaling/v1');
      assert.equal(scale.spec.replicas, 3);
      assert.equal(scale.status.selector, 'app=s-app');
      const pre = await k.fails(['scale', 'deployment', 's-app', '--current-replicas=2', '--replicas=5']);
      assert.match(pre.stderr, /Expected replicas to be 2, was 3/);
      assert.equal(await k.ok(['scale', 'deployment/s-app', '--replicas=0']), 'deployment.apps/s-app scaled\n');
      assert.equal(await k.ok(['get', 'deploy', 's-app', '-o', 'jsonpath={.spec.replicas}']), '0');
    });

    test('diff: exit 0 without changes, 1 with a diff, nothing persisted', async () => {
      const f = file('df-web.yaml', service('df-web'));
      await k.ok(['apply', '-f', f]);
      const same = await k.run(['diff', '-f', f]);
      assert.equal(same.code, 0, same.stderr);
      assert.equal(same.stdout, '');
      const changed = file('df-web-2.yaml', service('df-web', { targetPort: 9191 }));
      const d = await k.run(['diff', '-f', changed]);
      assert.equal(d.code, 1, `diff exit code (stderr: ${d.stderr})`);
      assert.match(d.stdout, /^-\s+targetPort: 8080$/m);
      assert.match(d.stdout, /^\+\s+targetPort: 9191$/m);
      assert.match(d.stdout, /^diff -u -N /m);
      assert.equal(await k.ok(['get', 'svc', 'df-web', '-o', 'jsonpath={.spec.ports[0].targetPort}']), '8080', 'diff does not persist');
      const fresh = file('df-new.yaml', service('df-new'));
      const dn = await k.run(['diff', '-f', fresh]);
      assert.equal(dn.code, 1, dn.stderr);
      assert.match(dn.stdout, /^\+\s+name: df-new$/m);
      const gone = await k.fails(['get', 'svc', 'df-new']);
      assert.match(gone.stderr, /services "df-new" not found/);
    });

    test('--dry-run=server for create, apply and delete persists nothing', async () => {
      const f = file('dr-web.yaml', service('dr-web'));
      assert.equal(await k.ok(['create', '-f', f, '--dry-run=server']), 'service/dr-web created (server dry run)\n');
      assert.match((await k.fails(['get', 'svc', 'dr-web'])).stderr, /services "dr-web" not found/);
      const yaml = await k.ok(['create', '-f', f, '--dry-run=server', '-o', 'jsonpath={.metadata.uid}']);
      assert.match(yaml, /^[0-9a-f-]{36}$/, 'the dry-run response is the object as it would be stored');
      assert.equal(await k.ok(['apply', '-f', f, '--dry-run=server']), 'service/dr-web created (server dry run)\n');
      assert.match((await k.fails(['get', 'svc', 'dr-web'])).stderr, /services "dr-web" not found/);
      await k.ok(['apply', '-f', f]);
      const rv = (await getJson(['svc', 'dr-web'])).metadata.resourceVersion;
      assert.equal(await k.ok(['apply', '-f', file('dr-web-2.yaml', service('dr-web', { targetPort: 9999 })), '--dry-run=server']), 'service/dr-web configured (server dry run)\n');
      assert.equal(await k.ok(['apply', '--server-side', '-f', file('dr-web-3.yaml', service('dr-web', { targetPort: 9998 })), '--force-conflicts', '--dry-run=server']), 'service/dr-web serverside-applied (server dry run)\n');
      assert.equal(await k.ok(['delete', 'svc', 'dr-web', '--dry-run=server']), 'service "dr-web" deleted (server dry run)\n');
      const live = await getJson<Obj & { spec: SvcSpec }>(['svc', 'dr-web']);
      assert.equal(live.spec.ports[0].targetPort, 8080);
      assert.equal(live.metadata.resourceVersion, rv, 'no write at all');
      assert.equal(await k.ok(['scale', 'deploy', 'g-app', '--replicas=7', '--dry-run=server']), 'deployment.apps/g-app scaled (server dry run)\n');
      assert.equal(await k.ok(['get', 'deploy', 'g-app', '-o', 'jsonpath={.spec.replicas}']), '2');
      assert.equal(await k.ok(['label', 'svc', 'dr-web', 'x=y', '--dry-run=server']), 'service/dr-web labeled (server dry run)\n');
      assert.equal(await k.ok(['get', 'svc', 'dr-web', '-o', 'jsonpath={.metadata.labels.x}']), '');
    });

    test('delete, and delete --wait on a finalizer', async () => {
      await k.ok(['create', '-f', file('d-web.yaml', service('d-web'))]);
      assert.equal(await k.ok(['delete', 'svc', 'd-web']), 'service "d-web" deleted\n');
      const nf = await k.fails(['get', 'svc', 'd-web']);
      assert.equal(nf.stderr.trim(), 'Error from server (NotFound): services "d-web" not found');
      const again = await k.fails(['delete', 'svc', 'd-web']);
      assert.equal(again.stderr.trim(), 'Error from server (NotFound): services "d-web" not found');
      assert.equal(await k.ok(['delete', 'svc', 'd-web', '--ignore-not-found']), '');
      await k.ok(['create', '-f', file('d-pod.json', pod('d-pod', { app: 'd' }))]);
      assert.equal(await k.ok(['delete', 'pod', 'd-pod', '--wait']), 'pod "d-pod" deleted\n');
      assert.match((await k.fails(['get', 'pod', 'd-pod'])).stderr, /pods "d-pod" not found/);
      // several at once by label
      for (const n of ['d-a', 'd-b']) await k.ok(['create', '-f', file(`${n}.json`, pod(n, { app: 'd-many' }))]);
      const many = await k.ok(['delete', 'pods', '-l', 'app=d-many']);
      assert.deepEqual(many.trim().split('\n').sort(), ['pod "d-a" deleted', 'pod "d-b" deleted']);
      // --wait blocks until a finalizer is removed
      await k.ok(['create', '-f', file('d-fin.json', pod('d-fin', { app: 'd' }, { finalizers: ['example.com/hold'] }))]);
      const del = k.background(['delete', 'pod', 'd-fin', '--wait', '--timeout=30s']);
      try {
        await del.waitFor(/pod "d-fin" deleted/);
        const held = await eventually(async () => {
          const p = await getJson(['pod', 'd-fin']);
          return p.metadata.deletionTimestamp ? p : undefined;
        }, 10_000, 'deletionTimestamp set');
        assert.deepEqual(held.metadata.finalizers, ['example.com/hold']);
        await new Promise((r) => setTimeout(r, 500));
        assert.equal(del.child.exitCode, null, 'delete --wait still waiting while the finalizer is present');
        await k.ok(['patch', 'pod', 'd-fin', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
        const r = await del.exited(20_000);
        assert.equal(r.code, 0, r.stderr);
      } finally {
        await del.stop();
      }
      assert.match((await k.fails(['get', 'pod', 'd-fin'])).stderr, /pods "d-fin" not found/);
    });

    test('deleting a namespace removes its pods and services', async () => {
      const ns = 'ns-del';
      assert.equal(await k.ok(['create', '-f', file('ns-del.json', namespace(ns))]), `namespace/${ns} created\n`);
      await k.ok(['create', '-n', ns, '-f', file('nsd-svc.yaml', service('nsd-web'))]);
      await k.ok(['create', '-n', ns, '-f', file('nsd-pod.json', pod('nsd-pod', { app: 'nsd-web' }))]);
      await k.ok(['create', '-n', ns, '-f', file('nsd-app.yaml', deployment('nsd-app', 1))]);
      assert.equal(parseTable(await k.ok(['get', 'pods', '-n', ns])).rows.length, 1);
      assert.equal(await k.ok(['delete', 'ns', ns, '--wait=false']), `namespace "${ns}" deleted\n`);
      const status = await k.run(['get', 'ns', ns]);
      if (status.code === 0) assert.equal(rowByName(parseTable(status.stdout), ns).STATUS, 'Terminating');
      else assert.equal(status.stderr.trim(), `Error from server (NotFound): namespaces "${ns}" not found`);
      await eventually(async () => (await k.run(['get', 'ns', ns])).code !== 0, 20_000, 'namespace gone');
      assert.equal((await k.run(['get', 'ns', ns])).stderr.trim(), `Error from server (NotFound): namespaces "${ns}" not found`);
      const left = await k.ok(['get', 'pods,svc,deploy', '-A', '--field-selector', `metadata.namespace=${ns}`, '-o', 'name']);
      assert.equal(left, '');
      // with --wait (the default) kubectl returns once the namespace is gone
      await k.ok(['create', '-f', file('ns-del2.json', namespace('ns-del2'))]);
      await k.ok(['create', '-n', 'ns-del2', '-f', file('nsd2-pod.json', pod('p', { app: 'x' }))]);
      assert.equal(await k.ok(['delete', 'namespace', 'ns-del2'], { timeoutMs: 40_000 }), 'namespace "ns-del2" deleted\n');
      assert.match((await k.fails(['get', 'ns', 'ns-del2'])).stderr, /namespaces "ns-del2" not found/);
      const builtin = await k.fails(['delete', 'ns', 'default']);
      assert.match(builtin.stderr, /Error from server \(Forbidden\): namespaces "default" is forbidden: this namespace may not be deleted/);
    });
  });
}
