// The stand-in host (a real process, real namespaces): it serves HTTP, TCP and
// UDP inside a pod's namespace while living outside it, answers with the pod's
// name and the client's address, gives the port back at once on close, reports
// a port it cannot open, and its death reaches the containers it served.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { StandinHost } from '../../src/agent/standin/host-client.js';
import { pidsInNetns } from '../../src/agent/net/netns-pids.js';

const root = typeof process.getuid === 'function' && process.getuid() === 0;
const id = (pod: string) => ({ pod, namespace: 'default', node: 'n1', podIP: '127.0.0.1' });

/** A request from inside the namespace: curl for HTTP, node for UDP and raw TCP. */
function inNs(ns: string, argv: string[]): { code: number; out: string } {
  const r = spawnSync('ip', ['netns', 'exec', ns, ...argv], { encoding: 'utf8', timeout: 10_000 });
  return { code: r.status ?? -1, out: (r.stdout ?? '') + (r.stderr ?? '') };
}
const nodeIn = (ns: string, js: string) => inNs(ns, [process.execPath, '-e', `setTimeout(() => process.exit(7), 3000).unref(); ${js}`]);
const udpAsk = (ns: string, port: number) => nodeIn(ns,
  `const s = require('dgram').createSocket('udp4'); s.bind(40123, '127.0.0.1', () => s.send('x', ${port}, '127.0.0.1')); s.on('message', (m) => { process.stdout.write(String(m)); s.close(); });`);
const tcpAsk = (ns: string, port: number) => nodeIn(ns,
  `const c = require('net').connect(${port}, '127.0.0.1', () => c.write('hello')); c.on('data', (d) => process.stdout.write(String(d))); c.on('end', () => c.destroy());`);

test('stand-in host: serves a pod namespace from outside it, closes, reports errors, and its death is heard', { skip: !root && 'needs root' }, async () => {
  const ns = `ksvc-sih-${process.pid}`;
  execFileSync('ip', ['netns', 'add', ns]);
  execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  const host = new StandinHost();
  try {
    let lost = 0;
    await host.serve('c1', { nsPath: `/run/netns/${ns}`, id: id('web-1'), ports: [{ port: 8080, protocol: 'TCP' }] }, () => lost++);
    const http = inNs(ns, ['curl', '-sS', '--max-time', '3', 'http://127.0.0.1:8080/json']);
    assert.equal(http.code, 0, http.out);
    const j = JSON.parse(http.out);
    assert.equal(j.pod, 'web-1');
    assert.equal(j.client.ip, '127.0.0.1');
    assert.match(tcpAsk(ns, 8080).out, /^pod=web-1 client=127\.0\.0\.1:\d+\nhello/);
    assert.equal(udpAsk(ns, 8080).out.trim(), 'pod=web-1 client=127.0.0.1:40123');
    // The sockets are the pod's; the host process itself is not in the pod's namespace.
    assert.deepEqual(pidsInNetns(`/run/netns/${ns}`), []);

    // The same port again, as a container restart asks for right after its close.
    host.close('c1');
    await host.serve('c2', { nsPath: `/run/netns/${ns}`, id: id('web-1b'), ports: [{ port: 8080, protocol: 'TCP' }] }, () => lost++);
    assert.match(inNs(ns, ['curl', '-sS', '--max-time', '3', 'http://127.0.0.1:8080/hostname']).out, /^web-1b$/);
    await assert.rejects(
      host.serve('c3', { nsPath: `/run/netns/${ns}`, id: id('web-2'), ports: [{ port: 8080, protocol: 'TCP' }] }, () => lost++),
      /listen tcp 0\.0\.0\.0:8080: bind: EADDRINUSE/,
    );
    await assert.rejects(host.serve('c4', { nsPath: '/run/netns/no-such-ns', id: id('x'), ports: [{ port: 80, protocol: 'TCP' }] }, () => lost++), /ENOENT/);
    host.close('c2');
    await new Promise((r) => setTimeout(r, 100));
    assert.notEqual(inNs(ns, ['curl', '-sS', '--max-time', '2', 'http://127.0.0.1:8080/']).code, 0, 'closed means refused');

    // Killed (as `kill` of what ss shows in a pod would): the containers it served hear of it; the next serve starts a new host.
    await host.serve('c5', { nsPath: `/run/netns/${ns}`, id: id('web-3'), ports: [{ port: 9000, protocol: 'UDP' }] }, () => lost++);
    const pid = Number(/pid=(\d+)/.exec(inNs(ns, ['ss', '-Hlunp', 'sport = :9000']).out)?.[1]);
    assert.match(readFileSync(`/proc/${pid}/cmdline`, 'utf8'), /standin\/host\.js/, 'ss in the pod shows the host as the socket\'s owner');
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 200 && lost === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(lost, 1, 'only the container still served hears of the loss');
    await host.serve('c6', { nsPath: `/run/netns/${ns}`, id: id('web-4'), ports: [{ port: 9000, protocol: 'UDP' }] }, () => lost++);
    assert.equal(udpAsk(ns, 9000).out.trim(), 'pod=web-4 client=127.0.0.1:40123');
  } finally {
    await host.stop();
    execFileSync('ip', ['netns', 'del', ns]);
  }
});
