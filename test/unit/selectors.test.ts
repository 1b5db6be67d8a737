import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../src/api/status.js';
import {
  fieldsFor, fromLabelSelectorObject, labelSelectorFromSet, labelSelectorString, matchesFields, matchesLabels,
  parseFieldSelector, parseLabelSelector, requiresExactMatch, validateFieldSelector, formatLabelSelector,
  fieldRequiresExactMatch, escapeFieldValue,
} from '../../src/api/selectors/index.js';
import type { KubeObject } from '../../src/api/object.js';

function badRequest(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof StatusError, `expected StatusError, got ${String(e)}`);
    assert.equal(e.code, 400);
    assert.equal(e.reason, 'BadRequest');
    return e.message;
  }
  assert.fail('expected an error');
}

const nameMsg = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

describe('parseLabelSelector', () => {
  const ok: { in: string; str: string }[] = [
    { in: '', str: '' },
    { in: 'a=b', str: 'a=b' },
    { in: 'a==b', str: 'a==b' },
    { in: 'a!=b', str: 'a!=b' },
    { in: 'b=1,a=2', str: 'a=2,b=1' },
    { in: 'x in (foo,,baz),y,z notin ()', str: 'x in (,baz,foo),y,z notin ()' },
    { in: ' env in ( prod , dev ) ', str: 'env in (dev,prod)' },
    { in: '!a', str: '!a' },
    { in: 'a', str: 'a' },
    { in: 'a=', str: 'a=' },
    { in: 'example.com/app=web', str: 'example.com/app=web' },
    { in: 'a in (in,notin)', str: 'a in (in,notin)' },
    { in: 'n>5,m<3', str: 'm<3,n>5' },
  ];
  for (const c of ok) it(`parses ${JSON.stringify(c.in)}`, () => assert.equal(labelSelectorString(parseLabelSelector(c.in)), c.str));

  const bad: { in: string; msg: string }[] = [
    { in: 'a===b', msg: "unable to parse requirement: found '=', expected: identifier" },
    { in: 'a b', msg: "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt" },
    { in: 'a=b,', msg: "found '', expected: identifier after ','" },
    { in: 'a=b c', msg: "found 'c', expected: ',' or 'end of string'" },
    { in: ',a', msg: "found ',', expected: !, identifier, or 'end of string'" },
    { in: '!a=b', msg: "found '=', expected: ',' or 'end of string'" },
    { in: 'a in b', msg: "unable to parse requirement: found 'b' expected: '('" },
    { in: 'a in (b c)', msg: "unable to parse requirement: found 'c', expected: ',' or ')'" },
    { in: 'a in (=)', msg: "unable to parse requirement: found '=', expected: ',', ')' or identifier" },
    { in: 'app:web', msg: `unable to parse requirement: <nil>: Invalid value: "app:web": ${nameMsg}` },
    {
      in: 'a=b@',
      msg: "unable to parse requirement: values[0][a]: Invalid value: \"b@\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    },
    { in: 'a>b', msg: "unable to parse requirement: values[0]: Invalid value: \"b\": for 'Gt', 'Lt' operators, the value must be an integer" },
  ];
  for (const c of bad) it(`rejects ${JSON.stringify(c.in)}`, () => assert.equal(badRequest(() => parseLabelSelector(c.in)), c.msg));

  it('reports several bad values in one aggregate', () => {
    const m = badRequest(() => parseLabelSelector('a in (x@,y@)'));
    assert.match(m, /^unable to parse requirement: \[values\[0\]\[a\]: Invalid value: "x@": .*, values\[1\]\[a\]: Invalid value: "y@": .*\]$/);
  });
});

describe('matchesLabels', () => {
  const labels = { app: 'web', tier: 'front', n: '7' };
  const cases: [string, Record<string, string> | undefined, boolean][] = [
    ['', labels, true],
    ['', undefined, true],
    ['app=web', labels, true],
    ['app==web,tier=front', labels, true],
    ['app=db', labels, false],
    ['app!=db', labels, true],
    ['missing!=x', labels, true],
    ['app in (db,web)', labels, true],
    ['app notin (db,web)', labels, false],
    ['missing notin (x)', labels, true],
    ['missing in (x)', labels, false],
    ['app', labels, true],
    ['!app', labels, false],
    ['!missing', undefined, true],
    ['n>5', labels, true],
    ['n<5', labels, false],
    ['app>5', labels, false],
    ['app=', { app: '' }, true],
  ];
  for (const [s, l, want] of cases) it(`${JSON.stringify(s)} on ${JSON.stringify(l)}`, () => assert.equal(matchesLabels(parseLabelSelector(s), l), want));
  it('requiresExactMatch', () => {
    assert.equal(requiresExactMatch(parseLabelSelector('kubernetes.io/service-name=x,a'), 'kubernetes.io/service-name'), 'x');
    assert.equal(requiresExactMatch(parseLabelSelector('a!=x'), 'a'), undefined);
  });
});

describe('selector objects', () => {
  it('null/undefined selects nothing, {} selects everything', () => {
    assert.equal(matchesLabels(fromLabelSelectorObject(null), { a: 'b' }), false);
    assert.equal(matchesLabels(fromLabelSelectorObject(undefined), {}), false);
    assert.equal(matchesLabels(fromLabelSelectorObject({}), { a: 'b' }), true);
    assert.equal(matchesLabels(fromLabelSelectorObject({ matchLabels: {}, matchExpressions: [] }), undefined), true);
  });
  it('converts matchLabels and matchExpressions', () => {
    const sel = fromLabelSelectorObject({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['front', 'edge'] },
        { key: 'env', operator: 'NotIn', values: ['dev'] },
        { key: 'x', operator: 'Exists' },
        { key: 'y', operator: 'DoesNotExist' },
      ],
    });
    assert.equal(labelSelectorString(sel), 'app=web,env notin (dev),tier in (edge,front),x,!y');
    assert.equal(matchesLabels(sel, { app: 'web', tier: 'edge', x: '' }), true);
    assert.equal(matchesLabels(sel, { app: 'web', tier: 'edge', x: '', y: '1' }), false);
    assert.equal(matchesLabels(sel, { app: 'web', tier: 'edge', env: 'dev', x: '' }), false);
  });
  it('rejects bad operators and empty In values like NewRequirement', () => {
    assert.equal(badRequest(() => fromLabelSelectorObject({ matchExpressions: [{ key: 'a', operator: 'Foo' }] })), '"Foo" is not a valid label selector operator');
    assert.equal(
      badRequest(() => fromLabelSelectorObject({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })),
      "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
    );
    assert.equal(
      badRequest(() => fromLabelSelectorObject({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] })),
      'values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist',
    );
  });
  it('labelSelectorFromSet', () => {
    assert.equal(labelSelectorString(labelSelectorFromSet({ b: '2', a: '1' })), 'a=1,b=2');
    assert.equal(matchesLabels(labelSelectorFromSet(undefined), { a: 'x' }), true);
    assert.equal(matchesLabels(labelSelectorFromSet({ a: '1' }), { a: '2' }), false);
  });
  it('formatLabelSelector', () => {
    assert.equal(formatLabelSelector({ matchLabels: { app: 'web' } }), 'app=web');
    assert.equal(formatLabelSelector({}), '<none>');
    assert.equal(formatLabelSelector(undefined), '<none>');
    assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Bad' }] }), '<error>');
  });
});

