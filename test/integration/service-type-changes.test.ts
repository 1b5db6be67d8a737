// Service type changes and requested ClusterIPs / NodePorts through kubectl
// apply and patch: values are allocated and released as Kubernetes does it, and
// the 422 messages carry Kubernetes' field paths and wording.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { startTestServer, type TestServer } from '../support/server.js';
import { kubectlSession, type KubectlSession } from '../support/kubectl-session.js';
import { parseTable, rowByName } from '../support/table.js';

const IPV4 = /^10\.(9[6-9]|10[0-9]|11[01])\.\d{1,3}\.\d{1,3}$/;

interface Spec {
  type?: string; clusterIP?: string; clusterIPs?: string[]; externalName?: string; externalTrafficPolicy?: string; allocateLoadBalancerNodePorts?: boolean;
  healthCheckNodePort?: number; ipFamilies?: string[]; ipFamilyPolicy?: string; selector?: Record<string, string>;
  ports?: { name?: string; port: number; targetPort?: number | string; protocol?: string; nodePort?: number }[];
}
interface Svc { metadata: { name: string; resourceVersion?: string }; spec: Spec }

const manifest = (name: string, spec: Spec): string => stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec });
/** Go renders a []string value as []string{"a"}; newer apimachinery as JSON ["a"]. Accept either. */
const listValue = (ip: string): string => `(\\[\\]string\\{"${ip.replace(/\./g, '\\.')}"\\}|\\["${ip.replace(/\./g, '\\.')}"\\])`;

