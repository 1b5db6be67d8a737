import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findDuplicateFields } from '../../src/api/schema/duplicate-fields.js';

const cases: { name: string; json: string; want: string[] }[] = [
  { name: 'no duplicates', json: '{"a":1,"b":{"c":[1,{"d":2}]}}', want: [] },
  { name: 'top level', json: '{"a":1,"a":2}', want: ['a'] },
  { name: 'nested object', json: '{"metadata":{"name":"x","name":"y"}}', want: ['metadata.name'] },
  { name: 'inside a list item', json: '{"spec":{"ports":[{"port":80},{"port":81,"port":82}]}}', want: ['spec.ports[1].port'] },
  { name: 'escaped keys compare decoded', json: '{"a\\u0062":1,"ab":2}', want: ['ab'] },
  { name: 'same key in sibling objects is fine', json: '{"x":{"k":1},"y":{"k":2}}', want: [] },
  { name: 'strings containing braces', json: '{"a":"}{\\"","a":1}', want: ['a'] },
  { name: 'malformed input yields what was seen', json: '{"a":1,"a":', want: ['a'] },
];

for (const c of cases) test(c.name, () => assert.deepEqual(findDuplicateFields(c.json), c.want));
