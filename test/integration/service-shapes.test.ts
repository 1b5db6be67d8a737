// Every Service shape from the Kubernetes "Service" concept page, driven through
// the real kubectl: apply, get (and -o wide), describe, and the -o yaml / replace
// round trips, compared with what a real cluster prints.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { startTestServer, type TestServer } from '../support/server.js';
import { kubectlSession, type KubectlSession } from '../support/kubectl-session.js';
import { parseTable, rowByName } from '../support/table.js';
import { describeBlocks, normalizeDescribe } from '../support/describe.js';

const IPV4 = /^10\.(9[6-9]|10[0-9]|11[01])\.\d{1,3}\.\d{1,3}$/; // inside 10.96.0.0/12
const SELECTOR = { 'app.kubernetes.io/name': 'MyApp' };

interface Port { name?: string; port: number; targetPort?: number | string; protocol?: string; nodePort?: number }
interface Svc {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    type?: string; clusterIP?: string; clusterIPs?: string[]; selector?: Record<string, string>; ports?: Port[]; externalName?: string; externalIPs?: string[];
    sessionAffinity?: string; sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } }; externalTrafficPolicy?: string; internalTrafficPolicy?: string;
    healthCheckNodePort?: number; ipFamilies?: string[]; ipFamilyPolicy?: string; allocateLoadBalancerNodePorts?: boolean;
  };
}

const svc = (name: string, spec: Svc['spec'], meta: Partial<Svc['metadata']> = {}): Svc => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, ...meta }, spec });

// The shapes, named after the documentation's examples (with unique names).
const shapes: Svc[] = [
  svc('shape-clusterip', { selector: SELECTOR, ports: [{ protocol: 'TCP', port: 80, targetPort: 9376 }] },
    { labels: { 'app.kubernetes.io/name': 'MyApp', tier: 'backend' }, annotations: { 'example.com/owner': 'team-a' } }),
  svc('shape-multiport', { selector: SELECTOR, ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 9376 }, { name: 'https', protocol: 'TCP', port: 443, targetPort: 9377 }] }),
  svc('shape-named-target', { selector: { 'app.kubernetes.io/name': 'proxy' }, ports: [{ name: 'name-of-service-port', protocol: 'TCP', port: 80, targetPort: 'http-web-svc' }] }),
  svc('shape-nodeport', { type: 'NodePort', selector: SELECTOR, ports: [{ port: 80, targetPort: 80 }] }),
  svc('shape-nodeport-fixed', { type: 'NodePort', selector: SELECTOR, ports: [{ port: 80, targetPort: 80, nodePort: 30007 }] }),
  svc('shape-lb', { type: 'LoadBalancer', selector: SELECTOR, ports: [{ protocol: 'TCP', port: 80, targetPort: 9376 }] }),
  svc('shape-externalname', { type: 'ExternalName', externalName: 'my.database.example.com' }, { namespace: 'default' }),
  svc('shape-headless', { clusterIP: 'None', selector: SELECTOR, ports: [{ port: 80, targetPort: 9376 }] }),
  svc('shape-headless-nosel', { clusterIP: 'None' }),
  svc('shape-externalips', { selector: SELECTOR, ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 49152 }], externalIPs: ['198.51.100.32'] }),
  svc('shape-affinity', { selector: SELECTOR, sessionAffinity: 'ClientIP', ports: [{ port: 80, targetPort: 8080 }] }),
  svc('shape-local', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', selector: SELECTOR, ports: [{ port: 80, targetPort: 8080 }] }),
];
const names = shapes.map((s) => s.metadata.name);
const manifest = (list: Svc[]): string => list.map((s) => stringify(s)).join('---\n');

