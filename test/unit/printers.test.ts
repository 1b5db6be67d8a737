// Fixed clock: now = 2024-01-01T12:00:00Z; ago(ms) builds timestamps relative to it.
// Address plan: pods 10.0.0.0/8, ClusterIPs 10.96.0.0/16, nodes 192.168.1.0/24.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/object.js';
import { defaultPrinter, humanDuration, printerFor, printers } from '../../src/printers/index.js';

const now = new Date('2024-01-01T12:00:00Z');
const S = 1000, M = 60 * S, H = 60 * M, D = 24 * H;
const ago = (ms: number): string => new Date(now.getTime() - ms).toISOString();
const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: 'default', creationTimestamp: ago(5 * M), ...extra });
const cells = (resource: string, obj: KubeObject): unknown[] => printers[resource].cells(obj, now);

describe('humanDuration', () => {
  const cases: [number, string][] = [
    [-3 * S, '<invalid>'], [-1500, '0s'], [0, '0s'], [59 * S, '59s'], [119 * S, '119s'], [2 * M, '2m'],
    [3 * M + 2 * S, '3m2s'], [9 * M + 59 * S, '9m59s'], [10 * M, '10m'], [179 * M, '179m'], [3 * H, '3h'],
    [5 * H + 3 * M, '5h3m'], [8 * H, '8h'], [47 * H, '47h'], [2 * D, '2d'], [2 * D + 3 * H, '2d3h'],
    [8 * D, '8d'], [729 * D, '729d'], [730 * D, '2y'], [800 * D, '2y70d'], [8 * 365 * D, '8y'],
  ];
  for (const [ms, want] of cases) it(`${ms}ms -> ${want}`, () => assert.equal(humanDuration(ms), want));
});

