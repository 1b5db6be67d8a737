// Port forwarding end to end (root, real namespaces) on `kubesvc up --nodes 2`:
// the real kubectl port-forward over its default WebSocket-tunnelled SPDY and
// over plain SPDY, and @kubernetes/client-node's v4 WebSocket channels, reach a
// server that listens on the pod's loopback only; bytes survive both ways with
// half-close, connections run in parallel, and a closed port is reported as the
// kubelet words it. kubectl listens on the host's loopback, nothing else.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { PassThrough } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { KUBECTL } from '../support/kubectl.js';
import { clientPod, clusterSkip, deployment, readyPods, replies, service, standinSpec, startTestCluster, destroyCluster, waitUntil, type TestCluster } from '../support/cluster-harness.js';

const ECHO_PORT = 7000;
/** Echoes every connection on the pod's 127.0.0.1 only, so a pod-IP connection could not reach it. */
const echoServer = `require('net').createServer((s) => s.pipe(s)).listen(${ECHO_PORT}, '127.0.0.1')`;

interface Forward { child: ChildProcess; port: number; output(): string; exited: Promise<number | null> }

/** `kubectl port-forward TARGET :REMOTE` on the host's loopback; resolves once it listens. */
async function portForward(c: TestCluster, target: string, remote: number, env: Record<string, string> = {}): Promise<Forward> {
  const child = spawn(KUBECTL, ['--kubeconfig', c.kubeconfig, 'port-forward', '--address', '127.0.0.1', target, `:${remote}`], {
    env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => { out += b; });
  child.stderr!.on('data', (b: Buffer) => { out += b; });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const port = await waitUntil(`kubectl port-forward ${target} listening`, async () => {
    const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out);
    if (child.exitCode !== null) throw new Error(`kubectl port-forward exited: ${out}`);
    return m ? Number(m[1]) : undefined;
  }, 15_000, 50);
  return { child, port, output: () => out, exited };
}

const stop = async (f: Forward | undefined): Promise<void> => {
  if (!f || f.child.exitCode !== null) return;
  f.child.kill('SIGTERM');
  await f.exited;
};

/** Sends `data`, half-closes, and collects everything until the other side closes. */
function roundTrip(port: number, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    const got: Buffer[] = [];
    s.on('data', (b: Buffer) => got.push(b));
    s.on('end', () => resolve(Buffer.concat(got)));
    s.on('error', reject);
    s.end(data);
  });
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('kubesvc up: port-forward end to end', { skip: clusterSkip, timeout: 180_000 }, () => {
  let c: TestCluster;
  const forwards: Forward[] = [];

  before(async () => {
    c = await startTestCluster({ prefix: 'f', nodes: 2 });
    await c.apply(
      clientPod('echo', [process.execPath, '-e', echoServer]),
      deployment('web', 1, standinSpec(8080)),
      service('web', { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] }),
    );
    await readyPods(c, 'role=client', 1);
    await readyPods(c, 'app=web', 1);
    // The echo server listens a moment after its pod is Running.
    const probe = `require('net').connect(${ECHO_PORT}, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))`;
    await waitUntil('echo server listening', async () => (await c.exec('echo', [process.execPath, '-e', probe])).code === 0, 15_000, 100);
  });

  after(async () => {
    for (const f of forwards) await stop(f);
    await destroyCluster(c);
  });

  for (const [mode, env] of [['WebSocket-tunnelled SPDY (kubectl\'s default)', {}], ['plain SPDY', { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' }]] as const) {
    it(`kubectl port-forward over ${mode} carries 4 MiB both ways to a loopback-only server, with half-close, and 16 connections at once`, async () => {
      const f = await portForward(c, 'pod/echo', ECHO_PORT, env);
      forwards.push(f);
      const big = randomBytes(4 << 20);
      const back = await roundTrip(f.port, big);
      assert.equal(back.length, big.length);
      assert.equal(sha(back), sha(big));
      const many = Array.from({ length: 16 }, (_, i) => randomBytes(64 << 10 | i));
      const results = await Promise.all(many.map((d) => roundTrip(f.port, d)));
      results.forEach((r, i) => assert.ok(r.equals(many[i]), `connection ${i}: ${r.length} of ${many[i].length} bytes back`));
      assert.equal(f.child.exitCode, null, f.output());
      await stop(f);
    });
  }

  it('kubectl port-forward svc/NAME reaches the service\'s pod on its targetPort, which sees a loopback client', async () => {
    const f = await portForward(c, 'svc/web', 80);
    forwards.push(f);
    const reply = (await roundTrip(f.port, Buffer.from('GET / HTTP/1.0\r\n\r\n'))).toString();
    const [web] = await readyPods(c, 'app=web', 1);
    assert.deepEqual(replies(reply).map((r) => [r.pod, r.clientIP]), [[web.name, '127.0.0.1']], reply);
    await stop(f);
  });

  it('a port nobody listens on: kubectl reports the kubelet\'s "connection refused" and ends the session', async () => {
    const f = await portForward(c, 'pod/echo', 7999);
    forwards.push(f);
    await roundTrip(f.port, Buffer.from('x')).catch(() => Buffer.alloc(0));
    const code = await f.exited;
    assert.notEqual(code, 0);
    assert.match(f.output(), /error forwarding port 7999 to pod \S+, uid [0-9a-f-]+: failed to connect to localhost:7999 inside namespace \\?"[^"\\]+\\?", IPv4: dial tcp4 127\.0\.0\.1:7999: connect: connection refused/, f.output());
    assert.match(f.output(), /lost connection to pod/, f.output());
  });

  it('@kubernetes/client-node PortForward (v4.channel.k8s.io) echoes through, and reports a closed port on the error channel', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(c.kubeconfig);
    const pf = new k8s.PortForward(kc);
    const out = new PassThrough(), errOut = new PassThrough(), input = new PassThrough();
    let got = '', errors = '';
    out.on('data', (b: Buffer) => { got += b; });
    errOut.on('data', (b: Buffer) => { errors += b; });
    const ws = await pf.portForward('default', 'echo', [ECHO_PORT], out, errOut, input);
    try {
      assert.equal((ws as { protocol: string }).protocol, 'v4.channel.k8s.io');
      input.write('through the channels');
      await waitUntil('the echo', async () => got === 'through the channels', 10_000, 20);
      assert.equal(errors, '');
    } finally {
      (ws as { close(): void }).close();
    }
    const closedErr = new PassThrough();
    let refused = '';
    closedErr.on('data', (b: Buffer) => { refused += b; });
    const ws2 = await pf.portForward('default', 'echo', [7999], new PassThrough(), closedErr, new PassThrough());
    try {
      await waitUntil('the error channel', async () => /connect: connection refused/.test(refused), 10_000, 20);
      assert.match(refused, /^error forwarding port 7999 to pod /);
    } finally {
      (ws2 as { close(): void }).close();
    }
  });
});
