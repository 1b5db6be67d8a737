// The agent's long-lived `ip -batch` session against the real ip in a throwaway
// namespace: jobs resolve in order, a failing line rejects only its own job with
// ip's message, and the session survives it; a pod network's removal tolerates
// what is already gone; the pod side runs inside the pod netns. pidsInNetns finds a
// namespace's processes as `ip netns pids` does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { IpSession } from '../../src/agent/net/ip-session.js';
import { ALREADY_GONE, attachVethBatch, createNetnsBatch, deletePodBatch, podSideBatch } from '../../src/agent/net/pod-batch.js';
import { RealProcessRunner } from '../../src/agent/runtime/process.js';
import { pidsInNetns } from '../../src/agent/net/netns-pids.js';
import { sleeperIn } from '../support/netns-sleeper.js';

const root = typeof process.getuid === 'function' && process.getuid() === 0;

test('ip session: ordered jobs, per-job errors, survives failures', { skip: !root && 'needs root' }, async () => {
  const ns = `ksvc-ipsess-${process.pid}`;
  execFileSync('ip', ['netns', 'add', ns]);
  const s = new IpSession(['ip', '-n', ns]);
  try {
    await Promise.all([
      s.run(['link add kva0 type veth peer name kva1', 'link set kva0 up'], 'kva0'),
      s.run(['link add kvb0 type veth peer name kvb1'], 'kvb0'),
    ]);
    const links = execFileSync('ip', ['-n', ns, '-o', 'link', 'show'], { encoding: 'utf8' });
    assert.match(links, /kva0@kva1: <[^>]*UP/);
    assert.match(links, /kvb0@kvb1:/);
    // A line that fails (the link exists) rejects its job with ip's words; the next job is unaffected.
    const bad = s.run(['link add kva0 type veth peer name kvx1'], 'kva0');
    const good = s.run(['link add kvc0 type veth peer name kvc1'], 'kvc0');
    await assert.rejects(bad, /File exists/);
    await good;
    // A marker link that never appears fails the job too.
    await assert.rejects(s.run(['link set kvb0 down'], 'kvmissing0'), /does not exist/);
    await s.run(['link del kvc0'], 'kva0');
  } finally {
    s.close();
    execFileSync('ip', ['netns', 'del', ns]);
  }
});

test('ip session: a pod network made and removed as the agent does; nothing holds the namespace afterwards', { skip: !root && 'needs root' }, async () => {
  const node = `ksvc-ipdel-${process.pid}`, pod = `ksvc-ipdel-${process.pid}-p`;
  execFileSync('ip', ['netns', 'add', node]);
  // In the node netns and the host's mount namespace, like the agent's session (`ip -n` would
  // unshare a mount namespace, and a name deleted there stays mounted here).
  const s = new IpSession(['nsenter', `--net=/run/netns/${node}`, 'ip']);
  const runner = new RealProcessRunner();
  // Stands in for the agent: a process in the node netns whose PID names it.
  const holder = await sleeperIn(node);
  let sleeper: ChildProcess | undefined;
  try {
    execFileSync('ip', ['-n', node, 'link', 'add', 'kbr0', 'type', 'bridge']);
    const net = { netns: pod, veth: 'kvd0', ip: '10.250.8.5', prefixLen: 24, gateway: '10.250.8.1' };
    // createPod's three steps, the first two as the agent runs them.
    await s.run(createNetnsBatch(net), 'lo', ALREADY_GONE);
    sleeper = await sleeperIn(pod);
    const side = await runner.run(['ip', '-batch', '-'], { input: `${podSideBatch(net, holder.pid!).join('\n')}\n`, netns: `/run/netns/${pod}` });
    assert.equal(side.code, 0, side.stderr);

    await s.run(attachVethBatch(net, 'kbr0'), 'kvd0');
    assert.match(execFileSync('ip', ['-n', node, '-o', 'link', 'show', 'kvd0'], { encoding: 'utf8' }), /master kbr0/);
    assert.deepEqual(pidsInNetns(`/run/netns/${pod}`), [sleeper.pid], 'the one process inside the pod netns');
    assert.deepEqual(pidsInNetns(`/run/netns/${pod}-missing`), []);
    // The session's ip keeps no pod namespace open (iproute2 leaks the fd of a netns named in a command).
    // (Any other process may exit while /proc is read.)
    const proc = (path: string): string => { try { return readFileSync(path, 'latin1'); } catch { return ''; } };
    const ipPid = readdirSync('/proc').find((d) => /^\d+$/.test(d) && /ip\0-force\0-batch/.test(proc(`/proc/${d}/cmdline`)) && proc(`/proc/${d}/stat`).split(') ')[1]?.split(' ')[1] === String(process.pid));
    assert.ok(ipPid, 'the session\'s ip process');
    const held = readdirSync(`/proc/${ipPid}/fd`).map((fd) => { try { return readlinkSync(`/proc/${ipPid}/fd/${fd}`); } catch { return ''; } }).filter((l) => l.startsWith('/run/netns/'));
    assert.deepEqual(held, []);
    // The sleeper still holds the namespace: its name goes, the veth stays until it exits.
    await s.run(deletePodBatch(pod), 'lo', ALREADY_GONE);
    assert.doesNotMatch(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }), new RegExp(`^${pod}\\b`, 'm'));
    assert.match(execFileSync('ip', ['-n', node, '-o', 'link', 'show'], { encoding: 'utf8' }), /kvd0/);
    sleeper.kill('SIGKILL');
    let links = '';
    for (let i = 0; i < 150; i++) { links = execFileSync('ip', ['-n', node, '-o', 'link', 'show'], { encoding: 'utf8' }); if (!/kvd0/.test(links)) break; await new Promise((r) => setTimeout(r, 20)); }
    assert.doesNotMatch(links, /kvd0/, 'the veth goes with the last holder of the namespace');
    // Again, with both gone: nothing to do is not an error.
    await s.run([...deletePodBatch(pod), 'link del kvd0'], 'lo', ALREADY_GONE);
    // An error the caller did not expect still rejects.
    await assert.rejects(s.run(['link add kve0 type nosuchkind'], 'lo', ALREADY_GONE), /nosuchkind|not supported|Unknown|Error/i);
  } finally {
    s.close();
    holder.kill('SIGKILL');
    sleeper?.kill('SIGKILL');
    execFileSync('ip', ['netns', 'del', node]);
    try { execFileSync('ip', ['netns', 'del', pod], { stdio: 'ignore' }); } catch { /* deleted by the test */ }
  }
});