describe('column definitions', () => {
  const names = (r: string, prio: number) => printers[r].columns.filter((c) => c.priority === prio).map((c) => c.name);
  const cases: [string, string[], string[]][] = [
    ['pods', ['Name', 'Ready', 'Status', 'Restarts', 'Age'], ['IP', 'Node', 'Nominated Node', 'Readiness Gates']],
    ['services', ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age'], ['Selector']],
    ['deployments', ['Name', 'Ready', 'Up-to-date', 'Available', 'Age'], ['Containers', 'Images', 'Selector']],
    ['replicasets', ['Name', 'Desired', 'Current', 'Ready', 'Age'], ['Containers', 'Images', 'Selector']],
    ['events', ['Last Seen', 'Type', 'Reason', 'Object', 'Message'], ['Subobject', 'Source', 'First Seen', 'Count', 'Name']],
    ['nodes', ['Name', 'Status', 'Roles', 'Age', 'Version'], ['Internal-IP', 'External-IP', 'OS-Image', 'Kernel-Version', 'Container-Runtime']],
    ['namespaces', ['Name', 'Status', 'Age'], []],
    ['endpoints', ['Name', 'Endpoints', 'Age'], []],
    ['endpointslices', ['Name', 'AddressType', 'Ports', 'Endpoints', 'Age'], []],
  ];
  for (const [r, main, wide] of cases) {
    it(r, () => {
      assert.deepEqual(names(r, 0), main);
      assert.deepEqual(names(r, 1), wide);
      const nameCols = printers[r].columns.filter((c) => c.format === 'name').map((c) => c.name);
      assert.deepEqual(nameCols, ['Name']);
      for (const c of printers[r].columns) assert.ok(c.description.length > 0);
    });
  }
  it('types', () => {
    assert.deepEqual(printers.replicasets.columns.slice(1, 4).map((c) => c.type), ['integer', 'integer', 'integer']);
    assert.equal(printers.pods.columns[3].type, 'string');
  });
  it('default printer', () => {
    assert.deepEqual(defaultPrinter.columns.map((c) => c.name), ['Name', 'Age']);
    assert.equal(printerFor('serviceaccounts'), defaultPrinter);
    assert.deepEqual(printerFor('serviceaccounts').cells({ metadata: meta('c') }, now), ['c', '5m']);
    assert.deepEqual(defaultPrinter.cells({ metadata: { name: 'x' } }, now), ['x', '<unknown>']);
  });
});

const running = { running: { startedAt: ago(5 * M) } };
const cs = (name: string, extra: Record<string, unknown>) => ({ name, image: 'nginx', ready: false, restartCount: 0, state: {}, ...extra });
const pod = (status: Record<string, unknown>, extra: Partial<KubeObject> = {}, containers = ['app']): KubeObject => ({
  metadata: meta('p'),
  spec: { containers: containers.map((n) => ({ name: n, image: 'nginx' })), nodeName: 'node-1' },
  status,
  ...extra,
});

describe('pods', () => {
  const cases: { name: string; pod: KubeObject; want: unknown[] }[] = [
    {
      name: 'running and ready',
      pod: pod({ phase: 'Running', podIP: '10.0.0.5', podIPs: [{ ip: '10.0.0.5' }], containerStatuses: [cs('app', { ready: true, state: running })] }),
      want: ['p', '1/1', 'Running', '0', '5m', '10.0.0.5', 'node-1', '<none>', '<none>'],
    },
    {
      name: 'pending, unscheduled',
      pod: { metadata: meta('p'), spec: { containers: [{ name: 'a' }] }, status: { phase: 'Pending' } },
      want: ['p', '0/1', 'Pending', '0', '5m', '<none>', '<none>', '<none>', '<none>'],
    },
    {
      name: 'ContainerCreating waiting reason',
      pod: pod({ phase: 'Pending', containerStatuses: [cs('app', { state: { waiting: { reason: 'ContainerCreating' } } })] }),
      want: ['p', '0/1', 'ContainerCreating', '0', '5m', '<none>', 'node-1', '<none>', '<none>'],
    },
    {
      name: 'CrashLoopBackOff with restarts (Xm ago)',
      pod: pod({
        phase: 'Running',
        containerStatuses: [cs('app', {
          restartCount: 5, state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(2 * M + 30 * S) } },
        })],
      }),
      want: ['p', '0/1', 'CrashLoopBackOff', '5 (2m30s ago)', '5m', '<none>', 'node-1', '<none>', '<none>'],
    },
    {
      name: 'Completed',
      pod: pod({ phase: 'Succeeded', containerStatuses: [cs('app', { state: { terminated: { exitCode: 0, reason: 'Completed' } } })] }),
      want: ['p', '0/1', 'Completed', '0', '5m', '<none>', 'node-1', '<none>', '<none>'],
    },
    {
      name: 'terminated without reason shows exit code',
      pod: pod({ phase: 'Failed', containerStatuses: [cs('app', { state: { terminated: { exitCode: 137 } } })] }),
      want: ['p', '0/1', 'ExitCode:137', '0', '5m', '<none>', 'node-1', '<none>', '<none>'],
    },
    {
      name: 'Terminating when deletionTimestamp set',
      pod: pod({ phase: 'Running', containerStatuses: [cs('app', { ready: true, state: running })] }, { metadata: meta('p', { deletionTimestamp: ago(0) }) }),
      want: ['p', '1/1', 'Terminating', '0', '5m', '<none>', 'node-1', '<none>', '<none>'],
    },
    {
      name: 'deleted but terminal stays Completed',
      pod: pod({ phase: 'Succeeded', containerStatuses: [cs('app', { state: { terminated: { exitCode: 0, reason: 'Completed' } } })] }, { metadata: meta('p', { deletionTimestamp: ago(0) }) }),
      want: ['p', '0/1', 'Completed', '0', '5m', '<none>', 'node-1', '<none>', '<none>'],
    },
    {
      name: 'NodeLost while deleting is Unknown',
      pod: pod({ phase: 'Running', reason: 'NodeLost' }, { metadata: meta('p', { deletionTimestamp: ago(0) }) }),
      want: ['p', '0/1', 'Unknown', '0', '5m', '<none>', 'node-1', '<none>', '<none>'],
    },
    {
      name: 'two containers, one ready, restarts summed',
      pod: pod({
        phase: 'Running',
        containerStatuses: [cs('a', { ready: true, state: running, restartCount: 1 }), cs('b', { ready: false, state: running, restartCount: 2 })],
      }, {}, ['a', 'b']),
      want: ['p', '1/2', 'Running', '3', '5m', '<none>', 'node-1', '<none>', '<none>'],
    },
    {
      name: 'init container waiting',
      pod: {
        metadata: meta('p'),
        spec: { initContainers: [{ name: 'init' }], containers: [{ name: 'app' }] },
        status: { phase: 'Pending', initContainerStatuses: [cs('init', { state: { running: {} } })], containerStatuses: [cs('app', { state: { waiting: { reason: 'PodInitializing' } } })] },
      },
      want: ['p', '0/1', 'Init:0/1', '0', '5m', '<none>', '<none>', '<none>', '<none>'],
    },
    {
      name: 'init container failed',
      pod: {
        metadata: meta('p'),
        spec: { initContainers: [{ name: 'init' }], containers: [{ name: 'app' }] },
        status: { phase: 'Pending', initContainerStatuses: [cs('init', { state: { terminated: { exitCode: 1, reason: 'Error' } }, restartCount: 2 })] },
      },
      want: ['p', '0/1', 'Init:Error', '2', '5m', '<none>', '<none>', '<none>', '<none>'],
    },
    {
      name: 'sidecar counts towards READY',
      pod: {
        metadata: meta('p'),
        spec: { initContainers: [{ name: 'side', restartPolicy: 'Always' }], containers: [{ name: 'app' }] },
        status: {
          phase: 'Running', conditions: [{ type: 'Initialized', status: 'True' }],
          initContainerStatuses: [cs('side', { started: true, ready: true, state: running })],
          containerStatuses: [cs('app', { ready: true, state: running })],
        },
      },
      want: ['p', '2/2', 'Running', '0', '5m', '<none>', '<none>', '<none>', '<none>'],
    },
    {
      name: 'readiness gates and nominated node',
      pod: {
        metadata: meta('p'),
        spec: { containers: [{ name: 'a' }], readinessGates: [{ conditionType: 'x/ok' }, { conditionType: 'x/other' }] },
        status: { phase: 'Pending', nominatedNodeName: 'node-2', conditions: [{ type: 'x/ok', status: 'True' }] },
      },
      want: ['p', '0/1', 'Pending', '0', '5m', '<none>', '<none>', 'node-2', '1/2'],
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(cells('pods', c.pod), c.want));
});

