// Small schemas for the apply tests, mirroring the Kubernetes OpenAPI list and map
// annotations (not the project's real schemas, which are built elsewhere).

import type { KubeObject } from '../../src/api/object.js';
import { refTo, type Schema, type SchemaMap } from '../../src/api/schema/types.js';

const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer' };
const strMap: Schema = { type: 'object', additionalProperties: str };

export const schemas: SchemaMap = {
  ObjectMeta: {
    type: 'object',
    properties: {
      name: str, namespace: str, uid: str, resourceVersion: str, generation: int, creationTimestamp: str,
      deletionTimestamp: str, labels: strMap, annotations: strMap,
      finalizers: { type: 'array', items: str, 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' },
      ownerReferences: {
        type: 'array', items: { $ref: refTo('OwnerReference') },
        'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['uid'], 'x-kubernetes-patch-merge-key': 'uid',
      },
      managedFields: { type: 'array', items: { type: 'object' } },
    },
  },
  OwnerReference: { type: 'object', properties: { apiVersion: str, kind: str, name: str, uid: str, controller: { type: 'boolean' } } },
  Service: {
    type: 'object',
    properties: {
      apiVersion: str, kind: str,
      metadata: { allOf: [{ $ref: refTo('ObjectMeta') }] },
      spec: { allOf: [{ $ref: refTo('ServiceSpec') }] },
      status: { allOf: [{ $ref: refTo('ServiceStatus') }] },
    },
  },
  ServiceSpec: {
    type: 'object',
    properties: {
      ports: {
        type: 'array', items: { $ref: refTo('ServicePort') },
        'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['port', 'protocol'],
        'x-kubernetes-patch-merge-key': 'port', 'x-kubernetes-patch-strategy': 'merge',
      },
      selector: { ...strMap, 'x-kubernetes-map-type': 'atomic' },
      clusterIP: str,
      clusterIPs: { type: 'array', items: str, 'x-kubernetes-list-type': 'atomic' },
      externalIPs: { type: 'array', items: str },
      type: str,
      sessionAffinity: str,
    },
  },
  ServicePort: {
    type: 'object', required: ['port'],
    properties: { name: str, protocol: { type: 'string', default: 'TCP' }, port: int, targetPort: { 'x-kubernetes-int-or-string': true }, nodePort: int },
  },
  ServiceStatus: {
    type: 'object',
    properties: {
      loadBalancer: { type: 'object', properties: { ingress: { type: 'array', items: { type: 'object', properties: { ip: str } }, 'x-kubernetes-list-type': 'atomic' } } },
      conditions: {
        type: 'array', items: { type: 'object', properties: { type: str, status: str } },
        'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'],
      },
    },
  },
  Pod: {
    type: 'object',
    properties: { apiVersion: str, kind: str, metadata: { allOf: [{ $ref: refTo('ObjectMeta') }] }, spec: { allOf: [{ $ref: refTo('PodSpec') }] } },
  },
  PodSpec: {
    type: 'object',
    properties: {
      // Merge key without list type: a map list keyed by name.
      containers: { type: 'array', items: { $ref: refTo('Container') }, 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' },
      volumes: { type: 'array', items: { $ref: refTo('Volume') }, 'x-kubernetes-patch-merge-key': 'name' },
    },
  },
  Container: {
    type: 'object',
    properties: {
      name: str, image: str, args: { type: 'array', items: str },
      env: { type: 'array', items: { type: 'object', properties: { name: str, value: str } }, 'x-kubernetes-patch-merge-key': 'name' },
    },
  },
  Volume: { type: 'object', properties: { name: str, emptyDir: { type: 'object', properties: { medium: str } } } },
};

export const serviceSchema: Schema = { $ref: refTo('Service') };
export const podSchema: Schema = { $ref: refTo('Pod') };

export function service(spec: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default', ...meta }, spec };
}

export function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}