describe('parseFieldSelector', () => {
  const f = { 'metadata.name': 'a,b', 'spec.nodeName': 'n1', 'status.phase': 'Running' };
  const cases: [string, boolean][] = [
    ['', true],
    ['spec.nodeName=n1', true],
    ['spec.nodeName==n1', true],
    ['spec.nodeName!=n1', false],
    ['spec.nodeName=n1,status.phase=Running', true],
    ['spec.nodeName=n1,status.phase!=Running', false],
    ['metadata.name=a\\,b', true],
    ['missing=', true],
    ['missing!=', false],
    [',spec.nodeName=n1,', true],
  ];
  for (const [s, want] of cases) it(`${JSON.stringify(s)}`, () => assert.equal(matchesFields(parseFieldSelector(s), f), want));

  it('unescapes and splits on the first operator', () => {
    assert.deepEqual(parseFieldSelector('a=b\\=c\\\\').requirements, [{ field: 'a', operator: '=', value: 'b=c\\' }]);
    assert.deepEqual(parseFieldSelector('x!=y').requirements, [{ field: 'x', operator: '!=', value: 'y' }]);
    assert.equal(escapeFieldValue('a,b=c\\'), 'a\\,b\\=c\\\\');
    assert.equal(fieldRequiresExactMatch(parseFieldSelector('metadata.name=foo'), 'metadata.name'), 'foo');
  });
  it('rejects malformed selectors with upstream wording', () => {
    assert.equal(badRequest(() => parseFieldSelector('foo')), "invalid selector: 'foo'; can't understand 'foo'");
    assert.equal(badRequest(() => parseFieldSelector('a=b,c')), "invalid selector: 'a=b,c'; can't understand 'c'");
    assert.equal(badRequest(() => parseFieldSelector('a=b\\x')), 'invalid field selector: invalid escape sequence: \\x');
    assert.equal(badRequest(() => parseFieldSelector('a=b\\')), 'invalid field selector: invalid escape sequence: \\');
    assert.equal(badRequest(() => parseFieldSelector('a=b=c')), 'invalid field selector: unescaped character in value: 61');
  });
});

