// resolv.conf, hosts and service environment variables, table-driven.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hostsFile, podResolvConf, renderResolvConf } from '../../src/agent/pod/dns.js';
import { containerEnv, serviceEnv, servicesForPod } from '../../src/agent/pod/envvars.js';
import { containerProgram } from '../../src/agent/pod/command.js';

const node = 'nameserver 192.168.1.1\nsearch corp.example\noptions timeout:2\n';
const ctx = { namespace: 'web', clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', nodeResolvConf: node };

describe('resolv.conf', () => {
  const cases = [
    { name: 'ClusterFirst', spec: {}, want: 'search web.svc.cluster.local svc.cluster.local cluster.local corp.example\nnameserver 10.96.0.10\noptions ndots:5\n' },
    { name: 'Default copies the node', spec: { dnsPolicy: 'Default' }, want: 'search corp.example\nnameserver 192.168.1.1\noptions timeout:2\n' },
    { name: 'None with dnsConfig', spec: { dnsPolicy: 'None', dnsConfig: { nameservers: ['1.2.3.4'], searches: ['a.b'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } },
      want: 'search a.b\nnameserver 1.2.3.4\noptions ndots:2 edns0\n' },
    { name: 'ClusterFirst + dnsConfig overrides ndots', spec: { dnsConfig: { options: [{ name: 'ndots', value: '1' }] } },
      want: 'search web.svc.cluster.local svc.cluster.local cluster.local corp.example\nnameserver 10.96.0.10\noptions ndots:1\n' },
  ];
  for (const c of cases) it(c.name, () => assert.equal(renderResolvConf(podResolvConf(c.spec, ctx)), c.want));
});

describe('hosts', () => {
  it('pod hostname, subdomain FQDN and host aliases', () => {
    const text = hostsFile({ metadata: { name: 'p', namespace: 'web' }, spec: { hostname: 'h', subdomain: 's', hostAliases: [{ ip: '1.1.1.1', hostnames: ['a', 'b'] }] } }, ['10.244.1.5'], 'cluster.local');
    assert.match(text, /^# Kubernetes-managed hosts file\.\n127\.0\.0\.1\tlocalhost\n/);
    assert.match(text, /\n10\.244\.1\.5\th\.s\.web\.svc\.cluster\.local\th\n/);
    assert.match(text, /# Entries added by HostAliases\.\n1\.1\.1\.1\ta\tb\n$/);
  });
  it('pod name when no hostname', () => {
    assert.match(hostsFile({ metadata: { name: 'p', namespace: 'x' }, spec: {} }, ['10.0.0.1'], 'cluster.local'), /\n10\.0\.0\.1\tp\n$/);
  });
});

describe('service environment variables', () => {
  const svc = (ns: string, name: string, spec: any): any => ({ metadata: { namespace: ns, name }, spec });
  const all = [
    svc('default', 'kubernetes', { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP' }] }),
    svc('web', 'my-svc', { clusterIP: '10.96.5.5', ports: [{ name: 'http', port: 80 }, { name: 'dns', port: 53, protocol: 'UDP' }] }),
    svc('web', 'headless', { clusterIP: 'None', ports: [{ port: 80 }] }),
    svc('web', 'ext', { type: 'ExternalName', ports: [{ port: 80 }] }),
    svc('other', 'elsewhere', { clusterIP: '10.96.9.9', ports: [{ port: 80 }] }),
  ];
  it('FromServices table', () => {
    const env = Object.fromEntries(serviceEnv(servicesForPod(all, 'web', true)).map((e) => [e.name, e.value]));
    assert.deepEqual(env, {
      KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443', KUBERNETES_SERVICE_PORT_HTTPS: '443',
      KUBERNETES_PORT: 'tcp://10.96.0.1:443', KUBERNETES_PORT_443_TCP: 'tcp://10.96.0.1:443', KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
      KUBERNETES_PORT_443_TCP_PORT: '443', KUBERNETES_PORT_443_TCP_ADDR: '10.96.0.1',
      MY_SVC_SERVICE_HOST: '10.96.5.5', MY_SVC_SERVICE_PORT: '80', MY_SVC_SERVICE_PORT_HTTP: '80', MY_SVC_SERVICE_PORT_DNS: '53',
      MY_SVC_PORT: 'tcp://10.96.5.5:80', MY_SVC_PORT_80_TCP: 'tcp://10.96.5.5:80', MY_SVC_PORT_80_TCP_PROTO: 'tcp', MY_SVC_PORT_80_TCP_PORT: '80', MY_SVC_PORT_80_TCP_ADDR: '10.96.5.5',
      MY_SVC_PORT_53_UDP: 'udp://10.96.5.5:53', MY_SVC_PORT_53_UDP_PROTO: 'udp', MY_SVC_PORT_53_UDP_PORT: '53', MY_SVC_PORT_53_UDP_ADDR: '10.96.5.5',
    });
  });
  it('enableServiceLinks: false keeps only the master service', () => {
    assert.deepEqual(servicesForPod(all, 'web', false).map((s) => s.metadata.name), ['kubernetes']);
  });
  it('container env: fieldRef, $(VAR) expansion, and container env wins', () => {
    const pod = { metadata: { name: 'p', namespace: 'web', uid: 'u1', labels: { app: 'x' } }, spec: { nodeName: 'n1' } };
    const c = { env: [
      { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
      { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'URL', value: 'http://$(IP):$(MY_SVC_SERVICE_PORT)/$(NOPE)$$' },
      { name: 'MY_SVC_SERVICE_HOST', value: 'override' },
      { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
    ] };
    const env = Object.fromEntries(containerEnv(c, { pod, podIPs: ['10.244.1.5'], hostIPs: ['172.30.0.11'], nodeAllocatable: { cpu: '4', memory: '1Gi' } }, serviceEnv(servicesForPod(all, 'web', true))).map((e) => [e.name, e.value]));
    assert.equal(env.POD, 'p');
    assert.equal(env.APP, 'x');
    assert.equal(env.URL, 'http://10.244.1.5:80/$(NOPE)$');
    assert.equal(env.MY_SVC_SERVICE_HOST, 'override');
    assert.equal(env.CPU, '4');
  });
});

describe('container program', () => {
  const cases = [
    { name: 'command + args', c: { command: ['sh', '-c'], args: ['echo'] }, want: { kind: 'exec', argv: ['sh', '-c', 'echo'] } },
    { name: 'image without command → stand-in on declared ports', c: { image: 'nginx', ports: [{ containerPort: 8080 }, { containerPort: 53, protocol: 'UDP' }] },
      want: { kind: 'standin', ports: [{ port: 8080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] } },
    { name: 'no ports → 80 and 8080', c: { image: 'my-app' }, want: { kind: 'standin', ports: [{ port: 80, protocol: 'TCP' }, { port: 8080, protocol: 'TCP' }] } },
    { name: 'busybox args are the command', c: { image: 'docker.io/library/busybox:1.36', args: ['sleep', '10'] }, want: { kind: 'exec', argv: ['sleep', '10'] } },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(containerProgram(c.c), c.want));
});
