// Real nftables, real traffic, all inside namespaces this test creates:
//   node netns: bridge cbr0 10.77.N.1/24, veth svc0 routing the service CIDR,
//               the kubesvc table programmed by ExecNft
//   pod-a 10.77.N.10, pod-b 10.77.N.11 (HTTP servers answering their name),
//   pod-c 10.77.N.12 (client). Needs root and nft; skipped otherwise.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { ExecNft } from '../../src/nft/exec.js';
import { ProxyCore } from '../../src/proxy/core.js';
import { svc, slice } from '../unit/proxy-fixtures.js';
import { inNs, removeBridgeNode, wireBridgeNode } from '../support/bridge-node.js';

const canRun = process.getuid?.() === 0 && spawnSync('nft', ['--version']).status === 0 && spawnSync('curl', ['--version']).status === 0;
const id = randomBytes(3).toString('hex');
const NET = `10.77.${parseInt(id.slice(0, 2), 16) % 200 + 20}`;
const NS = { node: `ksvc-t${id}-node`, a: `ksvc-t${id}-a`, b: `ksvc-t${id}-b`, c: `ksvc-t${id}-c` };
const IP = { node: `${NET}.1`, a: `${NET}.10`, b: `${NET}.11`, c: `${NET}.12` };
const CIP = '10.96.77.10';
const TABLE = `kubesvc-t${id}`;
const procs: ChildProcess[] = [];


function curl(ns: string, url: string): { code: number; body: string; ms: number } {
  const t = Date.now();
  const r = spawnSync('ip', ['netns', 'exec', ns, 'curl', '-s', '--max-time', '3', url], { encoding: 'utf8' });
  return { code: r.status ?? -1, body: r.stdout.trim(), ms: Date.now() - t };
}

before(async () => {
  if (!canRun) return;
  wireBridgeNode(Object.values(NS), { ns: NS.node, ip: IP.node }, (['a', 'b', 'c'] as const).map((p) => ({ key: p, ns: NS[p], ip: IP[p] })));
  for (const p of ['a', 'b'] as const) {
    const code = `require('http').createServer((q,s)=>s.end('pod-${p}')).listen(8080,'${IP[p]}',()=>console.log('up'))`;
    const child = spawn('ip', ['netns', 'exec', NS[p], process.execPath, '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    procs.push(child);
    await new Promise<void>((resolve, reject) => { child.stdout!.once('data', () => resolve()); child.once('exit', () => reject(new Error('server exited'))); });
  }
});

after(() => removeBridgeNode(Object.values(NS), procs));

function newCore(): { core: ProxyCore; nft: ExecNft } {
  const nft = new ExecNft({ table: TABLE, netns: NS.node });
  return { nft, core: new ProxyCore(nft, { node: { name: 'node-1', ips: [IP.node] }, clusterCIDR: `${NET}.0/24`, serviceCIDR: '10.96.0.0/12' }) };
}

const web = (o: Parameters<typeof svc>[2] = {}) => svc('demo', 'web', { clusterIP: CIP, type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30080 }], ...o });
const webSlice = (ips: string[]) => slice('demo', 'web', 'web-1', [{ name: 'http', port: 8080 }], ips.map((ip) => ({ ip, node: 'node-1' })));

