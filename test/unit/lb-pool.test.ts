// Load-balancer pool: syntax, assignment, sharing, exhaustion, release, rebuild.
// Address plan: pools inside the node network 172.30.0.0/24; Services are "ns/name".
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LBPool, type LBRequest } from '../../src/controllers/loadbalancer/pool.js';
import { formatPool, parsePool, poolSize } from '../../src/controllers/loadbalancer/ranges.js';
import { isOurs, lbRequestOf, statusPatch, statusShows } from '../../src/controllers/loadbalancer/service.js';

const req = (o: Partial<LBRequest> = {}): LBRequest => ({ backendKey: '', ports: ['TCP/80'], ...o });

describe('pool syntax', () => {
  const cases: { spec: string; want?: string; size?: number; error?: RegExp }[] = [
    { spec: '172.30.0.200-172.30.0.250', want: '172.30.0.200-172.30.0.250', size: 51 },
    { spec: '172.30.0.192/28', want: '172.30.0.192-172.30.0.207', size: 16 },
    { spec: '172.30.0.197/30', want: '172.30.0.196-172.30.0.199', size: 4 },
    { spec: '172.30.0.9', want: '172.30.0.9', size: 1 },
    { spec: '172.30.0.10-172.30.0.12, 172.30.0.13/32,172.30.0.1', want: '172.30.0.1,172.30.0.10-172.30.0.13', size: 5 },
    { spec: '172.30.0.250-172.30.0.200', error: /ends before it starts/ },
    { spec: '172.30.0.0/33', error: /invalid load-balancer pool entry/ },
    { spec: 'fd00::1-fd00::2', error: /invalid/ },
    { spec: ' , ', error: /empty/ },
  ];
  for (const c of cases) {
    it(c.spec, () => {
      if (c.error) return assert.throws(() => parsePool(c.spec), c.error);
      const p = parsePool(c.spec);
      assert.equal(formatPool(p), c.want);
      assert.equal(poolSize(p), c.size);
    });
  }
});

