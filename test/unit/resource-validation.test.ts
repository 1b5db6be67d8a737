// Per-resource validation through validateCreate / validateUpdate / validateStatusUpdate.
// Each case starts from a valid, defaulted object, changes one thing and expects
// the exact "field: message" lines of Kubernetes' 422 response.
// Addresses: pods 10.244.1.0/24, node network 172.30.0.0/24.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateCreate, validateUpdate, validateStatusUpdate, registerValidator } from '../../src/api/validation/index.js';
import { applyDefaults } from '../../src/api/defaults/index.js';
import { fieldErrorMessage, type FieldError } from '../../src/api/status.js';
import type { KubeObject } from '../../src/api/object.js';

 
const lines = (errs: FieldError[]): string[] => errs.map((e) => `${e.field}: ${fieldErrorMessage(e)}`);
const clone = <T>(v: T): T => structuredClone(v);

const labelMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

function defaulted(resource: string, obj: KubeObject): KubeObject {
  applyDefaults(resource, obj);
  return obj;
}

const stored = { uid: 'u1', resourceVersion: '7', creationTimestamp: '2024-05-01T10:00:00Z' };

const basePod = (): KubeObject =>
  defaulted('pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: {
      containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 80 }], volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
      volumes: [{ name: 'data' }],
    },
  });

const baseDeployment = (): KubeObject =>
  defaulted('deployments', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
    },
  });