test('ClusterIP and NodePort balance over both pods; 0 endpoints → refused; comments listed; hairpin', { skip: !canRun && 'needs root, nft and curl' }, async () => {
  const { core, nft } = newCore();
  try {
    core.onService(undefined, web());
    core.onSlice(webSlice([IP.a, IP.b]), false);
    assert.equal((await core.sync()).full, true);
    const seen = new Set<string>();
    for (let i = 0; i < 30 && seen.size < 2; i++) seen.add(curl(NS.c, `http://${CIP}/`).body);
    assert.deepEqual([...seen].sort(), ['pod-a', 'pod-b']);
    const np = new Set<string>();
    for (let i = 0; i < 30 && np.size < 2; i++) np.add(curl(NS.c, `http://${IP.node}:30080/`).body);
    assert.deepEqual([...np].sort(), ['pod-a', 'pod-b']);

    const listing = inNs(NS.node, 'nft', 'list', 'table', 'ip', TABLE);
    assert.match(listing, /comment "demo\/web:http"/);
    // Chainless dispatch: the VIP jumps to the shared pick-2 chain, endpoints are map elements.
    assert.match(listing, /10\.96\.77\.10 \. tcp \. 80 comment "demo\/web:http" : goto pick-2/);
    assert.match(listing, /10\.96\.77\.10 \. 80 \. 1 : 10\.77\.\d+\.11 \. 8080/);

    // Hairpin: pod-a as the only endpoint, reaching itself through the service.
    core.onSlice(webSlice([IP.a]), false);
    assert.equal((await core.sync()).full, false);
    assert.equal(curl(NS.a, `http://${CIP}/`).body, 'pod-a');

    // No endpoints: refused at once, not a timeout.
    core.onSlice(webSlice([]), false);
    await core.sync();
    const refused = curl(NS.c, `http://${CIP}/`);
    assert.equal(refused.code, 7, 'curl: connection refused');
    assert.ok(refused.ms < 1500, `refused in ${refused.ms} ms`);
    // Unallocated service IP: refused as well.
    assert.equal(curl(NS.c, 'http://10.96.77.99/').code, 7);

    // Back: works again, and a second proxy instance (restart) converges on the same table.
    core.onSlice(webSlice([IP.a, IP.b]), false);
    await core.sync();
    assert.match(curl(NS.c, `http://${CIP}/`).body, /^pod-[ab]$/);
    const before = inNs(NS.node, 'nft', 'list', 'table', 'ip', TABLE);
    const restarted = newCore();
    restarted.core.onService(undefined, web());
    restarted.core.onSlice(webSlice([IP.a, IP.b]), false);
    await restarted.core.sync();
    assert.equal(inNs(NS.node, 'nft', 'list', 'table', 'ip', TABLE), before);
    assert.equal((await restarted.core.sync()).operations, 0);
    await restarted.nft.close();
  } finally {
    await nft.run(nft.newTransaction().delete({ kind: 'table' })).catch(() => {});
    await nft.close();
  }
});

test('ClientIP affinity keeps one pod', { skip: !canRun && 'needs root, nft and curl' }, async () => {
  const { core, nft } = newCore();
  try {
    core.onService(undefined, web({ affinity: 60 }));
    core.onSlice(webSlice([IP.a, IP.b]), false);
    await core.sync();
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) seen.add(curl(NS.c, `http://${CIP}/`).body);
    assert.equal(seen.size, 1, [...seen].join(','));
    assert.match([...seen][0], /^pod-[ab]$/);
  } finally {
    await nft.run(nft.newTransaction().delete({ kind: 'table' })).catch(() => {});
    await nft.close();
  }
});

test('small transactions go through one long-lived nft: all-or-nothing, errors reported, gone after close', { skip: !canRun && 'needs root, nft and curl' }, async () => {
  const { nft } = newCore();
  const t = 'ksvc-session-test';
  const own = new ExecNft({ table: t, netns: NS.node });
  try {
    await own.run(own.newTransaction().add({ kind: 'table' }).add({ kind: 'set', name: 's', type: 'ipv4_addr' }));
    const pids = (): string[] => spawnSync('ip', ['netns', 'pids', NS.node], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    const running = pids();
    assert.ok(running.length >= 1, 'a long-lived nft runs in the namespace');
    // The second element names a set that does not exist: nothing of the transaction is applied.
    const bad = own.newTransaction().add({ kind: 'element', set: 's', key: '10.0.0.1', comment: 'a; b # c' }).add({ kind: 'element', set: 'nosuch', key: '10.0.0.2' });
    await assert.rejects(own.run(bad), (e: Error) => /No such file or directory/.test(e.message));
    assert.doesNotMatch(inNs(NS.node, 'nft', 'list', 'set', 'ip', t, 's'), /10\.0\.0\.1/);
    // The same process goes on; a comment with `;` and `#` survives the one-line form.
    await own.run(own.newTransaction().add({ kind: 'element', set: 's', key: '10.0.0.1', comment: 'a; b # c' }));
    assert.match(inNs(NS.node, 'nft', 'list', 'set', 'ip', t, 's'), /10\.0\.0\.1 comment "a; b # c"/);
    assert.deepEqual(pids(), running);
    // Beyond the session's size, a one-shot `nft -f` takes the transaction.
    const big = own.newTransaction();
    for (let i = 0; i < 3000; i++) big.add({ kind: 'element', set: 's', key: `10.1.${i >> 8}.${i & 255}` });
    await own.run(big);
    assert.equal((inNs(NS.node, 'nft', 'list', 'set', 'ip', t, 's').match(/10\.1\.\d+\.\d+/g) ?? []).length, 3000);
    await own.close();
    assert.deepEqual(pids(), []);
  } finally {
    await own.run(own.newTransaction().delete({ kind: 'table' })).catch(() => {});
    await own.close();
    await nft.close();
  }
});
