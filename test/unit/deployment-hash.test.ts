// pod-template-hash: FNV-32a, safe alphabet, stability under key order and
// Go-style empty values; revision annotations and the new-RS lookup.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/object.js';
import { canonicalJson, computeHash, fnv32a, safeEncode } from '../../src/controllers/deployment/hash.js';
import {
  equalIgnoreHash, findNewReplicaSet, maxRevision, REVISION, REVISION_HISTORY, setNewReplicaSetAnnotations,
} from '../../src/controllers/deployment/replicasets.js';

const enc = (s: string) => new TextEncoder().encode(s);
const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } };

test('fnv32a matches the reference vectors', () => {
  assert.equal(fnv32a(enc('')), 0x811c9dc5);
  assert.equal(fnv32a(enc('a')), 0xe40c292c);
  assert.equal(fnv32a(enc('foobar')), 0xbf9cf968);
});

test('safeEncode maps decimal digits into the consonant alphabet', () => {
  assert.equal(safeEncode('0123456789'), '456789bcdf');
});

test('computeHash: format, stability, sensitivity', () => {
  const h = computeHash(template);
  assert.match(h, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  assert.equal(h, computeHash(JSON.parse(JSON.stringify(template))));
  const reordered = { spec: { containers: [{ image: 'nginx:1', name: 'c' }] }, metadata: { labels: { app: 'web' } } };
  assert.equal(computeHash(reordered), h, 'key order does not matter');
  assert.equal(computeHash({ ...template, metadata: { ...template.metadata, creationTimestamp: null } }), h, 'null is absent');
  assert.notEqual(computeHash({ ...template, spec: { containers: [{ name: 'c', image: 'nginx:2' }] } }), h);
  assert.notEqual(computeHash(template, 1), h, 'collisionCount changes the hash');
  assert.notEqual(computeHash(template, 1), computeHash(template, 2));
  assert.equal(computeHash(template, 0), computeHash(template, 0));
  // Pinned: a changed algorithm would rename every ReplicaSet on upgrade.
  assert.equal(h, safeEncode(String(fnv32a(enc(canonicalJson(template))))));
});

test('equalIgnoreHash ignores pod-template-hash and empty values only', () => {
  const withHash = { ...template, metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' }, creationTimestamp: null } };
  assert.equal(equalIgnoreHash(template, withHash), true);
  assert.equal(equalIgnoreHash(template, { ...template, metadata: { labels: { app: 'other' } } }), false);
});

const rs = (name: string, rev: number | undefined, tmpl: unknown, created: string, ann: Record<string, string> = {}): KubeObject => ({
  metadata: { name, uid: name, creationTimestamp: created, annotations: { ...(rev !== undefined ? { [REVISION]: String(rev) } : {}), ...ann } },
  spec: { replicas: 1, template: tmpl },
});

test('findNewReplicaSet picks the oldest RS with the template; maxRevision over all', () => {
  const d: KubeObject = { metadata: { name: 'd' }, spec: { template } };
  const a = rs('a', 1, template, '2024-01-01T00:00:02Z');
  const b = rs('b', 2, template, '2024-01-01T00:00:01Z');
  const c = rs('c', 3, { ...template, spec: { containers: [] } }, '2024-01-01T00:00:00Z');
  assert.equal(findNewReplicaSet(d, [a, b, c])?.metadata.name, 'b');
  assert.equal(maxRevision([a, b, c]), 3);
  assert.equal(findNewReplicaSet({ metadata: {}, spec: { template: { spec: { x: 1 } } } }, [a]), undefined);
});

test('setNewReplicaSetAnnotations: copies annotations, raises revision, keeps history on rollback', () => {
  const d: KubeObject = {
    metadata: { name: 'd', annotations: { 'kubernetes.io/change-cause': 'undo', 'kubectl.kubernetes.io/last-applied-configuration': '{}', [REVISION]: '9' } },
    spec: { replicas: 4, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } },
  };
  const fresh = rs('new', undefined, template, '2024-01-01T00:00:00Z');
  assert.equal(setNewReplicaSetAnnotations(d, fresh, 1, false), true);
  assert.deepEqual(fresh.metadata.annotations, {
    'kubernetes.io/change-cause': 'undo', [REVISION]: '1',
    'deployment.kubernetes.io/desired-replicas': '4', 'deployment.kubernetes.io/max-replicas': '5',
  });
  const back = rs('old', 2, template, '2024-01-01T00:00:00Z');
  setNewReplicaSetAnnotations(d, back, 4, true);
  assert.equal(back.metadata.annotations![REVISION], '4');
  assert.equal(back.metadata.annotations![REVISION_HISTORY], '2');
  assert.equal(back.metadata.annotations!['deployment.kubernetes.io/desired-replicas'], undefined, 'existing RSs get replica annotations when scaled');
  setNewReplicaSetAnnotations(d, back, 6, true);
  assert.equal(back.metadata.annotations![REVISION_HISTORY], '2,4');
  assert.equal(setNewReplicaSetAnnotations(d, back, 6, true), false, 'idempotent');
  const capped = rs('cap', 7, template, '2024-01-01T00:00:00Z', { [REVISION_HISTORY]: '1,2,3' });
  setNewReplicaSetAnnotations(d, capped, 8, true, 4);
  assert.equal(capped.metadata.annotations![REVISION_HISTORY], '3,7', 'oldest revisions dropped to fit');
});