describe('assignment', () => {
  type Step = { svc: string; req?: LBRequest; release?: true; want: string | RegExp };
  const cases: { name: string; pool?: string; steps: Step[] }[] = [
    { name: 'lowest free first', steps: [{ svc: 'a/1', req: req(), want: '172.30.0.200' }, { svc: 'a/2', req: req(), want: '172.30.0.201' }] },
    { name: 'requested IP when free', steps: [{ svc: 'a/1', req: req({ requestedIP: '172.30.0.202' }), want: '172.30.0.202' }, { svc: 'a/2', req: req(), want: '172.30.0.200' }] },
    { name: 'requested IP taken', steps: [{ svc: 'a/1', req: req(), want: '172.30.0.200' }, { svc: 'a/2', req: req({ requestedIP: '172.30.0.200' }), want: /in use by a\/1 and this service does not allow sharing/ }] },
    { name: 'requested IP outside the pool', steps: [{ svc: 'a/1', req: req({ requestedIP: '10.0.0.1' }), want: /10\.0\.0\.1 is not in pool "172\.30\.0\.200-172\.30\.0\.202"/ }] },
    {
      name: 'shared: same key, disjoint ports',
      steps: [
        { svc: 'a/tcp', req: req({ requestedIP: '172.30.0.201', sharingKey: 'k', ports: ['TCP/53'] }), want: '172.30.0.201' },
        { svc: 'a/udp', req: req({ requestedIP: '172.30.0.201', sharingKey: 'k', ports: ['UDP/53'] }), want: '172.30.0.201' },
      ],
    },
    {
      name: 'shared key without a requested IP joins the lowest compatible address',
      steps: [
        { svc: 'a/x', req: req({ sharingKey: 'k', ports: ['TCP/80'] }), want: '172.30.0.200' },
        { svc: 'a/y', req: req({ sharingKey: 'k', ports: ['TCP/443'] }), want: '172.30.0.200' },
        { svc: 'a/z', req: req({ sharingKey: 'k', ports: ['TCP/443'] }), want: '172.30.0.201' },
      ],
    },
    {
      name: 'overlapping ports refuse sharing',
      steps: [
        { svc: 'a/1', req: req({ requestedIP: '172.30.0.200', sharingKey: 'k', ports: ['TCP/80', 'TCP/81'] }), want: '172.30.0.200' },
        { svc: 'a/2', req: req({ requestedIP: '172.30.0.200', sharingKey: 'k', ports: ['TCP/81'] }), want: /port TCP\/81 is already in use on 172\.30\.0\.200 by a\/1/ },
      ],
    },
    {
      name: 'different keys refuse sharing',
      steps: [
        { svc: 'a/1', req: req({ requestedIP: '172.30.0.200', sharingKey: 'k1' }), want: '172.30.0.200' },
        { svc: 'a/2', req: req({ requestedIP: '172.30.0.200', sharingKey: 'k2', ports: ['UDP/80'] }), want: /sharing key "k2" does not match "k1"/ },
      ],
    },
    {
      name: 'the holder must allow sharing too',
      steps: [
        { svc: 'a/1', req: req({ requestedIP: '172.30.0.200' }), want: '172.30.0.200' },
        { svc: 'a/2', req: req({ requestedIP: '172.30.0.200', sharingKey: 'k', ports: ['UDP/80'] }), want: /a\/1, which does not allow sharing/ },
      ],
    },
    {
      name: 'different backend keys (traffic policy / Local selector) refuse sharing',
      steps: [
        { svc: 'a/1', req: req({ requestedIP: '172.30.0.200', sharingKey: 'k', backendKey: 'Local:app=x' }), want: '172.30.0.200' },
        { svc: 'a/2', req: req({ requestedIP: '172.30.0.200', sharingKey: 'k', backendKey: '', ports: ['UDP/80'] }), want: /different externalTrafficPolicy/ },
      ],
    },
    {
      name: 'exhaustion, then a release frees an address',
      steps: [
        { svc: 'a/1', req: req(), want: '172.30.0.200' },
        { svc: 'a/2', req: req(), want: '172.30.0.201' },
        { svc: 'a/3', req: req(), want: '172.30.0.202' },
        { svc: 'a/4', req: req(), want: /no available IPs in pool "172\.30\.0\.200-172\.30\.0\.202"/ },
        { svc: 'a/2', release: true, want: '172.30.0.201' },
        { svc: 'a/4', req: req(), want: '172.30.0.201' },
      ],
    },
    {
      name: 'a shared address is freed only by its last user',
      steps: [
        { svc: 'a/1', req: req({ sharingKey: 'k', ports: ['TCP/1'] }), want: '172.30.0.200' },
        { svc: 'a/2', req: req({ sharingKey: 'k', ports: ['TCP/2'] }), want: '172.30.0.200' },
        { svc: 'a/1', release: true, want: 'kept' },
        { svc: 'a/2', release: true, want: '172.30.0.200' },
      ],
    },
    {
      name: 'keeps its address on re-assign; moves when the request changes',
      steps: [
        { svc: 'a/1', req: req(), want: '172.30.0.200' },
        { svc: 'a/1', req: req({ ports: ['TCP/8080'] }), want: '172.30.0.200' },
        { svc: 'a/1', req: req({ requestedIP: '172.30.0.202' }), want: '172.30.0.202' },
        { svc: 'a/2', req: req(), want: '172.30.0.200' },
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const pool = new LBPool(c.pool ?? '172.30.0.200-172.30.0.202');
      for (const s of c.steps) {
        if (s.release) {
          const r = pool.release(s.svc);
          assert.equal(r.freed ? r.ip : 'kept', s.want, `release ${s.svc}`);
          continue;
        }
        const r = pool.assign(s.svc, s.req!);
        if (typeof s.want === 'string') assert.deepEqual(r.ok && r.ip, s.want, `${s.svc}: ${JSON.stringify(r)}`);
        else assert.match(r.ok ? `ok ${r.ip}` : r.reason, s.want, s.svc);
      }
    });
  }

  it('a failed move leaves the service without an address', () => {
    const pool = new LBPool('172.30.0.200-172.30.0.201');
    pool.assign('a/1', req());
    pool.assign('a/2', req());
    assert.equal(pool.assign('a/1', req({ requestedIP: '172.30.0.201' })).ok, false);
    assert.equal(pool.ipOf('a/1'), undefined);
    assert.equal(pool.used, 1);
  });
});

