// applyDefaults: the defaulting step between decoding and validation, by resource
// (plural). Mutates the object. Other resources plug in through registerDefaulter.

import type { KubeObject } from '../object.js';
import { defaultPod } from './pod.js';
import { defaultDeployment, defaultReplicaSet } from './workloads.js';
import { defaultSecret } from './config.js';
import { defaultEndpoints, defaultEndpointSlice, defaultEvent, defaultNamespace, defaultNode } from './core.js';

export type Defaulter = (obj: KubeObject) => void;

const defaulters = new Map<string, Defaulter>([
  ['pods', defaultPod],
  ['deployments', defaultDeployment],
  ['replicasets', defaultReplicaSet],
  ['namespaces', defaultNamespace],
  ['endpoints', defaultEndpoints],
  ['endpointslices', defaultEndpointSlice],
  ['nodes', defaultNode],
  ['events', defaultEvent],
  ['secrets', defaultSecret],
]);

/** Adds or replaces the defaulter of a resource (e.g. 'services' → defaultService). */
export function registerDefaulter(resource: string, fn: Defaulter): void {
  defaulters.set(resource, fn);
}

export function applyDefaults(resource: string, obj: KubeObject): void {
  defaulters.get(resource)?.(obj);
}

export { defaultPodSpec, defaultPodTemplate, imageTag } from './podspec.js';
export { addDefaultTolerations } from './pod.js';
