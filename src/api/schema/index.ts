// The schema of every type kubesvc serves, keyed by Kubernetes definition name.

import { listOf } from './build.js';
import { appsDefs } from './defs/apps.js';
import { coreConfigDefs } from './defs/core-config.js';
import { coreOtherDefs } from './defs/core-other.js';
import { corePodDefs } from './defs/core-pod.js';
import { coreServiceDefs } from './defs/core-service.js';
import { discoveryDefs } from './defs/discovery.js';
import { coordinationDefs } from './defs/coordination.js';
import { authDefs } from './defs/auth.js';
import { metaDefs } from './defs/meta.js';
import { servedResources } from './resources.js';
import type { Schema, SchemaMap } from './types.js';

export type { Schema, SchemaMap } from './types.js';
export { servedResources, servedGroupVersions, groupVersionPath } from './resources.js';
export type { ResourceInfo, SubresourceInfo } from './resources.js';

const base: SchemaMap = { ...metaDefs, ...corePodDefs, ...coreServiceDefs, ...coreOtherDefs, ...coreConfigDefs, ...appsDefs, ...discoveryDefs, ...coordinationDefs, ...authDefs };

const byGvk = new Map<string, string>();
const gvkKey = (g: string, v: string, k: string) => `${g}/${v}/${k}`;

function index(map: SchemaMap): void {
  for (const [name, s] of Object.entries(map)) {
    for (const gvk of s['x-kubernetes-group-version-kind'] ?? []) {
      // DeleteOptions is tagged with every group; it never owns a kind that a resource owns.
      if (!byGvk.has(gvkKey(gvk.group, gvk.version, gvk.kind))) byGvk.set(gvkKey(gvk.group, gvk.version, gvk.kind), name);
    }
  }
}
index(base);

const lists: SchemaMap = {};
for (const r of servedResources) {
  const item = byGvk.get(gvkKey(r.group, r.version, r.kind));
  if (item) lists[item + 'List'] = listOf(r, item);
}
// kubectl validates `kind: List` documents (e.g. `kubectl get a b -o yaml | kubectl apply -f -`)
// against this GVK; items are checked one by one when applied, so they stay opaque here.
lists['io.k8s.api.core.v1.List'] = {
  type: 'object',
  description: 'A list of objects of any kind, as `kubectl get` prints several objects.',
  required: ['items'],
  properties: {
    apiVersion: { type: 'string', description: 'Versioned schema of this representation.' },
    kind: { type: 'string', description: 'REST resource this object represents.' },
    items: { type: 'array', description: 'The objects.', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
    metadata: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta', description: 'Standard list metadata.' },
  },
  'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'List' }],
};
index(lists);

export const schemas: SchemaMap = { ...base, ...lists };

/** Definition name of the schema tagged with this group/version/kind (core group = ''). */
export function schemaNameFor(group: string, version: string, kind: string): string | undefined {
  return byGvk.get(gvkKey(group, version, kind));
}

/** Definition names reachable from `roots` through $ref, roots included. */
export function reachableSchemas(map: SchemaMap, roots: string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...roots];
  const visit = (s: Schema | undefined): void => {
    if (!s || typeof s !== 'object') return;
    if (s.$ref) stack.push(s.$ref.replace('#/components/schemas/', ''));
    s.allOf?.forEach(visit);
    s.oneOf?.forEach(visit);
    if (s.properties) Object.values(s.properties).forEach(visit);
    if (s.additionalProperties && typeof s.additionalProperties === 'object') visit(s.additionalProperties);
    visit(s.items);
  };
  while (stack.length) {
    const n = stack.pop() as string;
    if (seen.has(n)) continue;
    seen.add(n);
    visit(map[n]);
  }
  return seen;
}
