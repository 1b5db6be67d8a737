// The agent's long-lived `ip -batch` session against the real ip in a throwaway
// namespace: jobs resolve in order, a failing line rejects only its own job with
// ip's message, and the session survives it; a pod network's removal tolerates
// what is already gone. pidsInNetns finds a namespace's processes as `ip netns pids` does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { IpSession } from '../../src/agent/net/ip-session.js';
import { ShellSession } from '../../src/agent/net/shell-session.js';
import { ALREADY_GONE, attachVethBatch, createNetnsBatch, deletePodBatch, podSideScript } from '../../src/agent/net/pod-batch.js';
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
  const sh = new ShellSession();
  // Stands in for the agent: a process in the node netns whose PID names it.
  const holder = await sleeperIn(node);
  let sleeper: ChildProcess | undefined;
  try {
    execFileSync('ip', ['-n', node, 'link', 'add', 'kbr0', 'type', 'bridge']);
    const net = { netns: pod, veth: 'kvd0', ip: '10.250.8.5', prefixLen: 24, gateway: '10.250.8.1' };
    // createPod's three steps, the first two as the agent runs them.
    await s.run(createNetnsBatch(net), 'lo', ALREADY_GONE);
    sleeper = await sleeperIn(pod);
    await sh.run(podSideScript(net, holder.pid!));

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
    sh.close();
    holder.kill('SIGKILL');
    sleeper?.kill('SIGKILL');
    execFileSync('ip', ['netns', 'del', node]);
    try { execFileSync('ip', ['netns', 'del', pod], { stdio: 'ignore' }); } catch { /* deleted by the test */ }
  }
});
