// Typed views of the fields the Service back-end controllers read and write.
import type { KubeObject } from '../../api/object.js';

export const LabelServiceName = 'kubernetes.io/service-name';
export const LabelManagedBy = 'endpointslice.kubernetes.io/managed-by';
export const LabelSkipMirror = 'endpointslice.kubernetes.io/skip-mirror';
export const LabelHeadless = 'service.kubernetes.io/headless';
export const LabelTopologyZone = 'topology.kubernetes.io/zone';
export const AnnotationTriggerTime = 'endpoints.kubernetes.io/last-change-trigger-time';
export const AnnotationOverCapacity = 'endpoints.kubernetes.io/over-capacity';
export const AnnotationLastApplied = 'kubectl.kubernetes.io/last-applied-configuration';
export const AnnotationLeaderElection = 'control-plane.alpha.kubernetes.io/leader';

export const EndpointSliceControllerName = 'endpointslice-controller.k8s.io';
export const MirroringControllerName = 'endpointslicemirroring-controller.k8s.io';
export const DefaultMaxEndpointsPerSlice = 100;

export interface ObjectReference {
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
}

export interface EndpointConditions {
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

export interface Endpoint {
  addresses: string[];
  conditions: EndpointConditions;
  hostname?: string;
  targetRef?: ObjectReference;
  nodeName?: string;
  zone?: string;
}

export interface EndpointPort {
  name?: string;
  protocol?: string;
  port?: number;
  appProtocol?: string;
}

export interface EndpointSlice extends KubeObject {
  addressType: string;
  endpoints: Endpoint[];
  ports: EndpointPort[];
}