describe('rebuild from status', () => {
  it('takes back holdings in order; the later of a contested pair loses', () => {
    const pool = new LBPool('172.30.0.200-172.30.0.202');
    pool.assign('stale/x', req());
    const problems = pool.rebuild([
      { svc: 'a/old', ip: '172.30.0.201', req: req() },
      { svc: 'a/new', ip: '172.30.0.201', req: req() },
      { svc: 'a/out', ip: '10.9.9.9', req: req() },
      { svc: 'a/s1', ip: '172.30.0.202', req: req({ sharingKey: 'k', ports: ['TCP/1'] }) },
      { svc: 'a/s2', ip: '172.30.0.202', req: req({ sharingKey: 'k', ports: ['TCP/2'] }) },
    ]);
    assert.deepEqual(problems, [
      'a/new cannot keep 172.30.0.201: 172.30.0.201 is in use by a/old and this service does not allow sharing',
      'a/out cannot keep 10.9.9.9: 10.9.9.9 is not in pool "172.30.0.200-172.30.0.202"',
    ]);
    assert.equal(pool.ipOf('stale/x'), undefined);
    assert.deepEqual(pool.usersOf('172.30.0.202'), ['a/s1', 'a/s2']);
    assert.equal(pool.assign('a/new', req()).ok && pool.ipOf('a/new'), '172.30.0.200');
  });
});

describe('reading Services', () => {
  const svc = (spec: any, annotations: Record<string, string> = {}, status: any = {}): any => ({
    metadata: { name: 's', namespace: 'ns', annotations }, spec: { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }], ...spec }, status,
  });
  it('ownership by type and class', () => {
    assert.equal(isOurs(svc({})), true);
    assert.equal(isOurs(svc({ type: 'ClusterIP' })), false);
    assert.equal(isOurs(svc({ loadBalancerClass: 'example.com/other' })), false);
    assert.equal(isOurs(svc({ loadBalancerClass: 'kubesvc.io/lb' }), 'kubesvc.io/lb'), true);
  });
  const cases: { name: string; s: any; want: unknown }[] = [
    { name: 'plain', s: svc({}), want: { req: { backendKey: '', ports: ['TCP/80', 'UDP/53'] } } },
    { name: 'spec.loadBalancerIP', s: svc({ loadBalancerIP: '172.30.0.210' }), want: { req: { requestedIP: '172.30.0.210', backendKey: '', ports: ['TCP/80', 'UDP/53'] } } },
    { name: 'annotation, new domain, dual-stack list', s: svc({}, { 'metallb.io/loadBalancerIPs': 'fd00::5, 172.30.0.211' }), want: { req: { requestedIP: '172.30.0.211', backendKey: '', ports: ['TCP/80', 'UDP/53'] } } },
    { name: 'annotation, old domain, with sharing and Local', s: svc({ externalTrafficPolicy: 'Local', selector: { b: '2', a: '1' } }, { 'metallb.universe.tf/loadBalancerIPs': '172.30.0.212', 'metallb.universe.tf/allow-shared-ip': 'dns' }),
      want: { req: { requestedIP: '172.30.0.212', sharingKey: 'dns', backendKey: 'Local:a=1,b=2', ports: ['TCP/80', 'UDP/53'] } } },
    { name: 'both, disagreeing', s: svc({ loadBalancerIP: '172.30.0.1' }, { 'metallb.io/loadBalancerIPs': '172.30.0.2' }), want: { error: 'service can not have both spec.loadBalancerIP and the loadBalancerIPs annotation' } },
    { name: 'bad annotation', s: svc({}, { 'metallb.io/loadBalancerIPs': 'nope' }), want: { error: 'invalid IP "nope" in the loadBalancerIPs annotation' } },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(lbRequestOf(c.s), c.want));

  it('status round trip', () => {
    const patch = statusPatch('172.30.0.200') as any;
    assert.equal(statusShows(svc({}, {}, patch.status), '172.30.0.200'), true);
    assert.equal(statusShows(svc({}, {}, patch.status), undefined), false);
    assert.equal(statusShows(svc({}, {}, { loadBalancer: {} }), undefined), true);
    assert.equal(statusShows(svc({}, {}, { loadBalancer: { ingress: [{ ip: '172.30.0.200', ipMode: 'Proxy' }] } }), '172.30.0.200'), false);
  });
});
