// Defaulting compared with what `kubectl get -o yaml` shows on a real cluster,
// minus server-set metadata (uid, resourceVersion, creationTimestamp), status,
// and what the ServiceAccount admission plugin adds (serviceAccountName, the
// kube-api-access volume), which kubesvc does not run.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDefaults, registerDefaulter, imageTag } from '../../src/api/defaults/index.js';
import type { KubeObject } from '../../src/api/object.js';

const tolerations = [
  { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
  { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
];

test('minimal Pod gets the defaults a real cluster shows', () => {
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }] }] },
  };
  applyDefaults('pods', pod);
  assert.deepEqual(pod, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: {
      containers: [
        {
          image: 'nginx',
          imagePullPolicy: 'Always',
          name: 'web',
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          resources: {},
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
        },
      ],
      dnsPolicy: 'ClusterFirst',
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
      tolerations,
    },
  });
});

test('minimal Deployment gets the defaults a real cluster shows', () => {
  const d: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
    },
  };
  applyDefaults('deployments', d);
  assert.deepEqual(d, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      progressDeadlineSeconds: 600,
      replicas: 1,
      revisionHistoryLimit: 10,
      selector: { matchLabels: { app: 'web' } },
      strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
      template: {
        // A real server also prints `creationTimestamp: null` here (Go's zero time).
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              image: 'nginx:1.27',
              imagePullPolicy: 'IfNotPresent',
              name: 'web',
              resources: {},
              terminationMessagePath: '/dev/termination-log',
              terminationMessagePolicy: 'File',
            },
          ],
          dnsPolicy: 'ClusterFirst',
          restartPolicy: 'Always',
          schedulerName: 'default-scheduler',
          securityContext: {},
          terminationGracePeriodSeconds: 30,
        },
      },
    },
  });
});

test('explicit values are kept', () => {
  const pod: KubeObject = {
    metadata: { name: 'p', namespace: 'default' },
    spec: {
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 0,
      enableServiceLinks: false,
      tolerations: [{ operator: 'Exists' }],
      containers: [
        {
          name: 'c',
          image: 'busybox:latest',
          imagePullPolicy: 'Never',
          ports: [{ containerPort: 53, protocol: 'UDP' }],
          resources: { limits: { cpu: '1' }, requests: { memory: '1Gi' } },
          livenessProbe: { httpGet: { port: 8080 }, periodSeconds: 5 },
        },
      ],
    },
  };
  applyDefaults('pods', pod);
  assert.equal(pod.spec.restartPolicy, 'Never');
  assert.equal(pod.spec.terminationGracePeriodSeconds, 0);
  assert.equal(pod.spec.enableServiceLinks, false);
  // A toleration of everything already covers both taints.
  assert.deepEqual(pod.spec.tolerations, [{ operator: 'Exists' }]);
  const c = pod.spec.containers[0];
  assert.equal(c.imagePullPolicy, 'Never');
  assert.equal(c.ports[0].protocol, 'UDP');
  assert.deepEqual(c.resources, { limits: { cpu: '1' }, requests: { cpu: '1', memory: '1Gi' } });
  assert.deepEqual(c.livenessProbe, { httpGet: { port: 8080, path: '/', scheme: 'HTTP' }, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 });
});

test('init containers, volumes and host network', () => {
  const pod: KubeObject = {
    metadata: { name: 'p', namespace: 'default' },
    spec: {
      hostNetwork: true,
      initContainers: [{ name: 'init', image: 'busybox@sha256:abc' }],
      containers: [{ name: 'c', image: 'registry:5000/app', ports: [{ containerPort: 8080 }] }],
      volumes: [{ name: 'scratch' }, { name: 'cfg', configMap: { name: 'cfg' } }],
    },
  };
  applyDefaults('pods', pod);
  assert.equal(pod.spec.initContainers[0].imagePullPolicy, 'IfNotPresent');
  assert.equal(pod.spec.containers[0].imagePullPolicy, 'Always');
  assert.deepEqual(pod.spec.containers[0].ports, [{ containerPort: 8080, hostPort: 8080, protocol: 'TCP' }]);
  assert.deepEqual(pod.spec.volumes, [{ name: 'scratch', emptyDir: {} }, { name: 'cfg', configMap: { name: 'cfg', defaultMode: 420 } }]);
});

test('image tags decide the pull policy', () => {
  const cases: [string, string][] = [
    ['nginx', 'latest'],
    ['nginx:1.25', '1.25'],
    ['nginx:latest', 'latest'],
    ['localhost:5000/nginx', 'latest'],
    ['localhost:5000/nginx:v2', 'v2'],
    ['nginx@sha256:0123', ''],
    ['nginx:1.0@sha256:0123', '1.0'],
  ];
  for (const [image, tag] of cases) assert.equal(imageTag(image), tag, image);
});

test('ReplicaSet, Namespace, Endpoints, EndpointSlice, Node, Event', () => {
  const rs: KubeObject = { metadata: { name: 'r', namespace: 'default' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'x' }] } } } };
  applyDefaults('replicasets', rs);
  assert.equal(rs.spec.replicas, 1);
  assert.equal(rs.spec.template.spec.dnsPolicy, 'ClusterFirst');
  assert.equal(rs.spec.template.spec.enableServiceLinks, undefined, 'Pod-only default stays out of templates');

  const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } };
  applyDefaults('namespaces', ns);
  assert.deepEqual(ns, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'dev', labels: { 'kubernetes.io/metadata.name': 'dev' } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  });

  const ep: KubeObject = { metadata: { name: 'e', namespace: 'default' }, subsets: [{ addresses: [{ ip: '10.244.1.5' }], ports: [{ port: 80 }] }] };
  applyDefaults('endpoints', ep);
  assert.deepEqual((ep.subsets as { ports: unknown[] }[])[0].ports, [{ port: 80, protocol: 'TCP' }]);

  const slice: KubeObject = { metadata: { name: 's', namespace: 'default' }, addressType: 'IPv4', endpoints: [{ addresses: ['10.244.1.5'] }], ports: [{ port: 80 }] };
  applyDefaults('endpointslices', slice);
  assert.deepEqual(slice.ports, [{ port: 80, name: '', protocol: 'TCP' }]);
  assert.deepEqual(slice.endpoints, [{ addresses: ['10.244.1.5'], conditions: {} }]);

  const node: KubeObject = { metadata: { name: 'n' }, status: { capacity: { cpu: '2', pods: '110' } } };
  applyDefaults('nodes', node);
  assert.deepEqual(node.status.allocatable, { cpu: '2', pods: '110' });

  const ev: KubeObject = { metadata: { name: 'e.1', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'p' }, reason: 'Started' };
  applyDefaults('events', ev);
  assert.deepEqual(ev, {
    metadata: { name: 'e.1', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'p' },
    reason: 'Started',
    eventTime: null,
    firstTimestamp: null,
    lastTimestamp: null,
    reportingComponent: '',
    reportingInstance: '',
    source: {},
  });
});

test('registerDefaulter plugs in other resources; unknown ones are left alone', () => {
  const o: KubeObject = { metadata: { name: 'x' }, spec: {} };
  applyDefaults('widgets', o);
  assert.deepEqual(o, { metadata: { name: 'x' }, spec: {} });
  registerDefaulter('widgets', (obj) => {
    obj.spec.type = 'ClusterIP';
  });
  applyDefaults('widgets', o);
  assert.equal((o.spec as { type?: string }).type, 'ClusterIP');
});
