// Attach and port forwarding end to end (root, real namespaces) on `kubesvc up
// --nodes 2`. Attach: `kubectl run -i --rm` feeds a shell and gets its exit code,
// `-it` gives it a terminal, `kubectl attach` joins a running process's output
// from now on and leaves it running, stdinOnce closes stdin when the first attach
// leaves, kubectl debug -it runs a shell in an ephemeral container. Port-forward: the
// real kubectl port-forward over its default WebSocket-tunnelled SPDY and
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
import {
  clientPod, clusterSkip, deployment, readyPods, replies, run, service, standinSpec, startTestCluster, destroyCluster, waitUntil, type TestCluster,
} from '../support/cluster-harness.js';

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

describe('kubesvc up: attach and port-forward end to end', { skip: clusterSkip, timeout: 240_000 }, () => {
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

  const kubectl = (args: string[], opts: { input?: string; timeoutMs?: number } = {}) =>
    run([KUBECTL, '--kubeconfig', c.kubeconfig, ...args], { timeoutMs: 30_000, ...opts });

  it('kubectl run -i --rm feeds a shell its stdin, prints its output, returns its exit code and deletes the pod', async () => {
    const r = await kubectl(['run', 'sh1', '--rm', '-i', '--restart=Never', '--image=busybox', '--', 'sh'], { input: 'echo hello-from-$HOSTNAME\nexit 3\n' });
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /^hello-from-sh1$/m, r.stdout);
    assert.match(r.stdout + r.stderr, /pod "sh1" deleted/);
  });

  it('kubectl run -it gives the shell a terminal (under `script`, so kubectl has one too)', async () => {
    const cmd = `${KUBECTL} --kubeconfig ${c.kubeconfig} run tty1 --rm -it --restart=Never --image=busybox -- sh`;
    // Input waits until the attach is up: a terminal's input typed earlier would reach no one.
    const feed = `sleep 3; printf 'echo sum-$((6*7))\\r'; sleep 0.5; printf 'tty; exit\\r'; sleep 2`;
    const r = await run(['sh', '-c', `(${feed}) | script -qfec '${cmd}' /dev/null`], { timeoutMs: 40_000 });
    const out = r.stdout.replace(/\r/g, '');
    assert.match(out, /^sum-42$/m, out);
    assert.match(out, /^\/dev\/pts\/\d+$/m, out);
  });

  it('kubectl attach joins a running process\'s stdout and stderr from now on, and leaves it running', async () => {
    await c.apply(clientPod('ticker', ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo tick-$i; echo tock-$i >&2; sleep 0.2; done']));
    await readyPods(c, 'role=client', 2);
    await waitUntil('ticks in the log', async () => /tick-5/.test(await c.k(['logs', 'ticker'])), 15_000, 100);
    const r = await kubectl(['attach', 'ticker'], { timeoutMs: 1500 });
    const ticks = [...r.stdout.matchAll(/^tick-(\d+)$/gm)].map((m) => Number(m[1]));
    assert.ok(ticks.length >= 2, r.stdout);
    assert.ok(ticks[0] > 5, `attach replays no history: first tick ${ticks[0]}`);
    assert.match(r.stderr, /^tock-\d+$/m, r.stderr);
    assert.doesNotMatch(r.stdout, /tock/, 'stderr stays on stderr without a tty');
    const [ticker] = (await readyPods(c, 'role=client', 2)).filter((p) => p.name === 'ticker');
    assert.equal(ticker.restarts, 0);
  });

  it('stdinOnce: the first attach\'s end of input closes the process\'s stdin, so cat finishes with what it was given', async () => {
    await c.apply({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'cat1', labels: { role: 'cat' } },
      spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['cat'], stdin: true, stdinOnce: true }] },
    });
    await readyPods(c, 'role=cat', 1);
    const r = await kubectl(['attach', '-i', 'cat1'], { input: 'fed through attach\n' });
    assert.equal(r.code, 0, r.stderr);
    await waitUntil('cat1 Succeeded', async () => (await c.k(['get', 'pod', 'cat1', '-o', 'jsonpath={.status.phase}'])) === 'Succeeded', 15_000, 100);
    assert.equal((await c.k(['logs', 'cat1'])).trim(), 'fed through attach');
  });

  it('kubectl debug -it adds an ephemeral container: a shell in the pod\'s network namespace, attached, reported when it ends', async () => {
    const [web] = await readyPods(c, 'app=web', 1);
    const cmd = `${KUBECTL} --kubeconfig ${c.kubeconfig} debug -it pod/${web.name} --image=busybox --container=dbg --profile=general`;
    // The pod's own loopback answers: the stand-in listens there, so the shell shares the pod's network.
    const feed = `sleep 4; printf 'curl -s http://127.0.0.1:8080/; echo\\r'; sleep 1; printf 'exit\\r'; sleep 2`;
    const r = await run(['sh', '-c', `(${feed}) | script -qfec '${cmd}' /dev/null`], { timeoutMs: 40_000 });
    const out = r.stdout.replace(/\r/g, '');
    assert.deepEqual(replies(out).map((x) => [x.pod, x.clientIP]), [[web.name, '127.0.0.1']], out);
    const status = await waitUntil('the debug container terminated', async () => {
      const p = JSON.parse(await c.k(['get', 'pod', web.name, '-o', 'json']));
      const s = p.status.ephemeralContainerStatuses?.find((x: any) => x.name === 'dbg');
      return s?.state?.terminated ? s : undefined;
    }, 10_000, 100);
    assert.equal(status.state.terminated.exitCode, 0);
    const [after] = await readyPods(c, 'app=web', 1);
    assert.equal(after.restarts, 0, 'the pod\'s own container is untouched');
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