const baseReplicaSet = (): KubeObject => {
  const d = baseDeployment();
  return defaulted('replicasets', { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-5d4f', namespace: 'default' }, spec: { replicas: 2, selector: d.spec.selector, template: d.spec.template } });
};

interface Case {
  name: string;
  resource: string;
  base: () => KubeObject;
  edit: (o: any) => void;
  want: string[];
}

const createCases: Case[] = [
  { name: 'pod: valid', resource: 'pods', base: basePod, edit: () => {}, want: [] },
  { name: 'pod: no containers', resource: 'pods', base: basePod, edit: (p) => (p.spec.containers = []), want: ['spec.containers: Required value'] },
  { name: 'pod: container name required', resource: 'pods', base: basePod, edit: (p) => delete p.spec.containers[0].name, want: ['spec.containers[0].name: Required value'] },
  { name: 'pod: container name syntax', resource: 'pods', base: basePod, edit: (p) => (p.spec.containers[0].name = 'Web'), want: [`spec.containers[0].name: Invalid value: "Web": ${labelMsg}`] },
  {
    name: 'pod: duplicate container name',
    resource: 'pods',
    base: basePod,
    edit: (p) => p.spec.containers.push({ ...clone(p.spec.containers[0]), ports: [] }),
    want: ['spec.containers[1].name: Duplicate value: "web"'],
  },
  { name: 'pod: image required', resource: 'pods', base: basePod, edit: (p) => delete p.spec.containers[0].image, want: ['spec.containers[0].image: Required value'] },
  { name: 'pod: image whitespace', resource: 'pods', base: basePod, edit: (p) => (p.spec.containers[0].image = 'nginx '), want: ['spec.containers[0].image: Invalid value: "nginx ": must not have leading or trailing whitespace'] },
  { name: 'pod: containerPort required', resource: 'pods', base: basePod, edit: (p) => (p.spec.containers[0].ports[0].containerPort = 0), want: ['spec.containers[0].ports[0].containerPort: Required value'] },
  { name: 'pod: containerPort range', resource: 'pods', base: basePod, edit: (p) => (p.spec.containers[0].ports[0].containerPort = 70000), want: ['spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive'] },
  { name: 'pod: port protocol', resource: 'pods', base: basePod, edit: (p) => (p.spec.containers[0].ports[0].protocol = 'HTTP'), want: ['spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'] },
  {
    name: 'pod: duplicate port name',
    resource: 'pods',
    base: basePod,
    edit: (p) => p.spec.containers[0].ports.push({ name: 'http', containerPort: 81, protocol: 'TCP' }),
    want: ['spec.containers[0].ports[1].name: Duplicate value: "http"'],
  },
  { name: 'pod: port name syntax', resource: 'pods', base: basePod, edit: (p) => (p.spec.containers[0].ports[0].name = 'web-http-port-long'), want: ['spec.containers[0].ports[0].name: Invalid value: "web-http-port-long": must be no more than 15 characters'] },
  {
    name: 'pod: host port conflict',
    resource: 'pods',
    base: basePod,
    edit: (p) => {
      p.spec.containers[0].ports = [{ containerPort: 80, hostPort: 8080, protocol: 'TCP' }, { containerPort: 81, hostPort: 8080, protocol: 'TCP' }];
    },
    want: ['spec.containers[0].ports[1].hostPort: Duplicate value: "TCP//8080"'],
  },
  { name: 'pod: env name relaxed', resource: 'pods', base: basePod, edit: (p) => (p.spec.containers[0].env = [{ name: '1-my.VAR', value: 'x' }]), want: [] },
  {
    name: 'pod: env name with =',
    resource: 'pods',
    base: basePod,
    edit: (p) => (p.spec.containers[0].env = [{ name: 'A=B', value: 'x' }]),
    want: [`spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`],
  },
  { name: 'pod: env name required', resource: 'pods', base: basePod, edit: (p) => (p.spec.containers[0].env = [{ value: 'x' }]), want: ['spec.containers[0].env[0].name: Required value'] },
  { name: 'pod: volume mount unknown', resource: 'pods', base: basePod, edit: (p) => (p.spec.containers[0].volumeMounts[0].name = 'cache'), want: ['spec.containers[0].volumeMounts[0].name: Not found: "cache"'] },
  { name: 'pod: probe needs a handler', resource: 'pods', base: basePod, edit: (p) => (p.spec.containers[0].readinessProbe = { periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 }), want: ['spec.containers[0].readinessProbe: Required value: must specify a handler type'] },
  {
    name: 'pod: liveness successThreshold',
    resource: 'pods',
    base: basePod,
    edit: (p) => (p.spec.containers[0].livenessProbe = { tcpSocket: { port: 'http' }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 2, failureThreshold: 3 }),
    want: ['spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1'],
  },
  {
    name: 'pod: two probe handlers',
    resource: 'pods',
    base: basePod,
    edit: (p) => (p.spec.containers[0].readinessProbe = { exec: { command: ['true'] }, tcpSocket: { port: 80 }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 }),
    want: ['spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type'],
  },
  { name: 'pod: negative probe period', resource: 'pods', base: basePod, edit: (p) => (p.spec.containers[0].readinessProbe = { exec: { command: ['true'] }, periodSeconds: -1, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 }), want: ['spec.containers[0].readinessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0'] },
  { name: 'pod: restartPolicy', resource: 'pods', base: basePod, edit: (p) => (p.spec.restartPolicy = 'Sometimes'), want: ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'] },
  { name: 'pod: dnsPolicy', resource: 'pods', base: basePod, edit: (p) => (p.spec.dnsPolicy = 'Cluster'), want: ['spec.dnsPolicy: Unsupported value: "Cluster": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"'] },
  { name: 'pod: imagePullPolicy', resource: 'pods', base: basePod, edit: (p) => (p.spec.containers[0].imagePullPolicy = 'Sometimes'), want: ['spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"'] },
  {
    name: 'pod: toleration seconds need NoExecute',
    resource: 'pods',
    base: basePod,
    edit: (p) => p.spec.tolerations.push({ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 5 }),
    want: ["spec.tolerations[2].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set"],
  },
  {
    name: 'pod: init container probes',
    resource: 'pods',
    base: basePod,
    edit: (p) => (p.spec.initContainers = [{ ...clone(p.spec.containers[0]), name: 'init', ports: [], livenessProbe: { exec: { command: ['x'] } } }]),
    want: ['spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always'],
  },
  { name: 'pod: ephemeral on create', resource: 'pods', base: basePod, edit: (p) => (p.spec.ephemeralContainers = [{ name: 'dbg', image: 'busybox', imagePullPolicy: 'Always', terminationMessagePolicy: 'File' }]), want: ['spec.ephemeralContainers: Forbidden: cannot be set on create'] },
  { name: 'pod: hostname', resource: 'pods', base: basePod, edit: (p) => (p.spec.hostname = 'web.1'), want: ['spec.hostname: Invalid value: "web.1": must not contain dots'] },

  { name: 'deployment: valid', resource: 'deployments', base: baseDeployment, edit: () => {}, want: [] },
  {
    name: 'deployment: selector required',
    resource: 'deployments',
    base: baseDeployment,
    edit: (d) => delete d.spec.selector,
    want: ['spec.selector: Required value', 'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`'],
  },
  { name: 'deployment: selector mismatch', resource: 'deployments', base: baseDeployment, edit: (d) => (d.spec.selector.matchLabels = { app: 'api' }), want: ['spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`'] },
  { name: 'deployment: matchExpressions', resource: 'deployments', base: baseDeployment, edit: (d) => (d.spec.selector = { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] }), want: [] },
  { name: 'deployment: bad operator', resource: 'deployments', base: baseDeployment, edit: (d) => (d.spec.selector = { matchExpressions: [{ key: 'app', operator: 'Is' }] }), want: ['spec.selector.matchExpressions[0].operator: Invalid value: "Is": not a valid selector operator', 'spec.selector: Invalid value: {"matchExpressions":[{"key":"app","operator":"Is"}]}: invalid label selector'] },
  { name: 'deployment: empty selector', resource: 'deployments', base: baseDeployment, edit: (d) => (d.spec.selector = {}), want: ['spec.selector: Invalid value: {}: empty selector is invalid for deployment'] },
  { name: 'deployment: replicas', resource: 'deployments', base: baseDeployment, edit: (d) => (d.spec.replicas = -1), want: ['spec.replicas: Invalid value: -1: must be greater than or equal to 0'] },
  { name: 'deployment: restartPolicy', resource: 'deployments', base: baseDeployment, edit: (d) => (d.spec.template.spec.restartPolicy = 'Never'), want: ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'] },
  { name: 'deployment: template container', resource: 'deployments', base: baseDeployment, edit: (d) => delete d.spec.template.spec.containers[0].image, want: ['spec.template.spec.containers[0].image: Required value'] },
  { name: 'deployment: template labels', resource: 'deployments', base: baseDeployment, edit: (d) => (d.spec.template.metadata.labels.bad = '-x'), want: ["spec.template.labels: Invalid value: \"-x\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"] },
  { name: 'deployment: surge and unavailable 0', resource: 'deployments', base: baseDeployment, edit: (d) => (d.spec.strategy.rollingUpdate = { maxSurge: 0, maxUnavailable: '0%' }), want: ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `maxSurge` is 0'] },
  { name: 'deployment: bad percent', resource: 'deployments', base: baseDeployment, edit: (d) => (d.spec.strategy.rollingUpdate.maxSurge = 'many'), want: ["spec.strategy.rollingUpdate.maxSurge: Invalid value: \"many\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"] },
  { name: 'deployment: maxUnavailable > 100%', resource: 'deployments', base: baseDeployment, edit: (d) => (d.spec.strategy.rollingUpdate.maxUnavailable = '150%'), want: ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%'] },
  { name: 'deployment: Recreate with rollingUpdate', resource: 'deployments', base: baseDeployment, edit: (d) => (d.spec.strategy.type = 'Recreate'), want: ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"] },
  { name: 'deployment: progress deadline', resource: 'deployments', base: baseDeployment, edit: (d) => (d.spec.minReadySeconds = 600), want: ['spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds'] },

  { name: 'replicaset: valid', resource: 'replicasets', base: baseReplicaSet, edit: () => {}, want: [] },
  { name: 'replicaset: mismatch', resource: 'replicasets', base: baseReplicaSet, edit: (r) => (r.spec.template.metadata.labels = { app: 'other' }), want: ['spec.template.metadata.labels: Invalid value: {"app":"other"}: `selector` does not match template `labels`'] },
  { name: 'replicaset: activeDeadlineSeconds', resource: 'replicasets', base: baseReplicaSet, edit: (r) => (r.spec.template.spec.activeDeadlineSeconds = 30), want: ['spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported'] },

  { name: 'namespace: valid', resource: 'namespaces', base: () => defaulted('namespaces', { metadata: { name: 'dev' } }), edit: () => {}, want: [] },
  { name: 'namespace: dotted name', resource: 'namespaces', base: () => defaulted('namespaces', { metadata: { name: 'dev.team' } }), edit: () => {}, want: ['metadata.name: Invalid value: "dev.team": must not contain dots'] },
  { name: 'namespace: spec finalizer', resource: 'namespaces', base: () => defaulted('namespaces', { metadata: { name: 'dev' } }), edit: (n) => (n.spec.finalizers = ['cleanup']), want: ['spec.finalizers: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified'] },

  { name: 'node: valid', resource: 'nodes', base: () => ({ metadata: { name: 'node-1' }, spec: { podCIDRs: ['10.244.1.0/24'], taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] } }), edit: () => {}, want: [] },
  { name: 'node: namespaced', resource: 'nodes', base: () => ({ metadata: { name: 'node-1', namespace: 'default' }, spec: {} }), edit: () => {}, want: ['metadata.namespace: Forbidden: not allowed on this type'] },
  { name: 'node: taint effect', resource: 'nodes', base: () => ({ metadata: { name: 'node-1' }, spec: { taints: [{ key: 'k' }] } }), edit: () => {}, want: ['metadata.taints[0].effect: Required value'] },
  {
    name: 'node: duplicate taint',
    resource: 'nodes',
    base: () => ({ metadata: { name: 'node-1' }, spec: { taints: [{ key: 'k', effect: 'NoSchedule' }, { key: 'k', value: 'v', effect: 'NoSchedule' }] } }),
    edit: () => {},
    want: ['metadata.taints[1]: Duplicate value: {"key":"k","value":"v","effect":"NoSchedule"}: taints must be unique by key and effect pair'],
  },
  { name: 'node: podCIDR', resource: 'nodes', base: () => ({ metadata: { name: 'node-1' }, spec: { podCIDRs: ['10.244.1.0/33'] } }), edit: () => {}, want: ['spec.podCIDRs[0]: Invalid value: "10.244.1.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'] },

  { name: 'endpoints: valid', resource: 'endpoints', base: () => defaulted('endpoints', { metadata: { name: 'web', namespace: 'default' }, subsets: [{ addresses: [{ ip: '10.244.1.5', nodeName: 'node-1' }], ports: [{ port: 80 }] }] }), edit: () => {}, want: [] },
  { name: 'endpoints: no addresses', resource: 'endpoints', base: () => defaulted('endpoints', { metadata: { name: 'web', namespace: 'default' }, subsets: [{ ports: [{ port: 80 }] }] }), edit: () => {}, want: ['subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`'] },
  { name: 'endpoints: loopback', resource: 'endpoints', base: () => defaulted('endpoints', { metadata: { name: 'web', namespace: 'default' }, subsets: [{ addresses: [{ ip: '127.0.0.1' }] }] }), edit: () => {}, want: ['subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)'] },
  {
    name: 'endpoints: several ports need names',
    resource: 'endpoints',
    base: () => defaulted('endpoints', { metadata: { name: 'web', namespace: 'default' }, subsets: [{ addresses: [{ ip: '10.244.1.5' }], ports: [{ name: 'http', port: 80 }, { port: 443 }] }] }),
    edit: () => {},
    want: ['subsets[0].ports[1].name: Required value'],
  },

  { name: 'endpointslice: valid', resource: 'endpointslices', base: () => defaulted('endpointslices', { metadata: { name: 'web-abc', namespace: 'default' }, addressType: 'IPv4', endpoints: [{ addresses: ['10.244.1.5'], conditions: { ready: true } }], ports: [{ name: 'http', port: 80 }] }), edit: () => {}, want: [] },
  { name: 'endpointslice: addressType', resource: 'endpointslices', base: () => defaulted('endpointslices', { metadata: { name: 'web-abc', namespace: 'default' }, addressType: 'IP' }), edit: () => {}, want: ['addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"'] },
  { name: 'endpointslice: addressType required', resource: 'endpointslices', base: () => defaulted('endpointslices', { metadata: { name: 'web-abc', namespace: 'default' } }), edit: () => {}, want: ['addressType: Required value'] },
  { name: 'endpointslice: no addresses', resource: 'endpointslices', base: () => defaulted('endpointslices', { metadata: { name: 'web-abc', namespace: 'default' }, addressType: 'IPv4', endpoints: [{ addresses: [] }] }), edit: () => {}, want: ['endpoints[0].addresses: Required value: must contain at least 1 address'] },
  { name: 'endpointslice: IPv6 in IPv4 slice', resource: 'endpointslices', base: () => defaulted('endpointslices', { metadata: { name: 'web-abc', namespace: 'default' }, addressType: 'IPv4', endpoints: [{ addresses: ['fd00::5'] }] }), edit: () => {}, want: ['endpoints[0].addresses[0]: Invalid value: "fd00::5": must be a valid IPv4 address'] },
  { name: 'endpointslice: duplicate port names', resource: 'endpointslices', base: () => defaulted('endpointslices', { metadata: { name: 'web-abc', namespace: 'default' }, addressType: 'IPv4', ports: [{ port: 80 }, { port: 81 }] }), edit: () => {}, want: ['ports[1].name: Duplicate value: ""'] },

  { name: 'event: valid', resource: 'events', base: () => defaulted('events', { metadata: { name: 'web.17', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' }, reason: 'Started' }), edit: () => {}, want: [] },
  { name: 'event: namespace mismatch', resource: 'events', base: () => defaulted('events', { metadata: { name: 'web.17', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'web', namespace: 'prod' } }), edit: () => {}, want: ['involvedObject.namespace: Invalid value: "prod": does not match event.namespace'] },
];

for (const c of createCases)
  test(`create ${c.name}`, () => {
    const o = c.base();
    c.edit(o);
    assert.deepEqual(lines(validateCreate(c.resource, o)), c.want);
  });

interface UpdateCase extends Case {
  status?: boolean;
}

const storedObj = (f: () => KubeObject) => () => {
  const o = f();
  Object.assign(o.metadata, stored);
  return o;
};

const podUpdateMsg =
  'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

const updateCases: UpdateCase[] = [
  { name: 'pod: unchanged', resource: 'pods', base: storedObj(basePod), edit: () => {}, want: [] },
  { name: 'pod: image may change', resource: 'pods', base: storedObj(basePod), edit: (p) => (p.spec.containers[0].image = 'nginx:1.28'), want: [] },
  { name: 'pod: tolerations may be added', resource: 'pods', base: storedObj(basePod), edit: (p) => p.spec.tolerations.push({ key: 'k', operator: 'Exists' }), want: [] },
  { name: 'pod: labels may change', resource: 'pods', base: storedObj(basePod), edit: (p) => (p.metadata.labels.tier = 'front'), want: [] },
  { name: 'pod: other spec fields are forbidden', resource: 'pods', base: storedObj(basePod), edit: (p) => (p.spec.restartPolicy = 'Never'), want: [`${podUpdateMsg}\n-\tspec.restartPolicy: "Always"\n+\tspec.restartPolicy: "Never"`] },
  { name: 'pod: containers may not be added', resource: 'pods', base: storedObj(basePod), edit: (p) => p.spec.containers.push({ ...clone(p.spec.containers[0]), name: 'side', ports: [] }), want: ['spec.containers: Forbidden: pod updates may not add or remove containers'] },
  { name: 'pod: tolerations may not be removed', resource: 'pods', base: storedObj(basePod), edit: (p) => p.spec.tolerations.pop(), want: ['spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds'] },
  {
    name: 'pod: activeDeadlineSeconds may only shrink',
    resource: 'pods',
    base: () => {
      const p = storedObj(basePod)();
      p.spec.activeDeadlineSeconds = 30;
      return p;
    },
    edit: (p) => (p.spec.activeDeadlineSeconds = 60),
    want: ['spec.activeDeadlineSeconds: Invalid value: 60: must be less than or equal to previous value'],
  },
  { name: 'pod: name immutable', resource: 'pods', base: storedObj(basePod), edit: (p) => (p.metadata.name = 'web2'), want: ['metadata.name: Invalid value: "web2": field is immutable'] },

  { name: 'deployment: scale', resource: 'deployments', base: storedObj(baseDeployment), edit: (d) => (d.spec.replicas = 5), want: [] },
  {
    name: 'deployment: selector immutable',
    resource: 'deployments',
    base: storedObj(baseDeployment),
    edit: (d) => {
      d.spec.selector.matchLabels.tier = 'front';
      d.spec.template.metadata.labels.tier = 'front';
    },
    want: ['spec.selector: Invalid value: {"matchLabels":{"app":"web","tier":"front"}}: field is immutable'],
  },
  { name: 'replicaset: selector immutable', resource: 'replicasets', base: storedObj(baseReplicaSet), edit: (r) => (r.spec.selector = { matchExpressions: [{ key: 'app', operator: 'Exists' }] }), want: ['spec.selector: Invalid value: {"matchExpressions":[{"key":"app","operator":"Exists"}]}: field is immutable'] },
  {
    name: 'node: podCIDRs fixed once set',
    resource: 'nodes',
    base: storedObj(() => ({ metadata: { name: 'node-1' }, spec: { podCIDRs: ['10.244.1.0/24'] } })),
    edit: (n) => (n.spec.podCIDRs = ['10.244.2.0/24']),
    want: ['spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid'],
  },
  { name: 'node: podCIDRs may be assigned', resource: 'nodes', base: storedObj(() => ({ metadata: { name: 'node-1' }, spec: {} })), edit: (n) => (n.spec.podCIDRs = ['10.244.2.0/24']), want: [] },
  {
    name: 'endpointslice: addressType immutable',
    resource: 'endpointslices',
    base: storedObj(() => defaulted('endpointslices', { metadata: { name: 's', namespace: 'default' }, addressType: 'IPv4', endpoints: [] })),
    edit: (s) => (s.addressType = 'IPv6'),
    want: ['addressType: Invalid value: "IPv6": field is immutable'],
  },
  // Status subresources.
  { name: 'pod status: phase and IPs', resource: 'pods', status: true, base: storedObj(basePod), edit: (p) => (p.status = { phase: 'Running', podIP: '10.244.1.5', podIPs: [{ ip: '10.244.1.5' }], hostIP: '172.30.0.11', hostIPs: [{ ip: '172.30.0.11' }] }), want: [] },
  { name: 'pod status: nodeName', resource: 'pods', status: true, base: storedObj(basePod), edit: (p) => (p.spec.nodeName = 'node-1'), want: ['status.nodeName: Forbidden: may not be changed directly'] },
  { name: 'pod status: two IPv4 podIPs', resource: 'pods', status: true, base: storedObj(basePod), edit: (p) => (p.status = { podIPs: [{ ip: '10.244.1.5' }, { ip: '10.244.1.6' }] }), want: ['status.podIPs: Invalid value: [{"ip":"10.244.1.5"},{"ip":"10.244.1.6"}]: may specify no more than one IP for each IP family'] },
  { name: 'pod status: hostIPs[0] must be hostIP', resource: 'pods', status: true, base: storedObj(basePod), edit: (p) => (p.status = { hostIP: '172.30.0.11', hostIPs: [{ ip: '172.30.0.12' }] }), want: ['status.hostIPs[0].ip: Invalid value: "172.30.0.12": must be equal to `hostIP`'] },
  {
    name: 'pod status: terminated stays terminated without restarts',
    resource: 'pods',
    status: true,
    base: () => {
      const p = storedObj(basePod)();
      p.spec.restartPolicy = 'Never';
      p.status = { containerStatuses: [{ name: 'web', state: { terminated: { exitCode: 0 } } }] };
      return p;
    },
    edit: (p) => (p.status.containerStatuses[0].state = { running: {} }),
    want: ['status.containerStatuses[0].state: Forbidden: may not be transitioned to non-terminated state'],
  },
  { name: 'deployment status: valid', resource: 'deployments', status: true, base: storedObj(baseDeployment), edit: (d) => (d.status = { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 }), want: [] },
  { name: 'deployment status: negative replicas', resource: 'deployments', status: true, base: storedObj(baseDeployment), edit: (d) => (d.status = { replicas: -1 }),
    // As in Kubernetes, the zero counts are then also "greater than" replicas.
    want: [
      'status.replicas: Invalid value: -1: must be greater than or equal to 0',
      'status.updatedReplicas: Invalid value: 0: cannot be greater than status.replicas',
      'status.readyReplicas: Invalid value: 0: cannot be greater than status.replicas',
      'status.availableReplicas: Invalid value: 0: cannot be greater than status.replicas',
    ],
  },
  { name: 'deployment status: ready > replicas', resource: 'deployments', status: true, base: storedObj(baseDeployment), edit: (d) => (d.status = { replicas: 1, readyReplicas: 2, availableReplicas: 2 }), want: ['status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas', 'status.availableReplicas: Invalid value: 2: cannot be greater than status.replicas'] },
  { name: 'replicaset status: available > ready', resource: 'replicasets', status: true, base: storedObj(baseReplicaSet), edit: (r) => (r.status = { replicas: 2, readyReplicas: 1, availableReplicas: 2 }), want: ['status.availableReplicas: Invalid value: 2: cannot be greater than readyReplicas'] },
  { name: 'namespace status: Active', resource: 'namespaces', status: true, base: storedObj(() => defaulted('namespaces', { metadata: { name: 'dev' } })), edit: () => {}, want: [] },
  { name: 'namespace status: Terminating needs deletion', resource: 'namespaces', status: true, base: storedObj(() => defaulted('namespaces', { metadata: { name: 'dev' } })), edit: (n) => (n.status.phase = 'Terminating'), want: ["status.Phase: Invalid value: \"Terminating\": may only be 'Active' if `deletionTimestamp` is empty"] },
];

for (const c of updateCases)
  test(`${c.status ? 'status update' : 'update'} ${c.name}`, () => {
    const old = c.base();
    const o = clone(old);
    c.edit(o);
    const errs = c.status ? validateStatusUpdate(c.resource, o, old) : validateUpdate(c.resource, o, old);
    assert.deepEqual(lines(errs), c.want);
  });

test('registerValidator plugs in services; unknown resources get ObjectMeta checks', () => {
  const svc: KubeObject = { metadata: { name: '1svc', namespace: 'default' }, spec: {} };
  assert.deepEqual(lines(validateCreate('services', svc)).length, 1, 'fallback uses the dns-1035 name rule');
  registerValidator('services', { create: () => [{ type: 'FieldValueRequired', field: 'spec.ports' }], update: () => [] });
  assert.deepEqual(lines(validateCreate('services', svc)), ['spec.ports: Required value']);
  assert.deepEqual(lines(validateCreate('configmaps', { metadata: { name: 'Bad_Name', namespace: 'default' } })).length, 1);
});