const svc = (spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject => ({ metadata: meta('s'), spec, status });

describe('services', () => {
  const cases: { name: string; svc: KubeObject; want: unknown[] }[] = [
    {
      name: 'ClusterIP',
      svc: svc({ type: 'ClusterIP', clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'], ports: [{ port: 80, protocol: 'TCP' }, { port: 443, protocol: 'TCP' }], selector: { tier: 'web', app: 'x' } }),
      want: ['s', 'ClusterIP', '10.96.0.1', '<none>', '80/TCP,443/TCP', '5m', 'app=x,tier=web'],
    },
    {
      name: 'NodePort',
      svc: svc({ type: 'NodePort', clusterIPs: ['10.96.0.2'], ports: [{ port: 80, nodePort: 30007, protocol: 'TCP' }] }),
      want: ['s', 'NodePort', '10.96.0.2', '<none>', '80:30007/TCP', '5m', '<none>'],
    },
    {
      name: 'LoadBalancer pending',
      svc: svc({ type: 'LoadBalancer', clusterIPs: ['10.96.0.3'], ports: [{ port: 53, nodePort: 31000, protocol: 'UDP' }] }),
      want: ['s', 'LoadBalancer', '10.96.0.3', '<pending>', '53:31000/UDP', '5m', '<none>'],
    },
    {
      name: 'LoadBalancer with ingress IP and externalIPs',
      svc: svc({ type: 'LoadBalancer', clusterIPs: ['10.96.0.3'], externalIPs: ['1.2.3.4'], ports: [{ port: 80, nodePort: 31001, protocol: 'TCP' }] },
        { loadBalancer: { ingress: [{ ip: '203.0.113.7' }, { hostname: 'lb.example.com' }] } }),
      want: ['s', 'LoadBalancer', '10.96.0.3', '203.0.113.7,lb.example.com,1.2.3.4', '80:31001/TCP', '5m', '<none>'],
    },
    {
      name: 'ExternalName',
      svc: svc({ type: 'ExternalName', externalName: 'db.example.com' }),
      want: ['s', 'ExternalName', '<none>', 'db.example.com', '<none>', '5m', '<none>'],
    },
    {
      name: 'headless',
      svc: svc({ type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], ports: [{ port: 5432, protocol: 'TCP' }], selector: { app: 'db' } }),
      want: ['s', 'ClusterIP', 'None', '<none>', '5432/TCP', '5m', 'app=db'],
    },
    {
      name: 'ClusterIP with externalIPs',
      svc: svc({ type: 'ClusterIP', clusterIPs: ['10.96.0.9'], externalIPs: ['192.0.2.1', '192.0.2.2'], ports: [{ port: 8080, protocol: 'TCP' }] }),
      want: ['s', 'ClusterIP', '10.96.0.9', '192.0.2.1,192.0.2.2', '8080/TCP', '5m', '<none>'],
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(cells('services', c.svc), c.want));
});

describe('endpoints and endpointslices', () => {
  const addrs = (...ips: string[]) => ips.map((ip) => ({ ip }));
  const cases: { name: string; subsets: unknown; want: string }[] = [
    { name: 'no subsets', subsets: undefined, want: '<none>' },
    { name: 'one port', subsets: [{ addresses: addrs('10.0.0.1', '10.0.0.2'), ports: [{ port: 80 }] }], want: '10.0.0.1:80,10.0.0.2:80' },
    {
      name: 'truncated after three',
      subsets: [{ addresses: addrs('10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5'), ports: [{ port: 80 }] }],
      want: '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more...',
    },
    {
      name: 'two ports count every pair',
      subsets: [{ addresses: addrs('10.0.0.1', '10.0.0.2'), ports: [{ port: 80 }, { port: 443 }] }],
      want: '10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...',
    },
    { name: 'headless without ports', subsets: [{ addresses: addrs('10.0.0.1') }], want: '10.0.0.1' },
    { name: 'only not-ready addresses', subsets: [{ notReadyAddresses: addrs('10.0.0.1'), ports: [{ port: 80 }] }], want: '' },
    { name: 'IPv6', subsets: [{ addresses: addrs('fd00::1'), ports: [{ port: 80 }] }], want: '[fd00::1]:80' },
  ];
  for (const c of cases) {
    it(`endpoints: ${c.name}`, () => assert.deepEqual(cells('endpoints', { metadata: meta('e'), subsets: c.subsets }), ['e', c.want, '5m']));
  }
  it('endpointslices', () => {
    const slice = (ports: unknown, endpoints: unknown): KubeObject => ({ metadata: meta('s-abc'), addressType: 'IPv4', ports, endpoints });
    assert.deepEqual(cells('endpointslices', slice([{ port: 80, name: 'http' }], [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2'] }])),
      ['s-abc', 'IPv4', '80', '10.0.0.1,10.0.0.2', '5m']);
    assert.deepEqual(cells('endpointslices', slice([], [])), ['s-abc', 'IPv4', '<unset>', '<unset>', '5m']);
    assert.deepEqual(cells('endpointslices', slice([{ name: 'http' }, {}, { port: 1 }, { port: 2 }], [{ addresses: ['a', 'b', 'c', 'd'] }])),
      ['s-abc', 'IPv4', 'http,*,1 + 1 more...', 'a,b,c + 1 more...', '5m']);
  });
});

describe('events', () => {
  const ev = (extra: Record<string, unknown>): KubeObject => ({
    metadata: meta('web.17a'), involvedObject: { kind: 'Pod', name: 'web', namespace: 'default', fieldPath: 'spec.containers{app}' },
    reason: 'Pulled', message: ' Pulled image \n', type: 'Normal', source: { component: 'kubelet', host: 'node-1' }, ...extra,
  });
  it('classic event', () => {
    assert.deepEqual(cells('events', ev({ firstTimestamp: ago(10 * M), lastTimestamp: ago(2 * M), count: 3 })),
      ['2m', 'Normal', 'Pulled', 'pod/web', 'spec.containers{app}', 'kubelet, node-1', 'Pulled image', '10m', 3, 'web.17a']);
  });
  it('events.k8s.io style: eventTime, reporting fields, no count', () => {
    assert.deepEqual(cells('events', ev({ eventTime: ago(30 * S), source: {}, reportingComponent: 'ctrl', reportingInstance: '' })),
      ['30s', 'Normal', 'Pulled', 'pod/web', 'spec.containers{app}', 'ctrl', 'Pulled image', '30s', 1, 'web.17a']);
  });
  it('series overrides last seen and count; no name shows kind only', () => {
    const e = ev({ eventTime: ago(1 * H), series: { count: 7, lastObservedTime: ago(1 * M) }, involvedObject: { kind: 'Node' } });
    assert.deepEqual(cells('events', e).slice(0, 4), ['60s', 'Normal', 'Pulled', 'node']);
    assert.equal(cells('events', e)[8], 7);
  });
  it('no timestamps', () => assert.deepEqual(cells('events', ev({})).slice(0, 1), ['<unknown>']));
});

describe('nodes, namespaces, deployments, replicasets', () => {
  it('ready control-plane node', () => {
    const n: KubeObject = {
      metadata: { name: 'n1', creationTimestamp: ago(3 * D), labels: { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/worker': '' } },
      status: {
        conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }],
        addresses: [{ type: 'Hostname', address: 'n1' }, { type: 'InternalIP', address: '192.168.1.10' }],
        nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'Debian GNU/Linux 12', kernelVersion: '6.1.0', containerRuntimeVersion: 'kubesvc://0.1.0' },
      },
    };
    assert.deepEqual(cells('nodes', n), ['n1', 'Ready', 'control-plane,worker', '3d', 'v1.32.0', '192.168.1.10', '<none>', 'Debian GNU/Linux 12', '6.1.0', 'kubesvc://0.1.0']);
  });
  it('node status variants', () => {
    const n = (conds: unknown[], unsched = false): KubeObject => ({ metadata: { name: 'n', labels: { 'kubernetes.io/role': 'edge' } }, spec: { unschedulable: unsched }, status: { conditions: conds } });
    assert.deepEqual(cells('nodes', n([{ type: 'Ready', status: 'False' }], true)).slice(1, 3), ['NotReady,SchedulingDisabled', 'edge']);
    assert.deepEqual(cells('nodes', n([])).slice(1, 5), ['Unknown', 'edge', '<unknown>', '']);
    assert.deepEqual(cells('nodes', n([])).slice(7), ['<unknown>', '<unknown>', '<unknown>']);
  });
  it('namespaces', () => {
    assert.deepEqual(cells('namespaces', { metadata: { name: 'kube-system', creationTimestamp: ago(47 * H) }, status: { phase: 'Active' } }), ['kube-system', 'Active', '47h']);
    assert.deepEqual(cells('namespaces', { metadata: { name: 'x', creationTimestamp: ago(0) }, status: { phase: 'Terminating' } }), ['x', 'Terminating', '0s']);
  });
  const template = { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }, { name: 'log', image: 'busybox' }] } };
  it('deployments', () => {
    const d: KubeObject = {
      metadata: meta('web'),
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template },
      status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    };
    assert.deepEqual(cells('deployments', d), ['web', '2/3', 3, 2, '5m', 'web,log', 'nginx:1.27,busybox', 'app=web']);
    assert.deepEqual(cells('deployments', { metadata: meta('e'), spec: { replicas: 0, selector: {} }, status: {} }), ['e', '0/0', 0, 0, '5m', '', '', '']);
  });
  it('replicasets', () => {
    const rs: KubeObject = {
      metadata: meta('web-5d4f'),
      spec: { replicas: 3, selector: { matchLabels: { app: 'web', 'pod-template-hash': '5d4f' } }, template },
      status: { replicas: 3, readyReplicas: 1 },
    };
    assert.deepEqual(cells('replicasets', rs), ['web-5d4f', 3, 3, 1, '5m', 'web,log', 'nginx:1.27,busybox', 'app=web,pod-template-hash=5d4f']);
    assert.deepEqual(cells('replicasets', { metadata: meta('r'), spec: { replicas: 0 }, status: {} }).slice(1, 4), [0, 0, 0]);
    assert.equal(cells('replicasets', { metadata: meta('r'), spec: { replicas: 0 }, status: {} })[7], '<none>');
  });
});

describe('lookup', () => {
  it('unknown or prototype-named resources get the default printer', () => {
    assert.equal(printerFor('constructor'), defaultPrinter);
    assert.equal(printers['toString'], undefined);
  });
});
