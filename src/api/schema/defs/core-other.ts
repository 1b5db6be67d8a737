// core/v1 Namespace, Node, Endpoints, Event and shared reference types.

import {
  CORE, arrayOf, bool, int32, int64, mapList, mapOf, microTime, obj, preserve, ref, resource, str, strs, time,
} from '../build.js';
import type { SchemaMap } from '../types.js';

const c = (n: string) => CORE + n;
const v1 = (kind: string) => ({ group: '', version: 'v1', kind });
const resourceList = (d: string) => mapOf(ref('io.k8s.apimachinery.pkg.api.resource.Quantity'), d);
const condition = (what: string, extra: Record<string, ReturnType<typeof str>> = {}) => obj(`One condition of a ${what}.`, {
  type: str('Condition type.'),
  status: str('True, False or Unknown.'),
  ...extra,
  lastTransitionTime: time('When status last changed.'),
  reason: str('CamelCase reason for the last transition.'),
  message: str('Human-readable detail.'),
}, { required: ['type', 'status'] });

export const coreOtherDefs: SchemaMap = {
  [c('ObjectReference')]: obj('Points at another object.', {
    kind: str('Kind of the referent.'),
    namespace: str('Namespace of the referent.'),
    name: str('Name of the referent.'),
    uid: str('UID of the referent.'),
    apiVersion: str('API version of the referent.'),
    resourceVersion: str('Version of the referent this reference was made from.'),
    fieldPath: str('A part of the referent, e.g. spec.containers{name}.'),
  }, { mapType: 'atomic' }),

  [c('Namespace')]: resource(v1('Namespace'), 'A scope for names; most objects live in one.', {
    spec: ref(c('NamespaceSpec'), 'Desired state of the namespace.'),
    status: ref(c('NamespaceStatus'), 'Observed state of the namespace; read-only.'),
  }),
  [c('NamespaceSpec')]: obj('Desired state of a namespace.', {
    finalizers: strs('Finalizers that must be removed before the namespace is deleted.'),
  }),
  [c('NamespaceStatus')]: obj('Observed state of a namespace.', {
    phase: str('Active or Terminating.', { enum: ['Active', 'Terminating'] }),
    conditions: mapList(c('NamespaceCondition'), 'type', 'Current conditions of the namespace.'),
  }),
  [c('NamespaceCondition')]: condition('namespace'),

  [c('Node')]: resource(v1('Node'), 'A machine (for kubesvc, a network namespace) that runs pods.', {
    spec: ref(c('NodeSpec'), 'Desired state of the node.'),
    status: ref(c('NodeStatus'), 'Observed state of the node, reported by its agent.'),
  }),
  [c('NodeSpec')]: obj('Desired state of a node.', {
    podCIDR: str('Pod IP range of the node.'),
    podCIDRs: strs('Pod IP ranges of the node, at most one per family; the first equals podCIDR.', {
      strategy: 'merge', listType: 'set',
    }),
    providerID: str('Identifier from the infrastructure provider.'),
    unschedulable: bool('Keep new pods off the node.'),
    taints: arrayOf(ref(c('Taint')), 'Taints that repel pods without a matching toleration.'),
    configSource: preserve('Deprecated dynamic kubelet configuration.'),
    externalID: str('Deprecated.'),
  }),
  [c('Taint')]: obj('Repels pods that do not tolerate it.', {
    key: str('Taint key.'),
    value: str('Taint value.'),
    effect: str('NoSchedule, PreferNoSchedule or NoExecute.', { enum: ['NoExecute', 'NoSchedule', 'PreferNoSchedule'] }),
    timeAdded: time('When a NoExecute taint was added.'),
  }, { required: ['key', 'effect'] }),
  [c('NodeStatus')]: obj('Observed state of a node.', {
    capacity: resourceList('Total resources of the node.'),
    allocatable: resourceList('Resources available to pods.'),
    phase: str('Deprecated node lifecycle phase.'),
    conditions: mapList(c('NodeCondition'), 'type', 'Current conditions, such as Ready.'),
    addresses: mapList(c('NodeAddress'), 'type', 'Addresses of the node.'),
    daemonEndpoints: ref(c('NodeDaemonEndpoints'), 'Ports of daemons on the node.'),
    nodeInfo: ref(c('NodeSystemInfo'), 'Versions and identifiers of the node.'),
    images: arrayOf(ref(c('ContainerImage')), 'Images present on the node.'),
    volumesInUse: strs('Volumes in use on the node.'),
    volumesAttached: arrayOf(preserve('An attached volume.'), 'Volumes attached to the node.'),
    config: preserve('Deprecated dynamic configuration status.'),
    runtimeHandlers: arrayOf(preserve('A runtime handler.'), 'Runtime handlers available.'),
    features: preserve('Features the node supports.'),
  }),
  [c('NodeCondition')]: condition('node', { lastHeartbeatTime: time('When the condition was last reported.') }),
  [c('NodeAddress')]: obj('One address of a node.', {
    type: str('Hostname, InternalIP, ExternalIP, InternalDNS or ExternalDNS.'),
    address: str('The address.'),
  }, { required: ['type', 'address'] }),
  [c('NodeDaemonEndpoints')]: obj('Ports of daemons on a node.', {
    kubeletEndpoint: ref(c('DaemonEndpoint'), 'Port of the node agent.'),
  }),
  [c('DaemonEndpoint')]: obj('A daemon port.', { Port: int32('Port number.') }, { required: ['Port'] }),
  [c('NodeSystemInfo')]: obj('Versions and identifiers of a node.', {
    machineID: str('Machine ID.'),
    systemUUID: str('System UUID.'),
    bootID: str('Boot ID.'),
    kernelVersion: str('Kernel version.'),
    osImage: str('Operating system name.'),
    containerRuntimeVersion: str('Container runtime and version.'),
    kubeletVersion: str('Node agent version.'),
    kubeProxyVersion: str('Deprecated proxy version.'),
    operatingSystem: str('Operating system.'),
    architecture: str('CPU architecture.'),
    swap: preserve('Swap information.'),
  }, {
    required: ['machineID', 'systemUUID', 'bootID', 'kernelVersion', 'osImage', 'containerRuntimeVersion',
      'kubeletVersion', 'kubeProxyVersion', 'operatingSystem', 'architecture'],
  }),
  [c('ContainerImage')]: obj('An image on a node.', {
    names: strs('Names of the image.'),
    sizeBytes: int64('Size in bytes.'),
  }),

  [c('Endpoints')]: resource(v1('Endpoints'), 'The addresses and ports behind a service (legacy; see EndpointSlice).', {
    subsets: arrayOf(ref(c('EndpointSubset')), 'Groups of addresses that share the same ports.'),
  }),
  [c('EndpointSubset')]: obj('Addresses that all serve the same ports.', {
    addresses: arrayOf(ref(c('EndpointAddress')), 'Ready addresses.'),
    notReadyAddresses: arrayOf(ref(c('EndpointAddress')), 'Addresses that are not ready yet.'),
    ports: arrayOf(ref(c('EndpointPort')), 'Ports of the addresses.'),
  }),
  [c('EndpointAddress')]: obj('One endpoint address.', {
    ip: str('IP address.'),
    hostname: str('Hostname of the endpoint.'),
    nodeName: str('Node hosting the endpoint.'),
    targetRef: ref(c('ObjectReference'), 'Object providing the endpoint, usually a pod.'),
  }, { required: ['ip'], mapType: 'atomic' }),
  [c('EndpointPort')]: obj('One endpoint port.', {
    name: str('Name of the matching service port.'),
    port: int32('Port number.'),
    protocol: str('TCP, UDP or SCTP.', { enum: ['SCTP', 'TCP', 'UDP'] }),
    appProtocol: str('Application protocol.'),
  }, { required: ['port'], mapType: 'atomic' }),

  [c('Event')]: resource(v1('Event'), 'A report of something that happened to an object.', {
    involvedObject: ref(c('ObjectReference'), 'The object the event is about.'),
    reason: str('Short CamelCase reason.'),
    message: str('Human-readable description.'),
    source: ref(c('EventSource'), 'Component that reported the event.'),
    firstTimestamp: time('First time the event was seen.'),
    lastTimestamp: time('Most recent time the event was seen.'),
    count: int32('Times the event was seen.'),
    type: str('Normal or Warning.'),
    eventTime: microTime('When the event first happened.'),
    series: ref(c('EventSeries'), 'Data about a series of repeated events.'),
    action: str('What was done, or failed to be done.'),
    related: ref(c('ObjectReference'), 'A second object involved.'),
    reportingComponent: str('Controller that emitted the event.', { default: '' }),
    reportingInstance: str('Instance of that controller.', { default: '' }),
  }, { required: ['metadata', 'involvedObject'] }),
  [c('EventSource')]: obj('Reporter of an event.', { component: str('Component name.'), host: str('Node name.') }),
  [c('EventSeries')]: obj('A series of repeated events.', {
    count: int32('Occurrences so far.'),
    lastObservedTime: microTime('Time of the last occurrence.'),
  }),
};