describe('Service type changes and requested values, through kubectl', { timeout: 90_000 }, () => {
  let srv: TestServer;
  let k: KubectlSession;
  const get = async (name: string): Promise<Svc> => JSON.parse(await k.ok(['get', 'svc', name, '-o', 'json'])) as Svc;
  const apply = (name: string, spec: Spec) => k.run(['apply', '-f', k.file(`${name}-${Date.now()}-${Math.random()}.yaml`, manifest(name, spec))]);
  const patch = (name: string, p: object) => k.run(['patch', 'svc', name, '-p', JSON.stringify(p)]);

  before(async () => {
    srv = await startTestServer();
    k = kubectlSession(srv.kubeconfigPath);
  });
  after(async () => {
    await k?.close();
    await srv?.stop();
  });

  test('ClusterIP → NodePort → LoadBalancer → ClusterIP → ExternalName → ClusterIP', async () => {
    const base: Spec = { selector: { app: 'tc' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] };
    let r = await apply('tc-chain', base);
    assert.equal(r.code, 0, r.stderr);
    const ip0 = (await get('tc-chain')).spec.clusterIP!;
    assert.match(ip0, IPV4);
    assert.equal((await get('tc-chain')).spec.ports![0].nodePort, undefined);

    // → NodePort (apply): a nodePort is allocated, the clusterIP stays
    r = await apply('tc-chain', { ...base, type: 'NodePort' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'service/tc-chain configured');
    let s = (await get('tc-chain')).spec;
    const np = s.ports![0].nodePort!;
    assert.ok(np >= 30000 && np <= 32767, `nodePort ${np}`);
    assert.equal(s.clusterIP, ip0, 'clusterIP unchanged by the type change');
    assert.equal(s.externalTrafficPolicy, 'Cluster');
    let row = rowByName(parseTable(await k.ok(['get', 'svc', 'tc-chain'])), 'tc-chain');
    assert.deepEqual([row.TYPE, row['CLUSTER-IP'], row['EXTERNAL-IP'], row['PORT(S)']], ['NodePort', ip0, '<none>', `80:${np}/TCP`]);

    // → LoadBalancer (patch): the nodePort is kept, EXTERNAL-IP pending
    r = await patch('tc-chain', { spec: { type: 'LoadBalancer' } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'service/tc-chain patched');
    s = (await get('tc-chain')).spec;
    assert.equal(s.type, 'LoadBalancer');
    assert.equal(s.ports![0].nodePort, np, 'nodePort kept across NodePort → LoadBalancer');
    assert.equal(s.allocateLoadBalancerNodePorts, true);
    row = rowByName(parseTable(await k.ok(['get', 'svc', 'tc-chain'])), 'tc-chain');
    assert.deepEqual([row.TYPE, row['EXTERNAL-IP'], row['PORT(S)']], ['LoadBalancer', '<pending>', `80:${np}/TCP`]);

    // → ClusterIP (patch only the type): nodePort, externalTrafficPolicy, allocateLoadBalancerNodePorts dropped
    r = await patch('tc-chain', { spec: { type: 'ClusterIP' } });
    assert.equal(r.code, 0, r.stderr);
    s = (await get('tc-chain')).spec;
    assert.equal(s.type, 'ClusterIP');
    assert.equal(s.clusterIP, ip0);
    assert.equal(s.ports![0].nodePort, undefined, 'nodePort cleared');
    assert.equal(s.externalTrafficPolicy, undefined);
    assert.equal(s.allocateLoadBalancerNodePorts, undefined);
    // the released nodePort can be taken by a new Service, exactly
    r = await apply('tc-take-np', { type: 'NodePort', ports: [{ port: 80, nodePort: np }] });
    assert.equal(r.code, 0, `nodePort ${np} was not released: ${r.stderr}`);
    assert.equal((await get('tc-take-np')).spec.ports![0].nodePort, np);

    // → ExternalName: clusterIP released (and dropped from the object)
    r = await patch('tc-chain', { spec: { type: 'ExternalName', externalName: 'db.example.com' } });
    assert.equal(r.code, 0, r.stderr);
    s = (await get('tc-chain')).spec;
    assert.equal(s.type, 'ExternalName');
    assert.equal(s.clusterIP, undefined);
    assert.equal(s.clusterIPs, undefined);
    assert.equal(s.ipFamilies, undefined);
    assert.equal(s.ipFamilyPolicy, undefined);
    row = rowByName(parseTable(await k.ok(['get', 'svc', 'tc-chain'])), 'tc-chain');
    assert.deepEqual([row.TYPE, row['CLUSTER-IP'], row['EXTERNAL-IP']], ['ExternalName', '<none>', 'db.example.com']);
    r = await apply('tc-take-ip', { clusterIP: ip0, ports: [{ port: 80 }] });
    assert.equal(r.code, 0, `clusterIP ${ip0} was not released: ${r.stderr}`);
    assert.equal((await get('tc-take-ip')).spec.clusterIP, ip0);

    // → ClusterIP again: a new IP (the old one is someone else's now)
    r = await patch('tc-chain', { spec: { type: 'ClusterIP', externalName: null } });
    assert.equal(r.code, 0, r.stderr);
    s = (await get('tc-chain')).spec;
    assert.equal(s.type, 'ClusterIP');
    assert.match(s.clusterIP!, IPV4);
    assert.notEqual(s.clusterIP, ip0);
    assert.deepEqual(s.clusterIPs, [s.clusterIP]);
    assert.deepEqual(s.ipFamilies, ['IPv4']);
    assert.equal(s.ipFamilyPolicy, 'SingleStack');
  });

  test('LoadBalancer with externalTrafficPolicy Local: healthCheckNodePort allocated, released when it goes', async () => {
    let r = await apply('tc-local', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', selector: { app: 'l' }, ports: [{ port: 80 }] });
    assert.equal(r.code, 0, r.stderr);
    const hc = (await get('tc-local')).spec.healthCheckNodePort!;
    assert.ok(hc >= 30000 && hc <= 32767, `healthCheckNodePort ${hc}`);
    r = await patch('tc-local', { spec: { externalTrafficPolicy: 'Cluster' } });
    assert.equal(r.code, 0, r.stderr);
    const s = (await get('tc-local')).spec;
    assert.equal(s.externalTrafficPolicy, 'Cluster');
    assert.equal(s.healthCheckNodePort, undefined, 'healthCheckNodePort dropped with policy Cluster');
    r = await apply('tc-take-hc', { type: 'NodePort', ports: [{ port: 80, nodePort: hc }] });
    assert.equal(r.code, 0, `healthCheckNodePort ${hc} was not released: ${r.stderr}`);
  });

  test('a requested clusterIP and nodePort are honoured when free', async () => {
    const r = await apply('tc-req', { type: 'NodePort', clusterIP: '10.96.100.100', ports: [{ port: 80, nodePort: 31234 }] });
    assert.equal(r.code, 0, r.stderr);
    const s = (await get('tc-req')).spec;
    assert.equal(s.clusterIP, '10.96.100.100');
    assert.deepEqual(s.clusterIPs, ['10.96.100.100']);
    assert.equal(s.ports![0].nodePort, 31234);
    const row = rowByName(parseTable(await k.ok(['get', 'svc', 'tc-req'])), 'tc-req');
    assert.deepEqual([row['CLUSTER-IP'], row['PORT(S)']], ['10.96.100.100', '80:31234/TCP']);
  });

  test('a taken clusterIP → 422 "provided IP is already allocated"', async () => {
    const r = await apply('tc-dup-ip', { clusterIP: '10.96.100.100', ports: [{ port: 80 }] });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`The Service "tc-dup-ip" is invalid: spec\\.clusterIPs: Invalid value: ${listValue('10.96.100.100')}: failed to allocate IP 10\\.96\\.100\\.100: provided IP is already allocated`), r.stderr);
    assert.match((await k.fails(['get', 'svc', 'tc-dup-ip'])).stderr, /NotFound/);
  });

  test('the kubernetes Service address and the kube-dns reservation are not handed to others', async () => {
    // A real cluster says "already allocated" (default/kubernetes holds it); naming the holder is accepted too.
    let r = await apply('tc-ip-one', { clusterIP: '10.96.0.1', ports: [{ port: 80 }] });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /The Service "tc-ip-one" is invalid: spec\.clusterIPs: Invalid value: .*10\.96\.0\.1.*: failed to allocate IP 10\.96\.0\.1: provided IP is (already allocated|reserved for default\/kubernetes)/, r.stderr);
    r = await apply('tc-ip-ten', { clusterIP: '10.96.0.10', ports: [{ port: 53, protocol: 'UDP' }] });
    assert.notEqual(r.code, 0, 'only kube-system/kube-dns may take 10.96.0.10');
    assert.match(r.stderr, /The Service "tc-ip-ten" is invalid: spec\.clusterIPs: .*10\.96\.0\.10/, r.stderr);
  });

  test('a taken nodePort → 422 "provided port is already allocated"', async () => {
    const r = await apply('tc-dup-np', { type: 'NodePort', ports: [{ port: 80, nodePort: 31234 }] });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /The Service "tc-dup-np" is invalid: spec\.ports\[0\]\.nodePort: Invalid value: 31234: provided port is already allocated/, r.stderr);
  });

  test('a clusterIP outside the service CIDR → 422 naming the range', async () => {
    const r = await apply('tc-far-ip', { clusterIP: '10.200.0.5', ports: [{ port: 80 }] });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`The Service "tc-far-ip" is invalid: spec\\.clusterIPs: Invalid value: ${listValue('10.200.0.5')}: failed to allocate IP 10\\.200\\.0\\.5: the provided IP \\(10\\.200\\.0\\.5\\) is not in the valid range\\. The range of valid IPs is 10\\.96\\.0\\.0/12`), r.stderr);
  });

  test('a nodePort outside the range → 422 naming the range', async () => {
    const r = await apply('tc-far-np', { type: 'NodePort', ports: [{ port: 80, nodePort: 40000 }] });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /The Service "tc-far-np" is invalid: spec\.ports\[0\]\.nodePort: Invalid value: 40000: provided port is not in the valid range\. The range of valid ports is 30000-32767/, r.stderr);
  });

  test('clusterIP is immutable: 422 "may not change once set"', async () => {
    let r = await apply('tc-immut', { ports: [{ port: 80 }] });
    assert.equal(r.code, 0, r.stderr);
    const ip = (await get('tc-immut')).spec.clusterIP!;
    r = await patch('tc-immut', { spec: { clusterIP: '10.96.55.55', clusterIPs: ['10.96.55.55'] } });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`The Service "tc-immut" is invalid: spec\\.clusterIPs\\[0\\]: Invalid value: ${listValue('10.96.55.55')}: may not change once set`), r.stderr);
    // apply with a different clusterIP says the same
    r = await apply('tc-immut', { clusterIP: '10.96.55.56', ports: [{ port: 80 }] });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /spec\.clusterIPs\[0\]: Invalid value: .*10\.96\.55\.56.*: may not change once set/, r.stderr);
    // and so does turning it headless
    r = await patch('tc-immut', { spec: { clusterIP: 'None', clusterIPs: ['None'] } });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /spec\.clusterIPs\[0\]: Invalid value: .*None.*: may not change once set/, r.stderr);
    assert.equal((await get('tc-immut')).spec.clusterIP, ip, 'still the first address');
    // the rejected addresses were not leaked: they can be requested now
    r = await apply('tc-after-immut', { clusterIP: '10.96.55.55', ports: [{ port: 80 }] });
    assert.equal(r.code, 0, r.stderr);
  });

  test('a rejected type change leaves the Service and its allocations alone', async () => {
    let r = await apply('tc-reject', { type: 'NodePort', ports: [{ port: 80 }] });
    assert.equal(r.code, 0, r.stderr);
    const before = (await get('tc-reject')).spec;
    // ClusterIP with an explicit nodePort is invalid
    r = await k.run(['patch', 'svc', 'tc-reject', '--type=json', '-p', JSON.stringify([{ op: 'replace', path: '/spec/type', value: 'ClusterIP' }, { op: 'replace', path: '/spec/ports/0/nodePort', value: 31999 }])]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /The Service "tc-reject" is invalid: spec\.ports\[0\]\.nodePort: Forbidden: may not be used when `type` is 'ClusterIP'/, r.stderr);
    assert.deepEqual((await get('tc-reject')).spec, before);
    // its node port is still held: nobody else can take it
    r = await apply('tc-reject-2', { type: 'NodePort', ports: [{ port: 80, nodePort: before.ports![0].nodePort }] });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /provided port is already allocated/);
  });

  test('deleting a Service releases its clusterIP and nodePort', async () => {
    let r = await apply('tc-del', { type: 'NodePort', clusterIP: '10.96.77.77', ports: [{ port: 80, nodePort: 31777 }] });
    assert.equal(r.code, 0, r.stderr);
    await k.ok(['delete', 'svc', 'tc-del']);
    r = await apply('tc-del-2', { type: 'NodePort', clusterIP: '10.96.77.77', ports: [{ port: 80, nodePort: 31777 }] });
    assert.equal(r.code, 0, `values not released on delete: ${r.stderr}`);
  });
});
