// End to end (root): a node netns on a test bridge, a real API server on the
// bridge address, the agent as a child process inside the node netns, and
// real pods. Address plan: bridge 172.29.R.1/24, node eth0 172.29.R.11,
// pod CIDR 10.244.1.0/24 (only ever inside the node netns).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { startTestServer, type TestServer } from '../support/server.js';
import { RestClient, loadKubeconfig } from '../../src/client/rest.js';
import { Nodes, Pods, resourcePath } from '../../src/client/resources.js';
import { podNetnsName, podVethName } from '../../src/agent/net/names.js';

const isRoot = process.getuid?.() === 0;
const rnd = Math.floor(Math.random() * 0xfff).toString(16).padStart(3, '0');
const R = 100 + Math.floor(Math.random() * 100);
const P = `ksvc-t${rnd}`;
const BR = `kt${rnd}br`, HV = `kt${rnd}h1`;
const NODE_NS = `${P}-n1`;
const BR_IP = `172.29.${R}.1`, NODE_IP = `172.29.${R}.11`;
const NODE = `node-${rnd}`;
const READY_FILE = `/tmp/${P}-ready`;

const sh = (...argv: string[]): string => execFileSync(argv[0], argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const trySh = (...argv: string[]): string => { try { return sh(...argv); } catch { return ''; } };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, f: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try { const v = await f(); if (v) return v; } catch (e) { last = e; }
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

function kubelet(path: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: NODE_IP, port: 10250, path, rejectUnauthorized: false, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('agent e2e', { skip: !isRoot && 'needs root' }, () => {
  let srv: TestServer;
  let client: RestClient;
  let agent: ChildProcess | undefined;
  let dataDir: string;
  let agentLog = '';
  let startAgent: () => void = () => undefined;

  before(async () => {
    sh('ip', 'link', 'add', BR, 'type', 'bridge');
    sh('ip', 'addr', 'add', `${BR_IP}/24`, 'dev', BR);
    sh('ip', 'link', 'set', BR, 'up');
    sh('ip', 'netns', 'add', NODE_NS);
    sh('ip', 'link', 'add', HV, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', NODE_NS);
    sh('ip', 'link', 'set', HV, 'master', BR, 'up');
    sh('ip', '-n', NODE_NS, 'addr', 'add', `${NODE_IP}/24`, 'dev', 'eth0');
    sh('ip', '-n', NODE_NS, 'link', 'set', 'eth0', 'up');
    sh('ip', '-n', NODE_NS, 'link', 'set', 'lo', 'up');
    srv = await startTestServer({ listen: [`${BR_IP}:0`] });
    client = new RestClient(loadKubeconfig(srv.kubeconfigPath));
    dataDir = mkdtempSync(join(tmpdir(), 'kubesvc-agent-e2e-'));
    const args = ['--kubeconfig', srv.kubeconfigPath, '--node-name', NODE, '--node-ip', NODE_IP, '--pod-cidr', '10.244.1.0/24', '--data-dir', dataDir];
    // From source under tsx, or compiled under dist/ by `npm test`.
    const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
    const main = new URL(`../../src/agent/main.${ext}`, import.meta.url).href;
    startAgent = (): void => {
      agent = spawn('ip', ['netns', 'exec', NODE_NS, process.execPath, '--import', 'tsx', '-e',
        `import(${JSON.stringify(main)}).then(async (m) => process.exit(await m.runAgent(${JSON.stringify(args)})))`], { stdio: ['ignore', 'pipe', 'pipe'], cwd: process.cwd() });
      agent.stdout!.on('data', (c) => (agentLog += c));
      agent.stderr!.on('data', (c) => (agentLog += c));
    };
    startAgent();
  });

  after(async () => {
    if (agent && agent.exitCode === null) {
      agent.kill('SIGTERM');
      await Promise.race([new Promise((r) => agent!.once('exit', r)), sleep(8000)]);
      if (agent.exitCode === null) agent.kill('SIGKILL');
    }
    for (const ns of trySh('ip', 'netns', 'list').split('\n').map((l) => l.split(' ')[0])) {
      if (!ns.startsWith(P)) continue;
      for (const pid of trySh('ip', 'netns', 'pids', ns).split(/\s+/).filter(Boolean)) trySh('kill', '-9', pid);
      trySh('ip', 'netns', 'del', ns);
      rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
    }
    trySh('ip', 'link', 'del', HV);
    trySh('ip', 'link', 'del', BR);
    rmSync(READY_FILE, { force: true });
    client?.close();
    await srv?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (process.env.KUBESVC_AGENT_LOG) process.stderr.write(agentLog);
  });

  const pod = (name: string, spec: any): any => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: NODE, terminationGracePeriodSeconds: 3, ...spec } });
  const getPod = (name: string): Promise<any> => client.get(resourcePath(Pods, 'default', name));
  const ready = (p: any): boolean => p.status?.conditions?.find((c: any) => c.type === 'Ready')?.status === 'True';
  const nsOf = (p: any): string => podNetnsName(NODE_NS, p.metadata.uid);

  it('registers a Ready node', async () => {
    const node = await until('node Ready', async () => {
      const n = await client.get(resourcePath(Nodes, undefined, NODE));
      return n.status?.conditions?.find((c: any) => c.type === 'Ready')?.status === 'True' && n;
    }, 30_000).catch((e) => { throw new Error(`${e.message}\nagent log:\n${agentLog}`); });
    assert.equal(node.spec.podCIDR, '10.244.1.0/24');
    assert.deepEqual(node.status.addresses, [{ type: 'InternalIP', address: NODE_IP }, { type: 'Hostname', address: NODE }]);
    assert.equal(node.status.daemonEndpoints.kubeletEndpoint.Port, 10250);
    assert.equal(node.status.nodeInfo.containerRuntimeVersion, 'kubesvc://0.1.0');
    // The node netns forwards, sends no ICMP redirects to pods on its bridge, and probes a stale neighbour at once (node-sysctls.ts).
    const conf = (key: string): string => sh('ip', 'netns', 'exec', NODE_NS, 'sysctl', '-n', key).trim();
    assert.deepEqual(['net.ipv4.ip_forward', 'net.ipv4.conf.all.send_redirects', 'net.ipv4.conf.cbr0.send_redirects', 'net.ipv4.neigh.cbr0.delay_first_probe_time'].map(conf), ['1', '0', '0', '0']);
    // Its Lease, as a kubelet's: held by the node, owned by the Node object, renewed with microsecond times.
    // Made just after registration, without holding it up.
    const lease = await until('node lease', () => client.get(`/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${NODE}`).catch(() => undefined), 10_000);
    assert.deepEqual([lease.spec.holderIdentity, lease.spec.leaseDurationSeconds], [NODE, 40]);
    assert.deepEqual(lease.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: NODE, uid: node.metadata.uid }]);
    assert.match(lease.spec.renewTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it('runs the stand-in and a command pod; pods reach each other; logs and exec work', async () => {
    writeFileSync(READY_FILE, '');
    await client.create(resourcePath(Pods, 'default'), pod('web', {
      containers: [{ name: 'web', image: 'my-app', ports: [{ containerPort: 80 }],
        readinessProbe: { exec: { command: ['cat', READY_FILE] }, periodSeconds: 1, failureThreshold: 1 } }],
    }));
    await client.create(resourcePath(Pods, 'default'), pod('client', {
      containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'echo hi; echo oops >&2; echo "me=$MY_NAME ip=$MY_IP"; exec sleep 1000'],
        env: [{ name: 'MY_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }, { name: 'MY_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }] }],
    }));
    const web = await until('web Ready', async () => { const p = await getPod('web'); return ready(p) && p; }).catch((e) => { throw new Error(`${e.message}\n${agentLog}`); });
    const cl = await until('client Ready', async () => { const p = await getPod('client'); return ready(p) && p; });
    assert.equal(web.status.phase, 'Running');
    assert.notEqual(web.status.podIP, cl.status.podIP);
    assert.match(web.status.containerStatuses[0].containerID, /^kubesvc:\/\//);
    assert.match(web.status.podIP, /^10\.244\.1\./);

    // Ready comes from an exec probe, so the stand-in may still be starting.
    const out = await until('curl web', async () => sh('ip', 'netns', 'exec', nsOf(cl), 'curl', '-s', '--max-time', '2', `http://${web.status.podIP}/`));
    assert.match(out, new RegExp(`^pod=web client=${cl.status.podIP.replace(/\./g, '\\.')}:\\d+\\n$`));
    const resolv = sh('ip', 'netns', 'exec', nsOf(cl), 'cat', '/etc/resolv.conf');
    assert.match(resolv, /nameserver 10\.96\.0\.10/);
    assert.match(resolv, /search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local/);

    const token = srv.token;
    const logs = await until('logs', async () => { const r = await kubelet('/pods/default/client/log', token); return r.body.includes('me=') && r; });
    // stdout and stderr are separate pipes, so only their own order is fixed.
    assert.deepEqual(logs.body.split('\n').sort(), ['', 'hi', `me=client ip=${cl.status.podIP}`, 'oops']);
    const ts = await kubelet('/pods/default/client/log?timestamps=true&tailLines=1', token);
    assert.match(ts.body, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z (me=client.*|oops|hi)\n$/);
    assert.equal((await kubelet('/pods/default/client/log', 'wrong')).status, 401);

    // exec over WebSocket v5: stdout, stderr, exit code on the error channel.
    const exec = async (podName: string, container: string, script: string): Promise<(ch: number) => string> => {
      const frames: { ch: number; data: string }[] = [];
      const q = new URLSearchParams([['container', container], ['command', 'sh'], ['command', '-c'], ['command', script], ['stdout', 'true'], ['stderr', 'true']]);
      await new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(`wss://${NODE_IP}:10250/pods/default/${podName}/exec?${q}`, ['v5.channel.k8s.io', 'v4.channel.k8s.io'], { rejectUnauthorized: false, headers: { Authorization: `Bearer ${token}` } });
        ws.on('message', (d: Buffer) => frames.push({ ch: d[0], data: d.subarray(1).toString() }));
        ws.on('close', () => resolve());
        ws.on('error', reject);
        ws.on('open', () => assert.equal(ws.protocol, 'v5.channel.k8s.io'));
      });
      return (ch) => frames.filter((f) => f.ch === ch).map((f) => f.data).join('');
    };
    const text = await exec('client', 'c', 'echo out; echo err >&2; exit 3');
    assert.equal(text(1), 'out\n');
    assert.equal(text(2), 'err\n');
    const st = JSON.parse(text(3));
    assert.equal(st.reason, 'NonZeroExitCode');
    assert.deepEqual(st.details.causes, [{ reason: 'ExitCode', message: '3' }]);
    // Into a stand-in (its holder starts without the pod's mounts): the pod's resolv.conf, hosts, hostname and network all the same.
    const inWeb = await exec('web', 'web', 'cat /etc/resolv.conf; grep -c web /etc/hosts; hostname; ip -o -4 addr show dev eth0');
    assert.equal(inWeb(2), '');
    assert.match(inWeb(1), /nameserver 10\.96\.0\.10\n/);
    assert.match(inWeb(1), /search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local\n/);
    assert.match(inWeb(1), new RegExp(`\\n1\\nweb\\n\\d+: eth0 +inet ${web.status.podIP.replace(/\./g, '\\.')}/`));
    assert.equal(JSON.parse(inWeb(3)).status, 'Success');

    // Readiness probe failure takes the pod out of Ready.
    rmSync(READY_FILE);
    await until('web not Ready', async () => !ready(await getPod('web')));
  });

  it('runs containers at a CPU priority from their QoS, below the agent; low ports open to non-root', async () => {
    await client.create(resourcePath(Pods, 'default'), pod('besteffort', { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '1000'] }] }));
    await client.create(resourcePath(Pods, 'default'), pod('burstable', {
      securityContext: { runAsUser: 1000 },
      containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'cat /proc/sys/net/ipv4/ip_unprivileged_port_start; exec sleep 1000'], resources: { requests: { cpu: '250m' } } }],
    }));
    // nice is field 19 of /proc/<pid>/stat; a container leads its own session, so its autogroup carries the weight too.
    const niceOf = (pid: string): number => { const st = sh('cat', `/proc/${pid}/stat`); return Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[16]); };
    const autogroupNice = (pid: string): number | undefined => { const m = /nice (-?\d+)/.exec(trySh('cat', `/proc/${pid}/autogroup`)); return m ? Number(m[1]) : undefined; };
    for (const [name, want] of [['besteffort', 19], ['burstable', 6]] as const) {
      const p = await until(`${name} Ready`, async () => { const p = await getPod(name); return ready(p) && p; });
      assert.equal(p.status.qosClass, name === 'besteffort' ? 'BestEffort' : 'Burstable');
      const pids = await until(`${name} process`, async () => { const l = sh('ip', 'netns', 'pids', nsOf(p)).split(/\s+/).filter(Boolean); return l.length > 0 && l; });
      for (const pid of pids) {
        assert.equal(niceOf(pid), want, `${name} pid ${pid}`);
        const ag = autogroupNice(pid);
        if (ag !== undefined) assert.equal(ag, want, `${name} pid ${pid} autogroup`);
      }
    }
    assert.equal(niceOf(String(agent!.pid)), 0, 'the agent keeps its priority');
    const logs = await until('burstable log', async () => { const r = await kubelet('/pods/default/burstable/log', srv.token); return r.body.trim() !== '' && r; });
    assert.equal(logs.body.trim(), '0');
    for (const name of ['besteffort', 'burstable']) await client.delete(resourcePath(Pods, 'default', name), { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0 });
  });

  it('restarts a killed container and counts it', async () => {
    const cl = await getPod('client');
    for (const pid of sh('ip', 'netns', 'pids', nsOf(cl)).split(/\s+/).filter(Boolean)) trySh('kill', '-9', pid);
    const p = await until('restart', async () => { const p = await getPod('client'); return p.status.containerStatuses[0].restartCount >= 1 && ready(p) && p; });
    assert.equal(p.status.containerStatuses[0].lastState.terminated.exitCode, 137);
    const prev = await kubelet('/pods/default/client/log?previous=true', srv.token);
    assert.match(prev.body, /^hi\n/);
  });

  it('an agent killed and started again makes its pods afresh, reachable again, without a failed sandbox', async () => {
    const before = { web: await getPod('web'), client: await getPod('client') };
    const oldPids = sh('ip', 'netns', 'pids', nsOf(before.client)).split(/\s+/).filter(Boolean);
    writeFileSync(READY_FILE, '');
    agent!.kill('SIGKILL');
    await new Promise((r) => agent!.once('exit', r));
    const t0 = Date.now();
    startAgent();
    // Same pods (same UIDs, so the same netns and veth names): reclaimed, then wired again at once.
    const cl = await until('client Running again', async () => {
      const p = await getPod('client');
      const pids = trySh('ip', 'netns', 'pids', nsOf(p)).split(/\s+/).filter(Boolean);
      return ready(p) && pids.length > 0 && !pids.some((x) => oldPids.includes(x)) && p;
    }, 15_000);
    const web = await until('web Ready again', async () => { const p = await getPod('web'); return ready(p) && p; }, 15_000);
    assert.ok(Date.now() - t0 < 5000, `pods back after ${Date.now() - t0} ms (a failed sandbox retries after 5 s)`);
    assert.doesNotMatch(agentLog, /FailedCreatePodSandBox|File exists/);
    const out = await until('curl web again', async () => sh('ip', 'netns', 'exec', nsOf(cl), 'curl', '-s', '--max-time', '2', `http://${web.status.podIP}/`));
    assert.match(out, /^pod=web client=/);
  });

  it('deletes a pod gracefully: processes gone, netns removed, pod gone', async () => {
    const cl = await getPod('client');
    const ns = nsOf(cl);
    const pids = sh('ip', 'netns', 'pids', ns).split(/\s+/).filter(Boolean);
    assert.ok(pids.length > 0);
    await client.delete(resourcePath(Pods, 'default', 'client'));
    await until('pod gone', async () => { try { await getPod('client'); return false; } catch { return true; } }, 15_000);
    assert.ok(!trySh('ip', 'netns', 'list').includes(ns));
    for (const pid of pids) assert.equal(trySh('kill', '-0', pid), '', `pid ${pid} still alive`);
    assert.throws(() => sh('kill', '-0', pids[0]));
    // Its veth goes with the namespace.
    const veth = podVethName(cl.metadata.uid);
    await until('veth gone', async () => !trySh('ip', '-n', NODE_NS, '-o', 'link', 'show').includes(`${veth}@`), 3000);
    // The node bridge kept its own address through pods coming and going (pods cache it as the gateway's).
    assert.match(sh('ip', '-n', NODE_NS, 'link', 'show', 'cbr0'), /link\/ether 02:00:0a:f4:01:01 /);
  });
});