describe('Service shapes from the Kubernetes documentation, through kubectl', { timeout: 90_000 }, () => {
  let srv: TestServer;
  let k: KubectlSession;
  const live = new Map<string, Svc>();
  const getSvc = async (name: string): Promise<Svc> => JSON.parse(await k.ok(['get', 'svc', name, '-o', 'json'])) as Svc;
  const nodePortOf = (name: string, i = 0): number => live.get(name)!.spec.ports![i].nodePort!;
  const ipOf = (name: string): string => live.get(name)!.spec.clusterIP!;

  before(async () => {
    srv = await startTestServer();
    k = kubectlSession(srv.kubeconfigPath);
  });
  after(async () => {
    await k?.close();
    await srv?.stop();
  });

  test('kubectl apply -f creates every shape', async () => {
    const out = await k.ok(['apply', '-f', k.file('shapes.yaml', manifest(shapes))]);
    assert.deepEqual(out.trim().split('\n'), names.map((n) => `service/${n} created`));
    for (const n of names) live.set(n, await getSvc(n));
  });

  test('defaulting and allocation per shape', () => {
    for (const n of names) {
      const s = live.get(n)!.spec;
      if (n === 'shape-externalname') {
        assert.equal(s.clusterIP, undefined, 'ExternalName gets no clusterIP');
        assert.equal(s.clusterIPs, undefined);
        assert.equal(s.ipFamilies, undefined);
        assert.equal(s.ipFamilyPolicy, undefined);
        continue;
      }
      if (n.startsWith('shape-headless')) {
        assert.equal(s.clusterIP, 'None');
        assert.deepEqual(s.clusterIPs, ['None']);
      } else {
        assert.match(s.clusterIP!, IPV4, `${n}: clusterIP`);
        assert.deepEqual(s.clusterIPs, [s.clusterIP]);
      }
      assert.equal(s.type ?? 'ClusterIP', s.type, `${n}: type defaulted`);
      assert.equal(s.internalTrafficPolicy, 'Cluster', `${n}: internalTrafficPolicy`);
      for (const p of s.ports ?? []) assert.equal(p.protocol, 'TCP', `${n}: protocol defaulted`);
    }
    // targetPort defaults to port; a named targetPort is kept as a string
    assert.equal(live.get('shape-affinity')!.spec.ports![0].targetPort, 8080);
    assert.equal(live.get('shape-named-target')!.spec.ports![0].targetPort, 'http-web-svc');
    assert.equal(live.get('shape-clusterip')!.spec.sessionAffinity, 'None');
    assert.equal(live.get('shape-clusterip')!.spec.externalTrafficPolicy, undefined, 'no externalTrafficPolicy on a plain ClusterIP');
    assert.deepEqual(live.get('shape-affinity')!.spec.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
    // node ports: allocated from the default range, the requested one honoured
    for (const n of ['shape-nodeport', 'shape-lb', 'shape-local']) {
      const np = nodePortOf(n);
      assert.ok(np >= 30000 && np <= 32767, `${n}: nodePort ${np} in 30000-32767`);
      assert.equal(live.get(n)!.spec.externalTrafficPolicy, n === 'shape-local' ? 'Local' : 'Cluster');
    }
    assert.equal(nodePortOf('shape-nodeport-fixed'), 30007);
    assert.equal(live.get('shape-lb')!.spec.allocateLoadBalancerNodePorts, true);
    assert.equal(live.get('shape-lb')!.spec.healthCheckNodePort, undefined, 'no health check port for externalTrafficPolicy Cluster');
    const hc = live.get('shape-local')!.spec.healthCheckNodePort!;
    assert.ok(hc >= 30000 && hc <= 32767 && hc !== nodePortOf('shape-local'), `healthCheckNodePort ${hc} allocated and distinct`);
    // single-stack IPv4, except headless without selector (RequireDualStack, both families)
    assert.equal(live.get('shape-clusterip')!.spec.ipFamilyPolicy, 'SingleStack');
    assert.deepEqual(live.get('shape-clusterip')!.spec.ipFamilies, ['IPv4']);
    assert.equal(live.get('shape-headless')!.spec.ipFamilyPolicy, 'SingleStack');
    assert.equal(live.get('shape-headless-nosel')!.spec.ipFamilyPolicy, 'RequireDualStack');
    assert.deepEqual(live.get('shape-headless-nosel')!.spec.ipFamilies, ['IPv4', 'IPv6']);
    // every allocated value distinct
    const ips = names.map((n) => live.get(n)!.spec.clusterIP).filter((ip) => ip && ip !== 'None');
    assert.equal(new Set(ips).size, ips.length, `duplicate clusterIPs: ${ips.join(' ')}`);
    assert.ok(!ips.includes('10.96.0.1') && !ips.includes('10.96.0.10'), 'reserved addresses not handed out');
  });

  test('kubectl get svc prints TYPE, CLUSTER-IP, EXTERNAL-IP and PORT(S) as a cluster does', async () => {
    const t = parseTable(await k.ok(['get', 'svc']));
    assert.deepEqual(t.columns, ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
    const want: Record<string, [string, string, string, string]> = {
      'shape-clusterip': ['ClusterIP', ipOf('shape-clusterip'), '<none>', '80/TCP'],
      'shape-multiport': ['ClusterIP', ipOf('shape-multiport'), '<none>', '80/TCP,443/TCP'],
      'shape-named-target': ['ClusterIP', ipOf('shape-named-target'), '<none>', '80/TCP'],
      'shape-nodeport': ['NodePort', ipOf('shape-nodeport'), '<none>', `80:${nodePortOf('shape-nodeport')}/TCP`],
      'shape-nodeport-fixed': ['NodePort', ipOf('shape-nodeport-fixed'), '<none>', '80:30007/TCP'],
      'shape-lb': ['LoadBalancer', ipOf('shape-lb'), '<pending>', `80:${nodePortOf('shape-lb')}/TCP`],
      'shape-externalname': ['ExternalName', '<none>', 'my.database.example.com', '<none>'],
      'shape-headless': ['ClusterIP', 'None', '<none>', '80/TCP'],
      'shape-headless-nosel': ['ClusterIP', 'None', '<none>', '<none>'],
      'shape-externalips': ['ClusterIP', ipOf('shape-externalips'), '198.51.100.32', '80/TCP'],
      'shape-affinity': ['ClusterIP', ipOf('shape-affinity'), '<none>', '80/TCP'],
      'shape-local': ['LoadBalancer', ipOf('shape-local'), '<pending>', `80:${nodePortOf('shape-local')}/TCP`],
      kubernetes: ['ClusterIP', '10.96.0.1', '<none>', '443/TCP'],
    };
    for (const [n, [type, ip, ext, ports]] of Object.entries(want)) {
      const r = rowByName(t, n);
      assert.deepEqual([r.TYPE, r['CLUSTER-IP'], r['EXTERNAL-IP'], r['PORT(S)']], [type, ip, ext, ports], `row ${n}`);
      assert.match(r.AGE, /^\d+s$/, `${n} AGE`);
    }
    assert.equal(t.rows.length, Object.keys(want).length, 'no other services');
  });

  test('kubectl get svc -o wide adds SELECTOR', async () => {
    const t = parseTable(await k.ok(['get', 'svc', '-o', 'wide']));
    assert.deepEqual(t.columns, ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', 'SELECTOR']);
    for (const n of names) {
      const sel = live.get(n)!.spec.selector;
      const want = sel ? Object.entries(sel).map(([a, b]) => `${a}=${b}`).join(',') : '<none>';
      assert.equal(rowByName(t, n).SELECTOR, want, `${n} SELECTOR`);
    }
    assert.equal(rowByName(t, 'kubernetes').SELECTOR, '<none>');
  });

  test('kubectl get svc NAME and -l select as a cluster does', async () => {
    const one = parseTable(await k.ok(['get', 'svc', 'shape-nodeport-fixed']));
    assert.deepEqual(one.rows.map((r) => r.NAME), ['shape-nodeport-fixed']);
    const byLabel = parseTable(await k.ok(['get', 'svc', '-l', 'tier=backend']));
    assert.deepEqual(byLabel.rows.map((r) => r.NAME), ['shape-clusterip']);
  });

  test('kubectl describe svc: every shape, with endpoint slices and events', async () => {
    // Endpoints come only from EndpointSlices labelled kubernetes.io/service-name (no controllers here).
    const slices = [
      { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'shape-clusterip-x1', labels: { 'kubernetes.io/service-name': 'shape-clusterip' } }, addressType: 'IPv4',
        ports: [{ name: '', port: 9376, protocol: 'TCP' }], endpoints: [{ addresses: ['10.244.0.5'], conditions: { ready: true } }, { addresses: ['10.244.0.6'], conditions: { ready: true } }] },
      { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'shape-multiport-x1', labels: { 'kubernetes.io/service-name': 'shape-multiport' } }, addressType: 'IPv4',
        ports: [{ name: 'http', port: 9376, protocol: 'TCP' }, { name: 'https', port: 9377, protocol: 'TCP' }], endpoints: [{ addresses: ['10.244.1.7'], conditions: { ready: true } }] },
    ];
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const event = {
      apiVersion: 'v1', kind: 'Event', metadata: { name: 'shape-clusterip.17a1' },
      involvedObject: { apiVersion: 'v1', kind: 'Service', name: 'shape-clusterip', namespace: 'default', uid: live.get('shape-clusterip')!.metadata.uid },
      reason: 'Testing', message: 'a service event', type: 'Normal', source: { component: 'kubesvc-test' }, firstTimestamp: now, lastTimestamp: now, count: 1,
    };
    await k.ok(['apply', '-f', k.file('slices.yaml', manifest([...slices, event] as unknown as Svc[]))]);

    const blocks = describeBlocks(await k.ok(['describe', 'svc', ...names]));
    assert.equal(blocks.length, names.length, 'one block per service');
    const byName = new Map(blocks.map((b) => [b[0].replace(/^Name:\s+/, ''), b]));
    const head = (n: string, type: string, o: { labels?: string[]; annotations?: string[]; selector?: string; policy?: string | null; families?: string; ip?: string } = {}): string[] => [
      `Name:  ${n}`,
      'Namespace:  default',
      ...(o.labels ?? ['Labels:  <none>']),
      ...(o.annotations ?? ['Annotations:  <none>']),
      `Selector:  ${o.selector ?? 'app.kubernetes.io/name=MyApp'}`,
      `Type:  ${type}`,
      ...(o.policy === null ? [] : [`IP Family Policy:  ${o.policy ?? 'SingleStack'}`]),
      `IP Families:  ${o.families ?? 'IPv4'}`,
      o.ip === '' ? 'IP:' : `IP:  ${o.ip ?? ipOf(n)}`,
      `IPs:  ${o.ip === '' ? '<none>' : o.ip ?? ipOf(n)}`,
    ];
    const want: Record<string, string[]> = {
      'shape-clusterip': [
        ...head('shape-clusterip', 'ClusterIP', { labels: ['Labels:  app.kubernetes.io/name=MyApp', '  tier=backend'], annotations: ['Annotations:  example.com/owner: team-a'] }),
        'Port:  <unset>  80/TCP', 'TargetPort:  9376/TCP', 'Endpoints:  10.244.0.5:9376,10.244.0.6:9376',
        'Session Affinity:  None', 'Internal Traffic Policy:  Cluster',
        'Events:', '  Type  Reason  Age  From  Message', '  ----  ------  ----  ----  -------',
      ],
      'shape-multiport': [
        ...head('shape-multiport', 'ClusterIP'),
        'Port:  http  80/TCP', 'TargetPort:  9376/TCP', 'Endpoints:  10.244.1.7:9376',
        'Port:  https  443/TCP', 'TargetPort:  9377/TCP', 'Endpoints:  10.244.1.7:9377',
        'Session Affinity:  None', 'Internal Traffic Policy:  Cluster', 'Events:  <none>',
      ],
      'shape-named-target': [
        ...head('shape-named-target', 'ClusterIP', { selector: 'app.kubernetes.io/name=proxy' }),
        'Port:  name-of-service-port  80/TCP', 'TargetPort:  http-web-svc/TCP', 'Endpoints:  <none>',
        'Session Affinity:  None', 'Internal Traffic Policy:  Cluster', 'Events:  <none>',
      ],
      'shape-nodeport': [
        ...head('shape-nodeport', 'NodePort'),
        'Port:  <unset>  80/TCP', 'TargetPort:  80/TCP', `NodePort:  <unset>  ${nodePortOf('shape-nodeport')}/TCP`, 'Endpoints:  <none>',
        'Session Affinity:  None', 'External Traffic Policy:  Cluster', 'Internal Traffic Policy:  Cluster', 'Events:  <none>',
      ],
      'shape-nodeport-fixed': [
        ...head('shape-nodeport-fixed', 'NodePort'),
        'Port:  <unset>  80/TCP', 'TargetPort:  80/TCP', 'NodePort:  <unset>  30007/TCP', 'Endpoints:  <none>',
        'Session Affinity:  None', 'External Traffic Policy:  Cluster', 'Internal Traffic Policy:  Cluster', 'Events:  <none>',
      ],
      'shape-lb': [
        ...head('shape-lb', 'LoadBalancer'),
        'Port:  <unset>  80/TCP', 'TargetPort:  9376/TCP', `NodePort:  <unset>  ${nodePortOf('shape-lb')}/TCP`, 'Endpoints:  <none>',
        'Session Affinity:  None', 'External Traffic Policy:  Cluster', 'Internal Traffic Policy:  Cluster', 'Events:  <none>',
      ],
      'shape-externalname': [
        ...head('shape-externalname', 'ExternalName', { selector: '<none>', policy: null, families: '<none>', ip: '' }),
        'External Name:  my.database.example.com', 'Session Affinity:  None', 'Events:  <none>',
      ],
      'shape-headless': [
        ...head('shape-headless', 'ClusterIP', { ip: 'None' }),
        'Port:  <unset>  80/TCP', 'TargetPort:  9376/TCP', 'Endpoints:  <none>',
        'Session Affinity:  None', 'Internal Traffic Policy:  Cluster', 'Events:  <none>',
      ],
      'shape-headless-nosel': [
        ...head('shape-headless-nosel', 'ClusterIP', { selector: '<none>', policy: 'RequireDualStack', families: 'IPv4,IPv6', ip: 'None' }),
        'Session Affinity:  None', 'Internal Traffic Policy:  Cluster', 'Events:  <none>',
      ],
      'shape-externalips': [
        ...head('shape-externalips', 'ClusterIP'),
        'External IPs:  198.51.100.32',
        'Port:  http  80/TCP', 'TargetPort:  49152/TCP', 'Endpoints:  <none>',
        'Session Affinity:  None', 'External Traffic Policy:  Cluster', 'Internal Traffic Policy:  Cluster', 'Events:  <none>',
      ],
      'shape-affinity': [
        ...head('shape-affinity', 'ClusterIP'),
        'Port:  <unset>  80/TCP', 'TargetPort:  8080/TCP', 'Endpoints:  <none>',
        'Session Affinity:  ClientIP', 'Internal Traffic Policy:  Cluster', 'Events:  <none>',
      ],
      'shape-local': [
        ...head('shape-local', 'LoadBalancer'),
        'Port:  <unset>  80/TCP', 'TargetPort:  8080/TCP', `NodePort:  <unset>  ${nodePortOf('shape-local')}/TCP`, 'Endpoints:  <none>',
        'Session Affinity:  None', 'External Traffic Policy:  Local', 'Internal Traffic Policy:  Cluster',
        `HealthCheck NodePort:  ${live.get('shape-local')!.spec.healthCheckNodePort}`, 'Events:  <none>',
      ],
    };
    for (const n of names) {
      const got = byName.get(n);
      assert.ok(got, `describe printed no block for ${n}`);
      if (n === 'shape-clusterip') {
        // the event row: Normal Testing <age> kubesvc-test a service event
        const last = got.pop()!;
        assert.match(last, /^ {2}Normal {2}Testing {2}\d+s {2}kubesvc-test {2}a service event$/, `event row: ${last}`);
      }
      assert.deepEqual(got, want[n], `describe svc ${n}`);
    }
    // the columns line up: kubectl's tabwriter got the same keys in one block
    const raw = (await k.ok(['describe', 'svc', 'shape-local'])).split('\n').filter((l) => /^[A-Z][^:]*:\s+\S/.test(l));
    const cols = new Set(raw.map((l) => l.search(/(?<=:\s+)\S/)));
    assert.equal(cols.size, 1, `values start in one column:\n${raw.join('\n')}`);
  });

  test('re-applying the same manifests reports every Service unchanged', async () => {
    const out = await k.ok(['apply', '-f', k.file('shapes-again.yaml', manifest(shapes))]);
    assert.deepEqual(out.trim().split('\n'), names.map((n) => `service/${n} unchanged`));
    for (const n of names) assert.deepEqual((await getSvc(n)).spec, live.get(n)!.spec, `${n} spec untouched`);
  });

  test('kubectl get -o yaml | kubectl apply -f - keeps every Service as it was', async () => {
    for (const n of names) {
      const yaml = await k.ok(['get', 'svc', n, '-o', 'yaml']);
      const r = await k.run(['apply', '-f', '-'], { input: yaml });
      assert.equal(r.code, 0, `${n}: ${r.stderr}`);
      // a real cluster also says "configured" here: the last-applied annotation now holds the whole object
      assert.match(r.stdout.trim(), new RegExp(`^service/${n} (unchanged|configured)$`));
      assert.equal(r.stderr, '', `${n}: no warnings`);
      assert.deepEqual((await getSvc(n)).spec, live.get(n)!.spec, `${n}: spec changed by the round trip`);
    }
    // a second round trip of the same object is a no-op for the spec as well
    const yaml = await k.ok(['get', 'svc', 'shape-local', '-o', 'yaml']);
    await k.ok(['apply', '-f', '-'], { input: yaml });
    assert.deepEqual((await getSvc('shape-local')).spec, live.get('shape-local')!.spec);
  });

  test('kubectl get svc -o yaml (a List) | kubectl apply -f - works for all at once', async () => {
    const yaml = await k.ok(['get', 'svc', ...names, '-o', 'yaml']);
    const r = await k.run(['apply', '-f', '-'], { input: yaml });
    assert.equal(r.code, 0, `apply of a v1 List: exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    for (const n of names) assert.match(r.stdout, new RegExp(`^service/${n} (unchanged|configured)$`, 'm'));
    for (const n of names) assert.deepEqual((await getSvc(n)).spec, live.get(n)!.spec, `${n} spec`);
  });

  test('kubectl replace -f with the -o yaml output (label added) keeps IPs and ports', async () => {
    for (const n of names) {
      const obj = await getSvc(n);
      obj.metadata.labels = { ...obj.metadata.labels, replaced: 'yes' };
      const out = await k.ok(['replace', '-f', k.file(`replace-${n}.json`, JSON.stringify(obj))]);
      assert.equal(out.trim(), `service/${n} replaced`);
      const now = await getSvc(n);
      assert.equal(now.metadata.labels?.replaced, 'yes');
      assert.deepEqual(now.spec, live.get(n)!.spec, `${n}: replace changed the spec`);
      assert.ok(Number(now.metadata.resourceVersion) > Number(obj.metadata.resourceVersion), 'replace wrote a new resourceVersion');
    }
  });

  test('kubectl replace -f with the original manifests (no clusterIP, no nodePort) keeps the allocated values', async () => {
    for (const s of shapes) {
      const n = s.metadata.name;
      const out = await k.ok(['replace', '-f', k.file(`orig-${n}.yaml`, stringify(s))]);
      assert.equal(out.trim(), `service/${n} replaced`);
      const now = await getSvc(n);
      assert.equal(now.spec.clusterIP, live.get(n)!.spec.clusterIP, `${n}: clusterIP kept`);
      assert.deepEqual(now.spec.ports?.map((p) => p.nodePort), live.get(n)!.spec.ports?.map((p) => p.nodePort), `${n}: nodePorts kept`);
      assert.equal(now.spec.healthCheckNodePort, live.get(n)!.spec.healthCheckNodePort, `${n}: healthCheckNodePort kept`);
    }
  });

  test('kubectl create service clusterip|nodeport|loadbalancer|externalname (protobuf bodies)', async () => {
    const cmds: [string, string[]][] = [
      ['cs-clusterip', ['create', 'service', 'clusterip', 'cs-clusterip', '--tcp=80:8080']],
      ['cs-headless', ['create', 'service', 'clusterip', 'cs-headless', '--clusterip=None']],
      ['cs-nodeport', ['create', 'service', 'nodeport', 'cs-nodeport', '--tcp=80:8080', '--node-port=30123']],
      ['cs-lb', ['create', 'service', 'loadbalancer', 'cs-lb', '--tcp=443:8443']],
      ['cs-ext', ['create', 'service', 'externalname', 'cs-ext', '--external-name=db.example.com']],
    ];
    for (const [n, args] of cmds) {
      const r = await k.run(args);
      assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout.trim(), `service/${n} created`);
    }
    const t = parseTable(await k.ok(['get', 'svc', ...cmds.map(([n]) => n), '-o', 'wide']));
    const lb = await getSvc('cs-lb');
    const cip = await getSvc('cs-clusterip');
    const want: Record<string, [string, string, string, string, string]> = {
      'cs-clusterip': ['ClusterIP', cip.spec.clusterIP!, '<none>', '80/TCP', 'app=cs-clusterip'],
      'cs-headless': ['ClusterIP', 'None', '<none>', '<none>', 'app=cs-headless'],
      'cs-nodeport': ['NodePort', (await getSvc('cs-nodeport')).spec.clusterIP!, '<none>', '80:30123/TCP', 'app=cs-nodeport'],
      'cs-lb': ['LoadBalancer', lb.spec.clusterIP!, '<pending>', `443:${lb.spec.ports![0].nodePort}/TCP`, 'app=cs-lb'],
      'cs-ext': ['ExternalName', '<none>', 'db.example.com', '<none>', 'app=cs-ext'],
    };
    for (const [n, w] of Object.entries(want)) {
      const r = rowByName(t, n);
      assert.deepEqual([r.TYPE, r['CLUSTER-IP'], r['EXTERNAL-IP'], r['PORT(S)'], r.SELECTOR], w, n);
    }
    assert.match(cip.spec.clusterIP!, IPV4);
    assert.deepEqual(cip.spec.ports, [{ name: '80-8080', port: 80, protocol: 'TCP', targetPort: 8080 }]);
  });

  test('describe and get for a Service in another namespace', async () => {
    await k.ok(['create', 'namespace', 'shapes-other']);
    await k.ok(['apply', '-n', 'shapes-other', '-f', k.file('other.yaml', stringify(svc('shape-other', { type: 'NodePort', selector: { app: 'o' }, ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] })))]);
    const s = JSON.parse(await k.ok(['get', 'svc', '-n', 'shapes-other', 'shape-other', '-o', 'json'])) as Svc;
    const t = parseTable(await k.ok(['get', 'svc', '-A']));
    assert.equal(t.columns[0], 'NAMESPACE');
    const r = t.rows.find((x) => x.NAME === 'shape-other');
    assert.ok(r, 'listed with -A');
    assert.equal(r.NAMESPACE, 'shapes-other');
    assert.equal(r['PORT(S)'], `53:${s.spec.ports![0].nodePort}/UDP`);
    const d = normalizeDescribe(await k.ok(['describe', 'svc', '-n', 'shapes-other', 'shape-other']));
    assert.ok(d.includes('Namespace:  shapes-other'));
    assert.ok(d.includes(`NodePort:  dns  ${s.spec.ports![0].nodePort}/UDP`), d.join('\n'));
  });
});
