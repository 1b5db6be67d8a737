// discovery.k8s.io/v1 EndpointSlice.

import { CORE, DISCOVERY, arrayOf, bool, int32, obj, ref, resource, str, stringMap, strs } from '../build.js';
import type { SchemaMap } from '../types.js';

const d = (n: string) => DISCOVERY + n;

export const discoveryDefs: SchemaMap = {
  [d('EndpointSlice')]: resource({ group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice' }, 'A subset of the endpoints of a service.', {
    addressType: str('IPv4, IPv6 or FQDN; all addresses of the slice are of this type.', { enum: ['FQDN', 'IPv4', 'IPv6'] }),
    endpoints: arrayOf(ref(d('Endpoint')), 'Endpoints of the slice, at most 1000.'),
    ports: arrayOf(ref(d('EndpointPort')), 'Ports every endpoint of the slice serves.'),
  }, { required: ['addressType', 'endpoints'] }),
  [d('Endpoint')]: obj('One endpoint.', {
    addresses: strs('Addresses of the endpoint, usually one.', { listType: 'set' }),
    conditions: ref(d('EndpointConditions'), 'Readiness of the endpoint.'),
    hostname: str('Hostname of the endpoint, used for DNS.'),
    targetRef: ref(CORE + 'ObjectReference', 'Object providing the endpoint, usually a pod.'),
    deprecatedTopology: stringMap('Deprecated topology labels.'),
    nodeName: str('Node hosting the endpoint.'),
    zone: str('Zone of the endpoint.'),
    hints: ref(d('EndpointHints'), 'Routing hints for topology-aware routing.'),
  }, { required: ['addresses'] }),
  [d('EndpointConditions')]: obj('State of an endpoint.', {
    ready: bool('Ready to receive traffic.'),
    serving: bool('Ready, regardless of termination.'),
    terminating: bool('Shutting down.'),
  }),
  [d('EndpointHints')]: obj('Routing hints.', {
    forZones: arrayOf(ref(d('ForZone')), 'Zones that should use this endpoint.'),
    forNodes: arrayOf(ref(d('ForNode')), 'Nodes that should use this endpoint.'),
  }),
  [d('ForZone')]: obj('A zone.', { name: str('Zone name.') }, { required: ['name'] }),
  [d('ForNode')]: obj('A node.', { name: str('Node name.', { default: '' }) }, { required: ['name'] }),
  [d('EndpointPort')]: obj('A port served by the endpoints of a slice.', {
    name: str('Name of the matching service port.'),
    protocol: str('TCP, UDP or SCTP.', { enum: ['SCTP', 'TCP', 'UDP'] }),
    port: int32('Port number; empty means all ports.'),
    appProtocol: str('Application protocol.'),
  }, { mapType: 'atomic' }),
};