test('pod side: an ip -batch started inside the pod netns wires it, its veth end landing in the node netns', { skip: !root && 'needs root' }, async () => {
  const ns = `ksvc-podside-${process.pid}`, node = `${ns}-n`;
  execFileSync('ip', ['netns', 'add', ns]);
  execFileSync('ip', ['netns', 'add', node]);
  // A process in the "node" netns, whose PID names that namespace.
  const holder = await sleeperIn(node);
  const runner = new RealProcessRunner();
  const net = { netns: ns, veth: 'kvps0', ip: '10.250.7.5', prefixLen: 24, gateway: '10.250.7.1' };
  const input = `${podSideBatch(net, holder.pid!).join('\n')}\n`;
  try {
    const r = await runner.run(['ip', '-batch', '-'], { input, netns: `/run/netns/${ns}` });
    assert.equal(r.code, 0, r.stderr);
    const addrs = execFileSync('ip', ['-n', ns, '-o', 'addr', 'show', 'dev', 'eth0'], { encoding: 'utf8' });
    assert.match(addrs, /10\.250\.7\.5\/24/);
    assert.match(execFileSync('ip', ['-n', ns, 'route'], { encoding: 'utf8' }), /default via 10\.250\.7\.1 dev eth0/);
    assert.match(execFileSync('ip', ['-n', ns, 'link', 'show', 'lo'], { encoding: 'utf8' }), /UP/);
    assert.match(execFileSync('ip', ['-n', node, '-o', 'link', 'show'], { encoding: 'utf8' }), /kvps0@/);
    // The runner's own thread came back: what it starts next runs where the test runs.
    const here = await runner.run(['readlink', '/proc/self/ns/net']);
    assert.equal(here.stdout.trim(), readlinkSync('/proc/self/ns/net'));
    // A second run fails (eth0 exists) and says so; a namespace that is not there is an error, not a crash.
    const again = await runner.run(['ip', '-batch', '-'], { input, netns: `/run/netns/${ns}` });
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /exists/i);
    const missing = await runner.run(['true'], { netns: `/run/netns/${ns}-missing` });
    assert.equal(missing.code, 127);
    assert.match(missing.stderr, /ENOENT|no such file/i);
  } finally {
    holder.kill('SIGKILL');
    execFileSync('ip', ['netns', 'del', ns]);
    execFileSync('ip', ['netns', 'del', node]);
  }
});

test('pod sides run at once each send their veth end to the node netns they were given by fd', { skip: !root && 'needs root' }, async () => {
  // The agent's main thread enters each pod's netns to start its ip, so a PID would name
  // whichever pod's netns that thread is in at the moment; an inherited fd names one namespace.
  const node = `ksvc-podfd-${process.pid}`, pods = Array.from({ length: 12 }, (_, i) => `${node}-p${i}`);
  for (const n of [node, ...pods]) execFileSync('ip', ['netns', 'add', n]);
  const nodeFd = openSync(`/run/netns/${node}`, 'r');
  const runner = new RealProcessRunner();
  try {
    const results = await Promise.all(pods.map((ns, i) => runner.run(['ip', '-batch', '-'], {
      input: `${podSideBatch({ netns: ns, veth: `kvpf${i}`, ip: `10.250.9.${i + 2}`, prefixLen: 24, gateway: '10.250.9.1' }, '/proc/self/fd/3').join('\n')}\n`,
      netns: `/run/netns/${ns}`, extraFds: [nodeFd],
    })));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const links = execFileSync('ip', ['-n', node, '-o', 'link', 'show'], { encoding: 'utf8' });
    for (let i = 0; i < pods.length; i++) assert.match(links, new RegExp(`kvpf${i}@`), `veth of pod ${i} in the node netns`);
  } finally {
    closeSync(nodeFd);
    for (const n of [...pods, node]) execFileSync('ip', ['netns', 'del', n]);
  }
});
