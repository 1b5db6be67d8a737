import { test } from 'node:test';
import assert from 'node:assert/strict';
import { omitEmpty } from '../../src/api/schema/omit-empty.js';
import { schemas, schemaNameFor } from '../../src/api/schema/index.js';

const root = schemas[schemaNameFor('', 'v1', 'Service')!];

test('empty maps and optional lists go, as Go omitempty drops them', () => {
  const svc: Record<string, unknown> = {
    metadata: { name: 'x', labels: {}, annotations: {}, finalizers: [] },
    spec: { selector: {}, ports: [{ port: 80 }], externalIPs: [] },
    status: { loadBalancer: {} },
  };
  omitEmpty(svc, root, schemas);
  assert.deepEqual(svc, { metadata: { name: 'x' }, spec: { ports: [{ port: 80 }] }, status: { loadBalancer: {} } });
});

test('non-empty values and structs are kept', () => {
  const svc: Record<string, unknown> = { metadata: { name: 'x', labels: { a: 'b' } }, spec: { selector: { app: 'y' } }, status: { loadBalancer: {} } };
  const before = structuredClone(svc);
  omitEmpty(svc, root, schemas);
  assert.deepEqual(svc, before);
});