describe('fieldsFor / validateFieldSelector', () => {
  const pod: KubeObject = {
    metadata: { name: 'p', namespace: 'ns' },
    spec: { nodeName: 'n1', restartPolicy: 'Always', schedulerName: 'default-scheduler', serviceAccountName: 'default' },
    status: { phase: 'Running', podIP: '10.0.0.1', podIPs: [{ ip: '10.0.0.1' }] },
  };
  it('pods', () => {
    assert.deepEqual(fieldsFor('pods', pod), {
      'metadata.name': 'p', 'metadata.namespace': 'ns', 'spec.nodeName': 'n1', 'spec.restartPolicy': 'Always',
      'spec.schedulerName': 'default-scheduler', 'spec.serviceAccountName': 'default', 'spec.hostNetwork': 'false',
      'status.phase': 'Running', 'status.podIP': '10.0.0.1', 'status.nominatedNodeName': '',
    });
  });
  it('events, nodes, namespaces, replicasets, defaults', () => {
    const ev = fieldsFor('events', {
      metadata: { name: 'e', namespace: 'ns' }, involvedObject: { kind: 'Service', name: 's', namespace: 'ns', uid: 'u1' },
      reason: 'Created', type: 'Normal', reportingComponent: 'ctrl', source: {},
    });
    assert.equal(ev['involvedObject.kind'], 'Service');
    assert.equal(ev['involvedObject.uid'], 'u1');
    assert.equal(ev.source, 'ctrl');
    assert.equal(ev['involvedObject.fieldPath'], '');
    assert.deepEqual(fieldsFor('nodes', { metadata: { name: 'n' }, spec: { unschedulable: true } }), { 'metadata.name': 'n', 'spec.unschedulable': 'true' });
    assert.equal(fieldsFor('namespaces', { metadata: { name: 'x' }, status: { phase: 'Active' } })['status.phase'], 'Active');
    assert.equal(fieldsFor('replicasets', { metadata: { name: 'r', namespace: 'd' }, status: { replicas: 3 } })['status.replicas'], '3');
    assert.deepEqual(fieldsFor('configmaps', { metadata: { name: 'c', namespace: 'd' } }), { 'metadata.name': 'c', 'metadata.namespace': 'd' });
  });
  it('accepts supported labels and rewrites spec.host', () => {
    const sel = validateFieldSelector('pods', parseFieldSelector('spec.host=n1,status.phase=Running'));
    assert.deepEqual(sel.requirements.map((r) => r.field), ['spec.nodeName', 'status.phase']);
    assert.equal(matchesFields(sel, fieldsFor('pods', pod)), true);
    validateFieldSelector('events', parseFieldSelector('involvedObject.name=x,involvedObject.kind=Service,involvedObject.uid=u,involvedObject.namespace=d'));
    validateFieldSelector('endpointslices', parseFieldSelector('metadata.namespace=d'));
  });
  it('rejects unsupported labels with upstream wording', () => {
    assert.equal(badRequest(() => validateFieldSelector('pods', parseFieldSelector('foo=bar'))), 'field label not supported: foo');
    assert.equal(badRequest(() => validateFieldSelector('nodes', parseFieldSelector('metadata.namespace=x'))), 'field label not supported: metadata.namespace');
    assert.equal(
      badRequest(() => validateFieldSelector('deployments', parseFieldSelector('status.replicas=1'))),
      '"status.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
    // Terms are checked in sorted order, so the first unsupported one in that order is named.
    assert.equal(badRequest(() => validateFieldSelector('pods', parseFieldSelector('zz=1,aa=2'))), 'field label not supported: aa');
  });
});

describe('prototype-named input', () => {
  it('is rejected, not resolved through Object.prototype', () => {
    assert.equal(badRequest(() => validateFieldSelector('pods', parseFieldSelector('toString=x'))), 'field label not supported: toString');
    assert.equal(badRequest(() => fromLabelSelectorObject({ matchExpressions: [{ key: 'a', operator: 'constructor' }] })), '"constructor" is not a valid label selector operator');
    assert.deepEqual(fieldsFor('constructor', { metadata: { name: 'x' } }), { 'metadata.name': 'x', 'metadata.namespace': '' });
  });
});
