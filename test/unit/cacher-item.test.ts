// The watch cache's item for a stored value: decoded from the value, or taken
// from the object this process wrote (the same item, and the writer's later
// changes to that object's labels do not reach the cache).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeItem } from '../../src/apiserver/cache/cacher.js';
import { resourceByKind } from '../../src/apiserver/resources.js';
import type { KubeObject } from '../../src/api/object.js';

const pods = resourceByKind('Pod')!;
const pod = (): KubeObject => ({ metadata: { name: 'p', namespace: 'ns', labels: { app: 'a' } }, spec: { nodeName: 'n1' }, kind: 'Pod', apiVersion: 'v1' } as KubeObject);

test('an item from the written object is the item decoded from its value', () => {
  const value = JSON.stringify(pod());
  const decoded = makeItem(pods, '/registry/pods/ns/p', value, 7);
  const written = pod();
  const taken = makeItem(pods, '/registry/pods/ns/p', value, 7, written);
  assert.deepEqual(taken, decoded);
  assert.match(taken.json, /^\{"apiVersion":"v1","kind":"Pod","metadata":\{"name":"p","namespace":"ns","labels":\{"app":"a"\},"resourceVersion":"7"\}/);
  assert.equal(taken.fields['spec.nodeName'], 'n1');
  written.metadata.labels!.app = 'changed';
  assert.deepEqual(taken.labels, { app: 'a' });
});
