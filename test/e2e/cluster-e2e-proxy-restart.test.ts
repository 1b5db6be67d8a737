// Issue 6 end to end (root, real nftables): restarting a node's proxy under load. On
// `kubesvc up --nodes 2`, a client pod holds keep-alive HTTP connections through a
// ClusterIP, each sending a request 20 ms after the last reply, while it also opens new
// connections back to back; SIGHUP makes the client node's agent restart its proxy (the
// node that NATs these flows). The new proxy starts from the rules the old one left in
// the kernel and converges with one full-sync transaction, so nothing may break.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  clientPod, clusterSkip, deployment, readyPods, replies, run, service, standinSpec, startTestCluster, waitUntil,
  type PodInfo, type TestCluster, destroyCluster,
} from '../support/cluster-harness.js';
import { trafficArgv } from '../support/traffic.js';
import { TABLE } from '../../src/proxy/names.js';

const CONNS = 6;

describe('kubesvc up: proxy restart under load', { skip: clusterSkip, timeout: 180_000 }, () => {
  let c: TestCluster;
  let client: PodInfo;

  before(async () => {
    c = await startTestCluster({ prefix: 'p', nodes: 2 });
    await c.apply(
      deployment('keep', 3, standinSpec(8080)),
      service('keep', { selector: { app: 'keep' }, ports: [{ port: 80, targetPort: 8080 }] }),
      clientPod('client'),
    );
    [client] = await readyPods(c, 'role=client', 1);
  });

  after(async () => {
    await destroyCluster(c);
  });

  it('SIGHUP restarts the proxy: every established connection keeps working, and new connections never fail', async (t) => {
    await readyPods(c, 'app=keep', 3);
    const ip = (await c.k(['get', 'svc', 'keep', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    await waitUntil('keep to answer', async () => replies((await c.sh(client.name, `curl -s --noproxy '*' --max-time 1 http://${ip}/`)).stdout)[0], 10_000, 200);
    const node = client.node;
    const idx = Number(/^node-(\d+)$/.exec(node)?.[1]);
    const ns = c.nodeNs(idx), nodeIP = c.nodeIPs[idx - 1];
    const chains = async (): Promise<string[]> => {
      const r = await run(['ip', 'netns', 'exec', ns, 'nft', '-j', 'list', 'table', 'ip', TABLE]);
      assert.equal(r.code, 0, `nft list table ip ${TABLE} in ${ns}: ${r.stderr}`);
      return (JSON.parse(r.stdout).nftables as any[]).filter((o) => o.chain).map((o) => o.chain.name as string).sort();
    };
    const chainsBefore = await chains();
    const pid = c.agentPid(node);
    const logFrom = c.upLog().length;

    let tHup = 0;
    let timer: NodeJS.Timeout | undefined;
    const lines: string[] = [];
    // 10 s of traffic; the proxy is restarted 3 s in.
    const r = await c.execStream(client.name, trafficArgv('keepalive', ip, 80, 10_000, CONNS), (l) => {
      lines.push(l);
      timer ??= setTimeout(() => { tHup = Date.now(); process.kill(pid, 'SIGHUP'); }, 3000);
    }, { timeoutMs: 30_000 });
    clearTimeout(timer);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(tHup > 0, 'SIGHUP never sent');

    // The restart happened, and the new proxy is the one serving /healthz, synced after the signal.
    const log = c.upLog().slice(logFrom);
    const m = new RegExp(`^(\\S+) \\[${node}\\] kubesvc agent: proxy restarted in (\\d+) ms$`, 'm').exec(log);
    assert.ok(m, `no restart in the log of ${node}:\n${log.split('\n').filter((l) => l.includes(`[${node}]`)).join('\n')}`);
    const tRestarted = Date.parse(m[1]);
    const hz = await c.client(['curl', '-s', '--noproxy', '*', '--max-time', '2', `http://${nodeIP}:10256/healthz`]);
    const lastUpdated = Date.parse(JSON.parse(hz.stdout || '{}').lastUpdated ?? '');
    assert.ok(lastUpdated >= tHup, `healthz lastUpdated ${hz.stdout} is not after the SIGHUP (${new Date(tHup).toISOString()})`);
    assert.deepEqual(await chains(), chainsBefore, 'the same chains after the restart');

    const end = Number(lines.find((l) => l.startsWith('done '))?.split(' ')[1]);
    assert.ok(end - tRestarted > 3000, `too little traffic after the restart (done ${end - tRestarted} ms after it)`);
    const notes: string[] = [];
    for (let i = 0; i < CONNS; i++) {
      const mine = lines.filter((l) => l.startsWith(`ka-open ${i} `) || l.startsWith(`ka ${i} `) || l.startsWith(`ka-end ${i} `));
      const opens = mine.filter((l) => l.startsWith('ka-open'));
      const ends = mine.filter((l) => l.startsWith('ka-end'));
      const got = mine.filter((l) => l.startsWith('ka ')).map((l) => { const [, , at, pod] = l.split(' '); return { at: Number(at), pod }; });
      assert.equal(opens.length, 1, `connection ${i} opened once`);
      assert.deepEqual(ends.map((l) => l.split(' ')[3]), ['deadline'], `connection ${i} must stay open until the client's deadline`);
      assert.equal(new Set(got.map((x) => x.pod)).size, 1, `connection ${i} is one TCP connection, so one pod: ${[...new Set(got.map((x) => x.pod))].join(' ')}`);
      const times = [Number(opens[0].split(' ')[2]), ...got.map((x) => x.at)];
      const gap = Math.max(...times.slice(1).map((x, k) => x - times[k]));
      const afterRestart = got.filter((x) => x.at > tRestarted).length;
      notes.push(`#${i} ${got[0]?.pod}: ${got.length} replies (${afterRestart} after the restart), longest gap ${gap} ms`);
      assert.ok(got.some((x) => x.at < tHup), `connection ${i} got no reply before the restart`);
      assert.ok(afterRestart >= 20, `connection ${i} got ${afterRestart} replies after the restart`);
      assert.ok(gap < 1000, `connection ${i} stalled for ${gap} ms`);
    }
    const reqs = lines.filter((l) => l.startsWith('req ')).map((l) => l.split(' '));
    const failed = reqs.filter((x) => x[3] !== 'ok');
    const around = reqs.filter((x) => Number(x[1]) >= tHup && Number(x[1]) <= tRestarted);
    t.diagnostic(`proxy of ${node} restarted ${tRestarted - tHup} ms after SIGHUP (agent says ${m[2]} ms); ${notes.join('; ')}; ` +
      `new connections: ${reqs.length}, ${around.length} of them during the restart, ${failed.length} failed`);
    assert.deepEqual(failed.map((x) => `${x[4]} at +${Number(x[1]) - tHup} ms`), [], 'new connections failed');
    assert.ok(reqs.filter((x) => Number(x[1]) > tRestarted).length >= 20, 'new connections after the restart');
    assert.ok(new Set(reqs.filter((x) => Number(x[1]) > tRestarted).map((x) => x[4])).size >= 2, 'new connections after the restart spread over the pods');
  });
});
