// The agent's long-lived `ip -batch` session against the real ip in a throwaway
// namespace: jobs resolve in order, a failing line rejects only its own job with
// ip's message, and the session survives it; a pod network's removal tolerates
// what is already gone; the pod side, sent over rtnetlink from inside the pod netns,
// makes what ip makes. pidsInNetns finds a namespace's processes as `ip netns pids` does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { IpSession } from '../../src/agent/net/ip-session.js';
import { ALREADY_GONE, createNetnsBatch, deletePodBatch } from '../../src/agent/net/pod-batch.js';
import { attachNodeSide, wirePodSide } from '../../src/agent/net/rtnetlink.js';
import { withNetns } from '../../src/util/netns-thread.js';
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
  const nodeFd = openSync(`/run/netns/${node}`, 'r');
  let sleeper: ChildProcess | undefined;
  try {
    execFileSync('ip', ['-n', node, 'link', 'add', 'kbr0', 'type', 'bridge']);
    const net = { netns: pod, veth: 'kvd0', ip: '10.250.8.5', prefixLen: 24, gateway: '10.250.8.1' };
    // createPod's three steps, as the agent runs them.
    await s.run(createNetnsBatch(net), 'lo', ALREADY_GONE);
    sleeper = await sleeperIn(pod);
    wirePodSide(net, `/run/netns/${pod}`, nodeFd);

    // The agent runs in its node's netns; here the thread visits it for the call.
    withNetns(`/run/netns/${node}`, 'test', () => attachNodeSide('kvd0', 'kbr0'));
    // What ip makes of the same on a second veth, for the reference: master, up, hairpin (its peer
    // stays here and down, so carrier and the peer's netns differ by nature and are left out).
    execFileSync('ip', ['-n', node, '-batch', '-'], { input: 'link add kvr0 type veth peer name kvr1\nlink set kvr0 master kbr0 up\nlink set kvr0 type bridge_slave hairpin on\n' });
    const port = (dev: string): string => execFileSync('ip', ['-n', node, '-d', '-o', 'link', 'show', dev], { encoding: 'utf8' })
      .replace(/^\d+: \S+ /, '').replace(/link\/ether \S+ brd \S+/, 'M').replace(/ link-netns(id)? \S+/, '').replace(/ state \S+/, '').replace(/NO-CARRIER,|LOWER_UP,?|M-DOWN/g, '')
      .replace(/ (port_id|port_no|designated_port|designated_cost|designated_root|designated_bridge|root_id|bridge_id|hold_timer|message_age_timer|forward_delay_timer|topology_change_ack|config_pending|proxy_arp|proxy_arp_wifi|mcast_router) \S+/g, '')
      .replace(/ (addrgenmode|numtxqueues|numrxqueues|gso_max_size|gso_max_segs|tso_max_size|tso_max_segs|gro_max_size|gso_ipv4_max_size|gro_ipv4_max_size|parentbus|parentdev) \S+/g, '')
      .replace(/ ifindex \d+/, '').replace(/ alias \S+/, '');
    assert.match(port('kvd0'), /master kbr0/);
    assert.match(port('kvd0'), /hairpin on/);
    assert.match(port('kvd0'), /<[^>]*\bUP\b/);
    assert.equal(port('kvd0'), port('kvr0'));
    // ip's words for a failure: a veth that is not there.
    assert.throws(() => withNetns(`/run/netns/${node}`, 'test', () => attachNodeSide('kvnone0', 'kbr0')), /^RtnetlinkError: link set kvnone0 master kbr0 up: RTNETLINK answers: No such device$/);
    assert.throws(() => withNetns(`/run/netns/${node}`, 'test', () => attachNodeSide('kvd0', 'kbrnone')), /No such device/);
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
    closeSync(nodeFd);
    sleeper?.kill('SIGKILL');
    execFileSync('ip', ['netns', 'del', node]);
    try { execFileSync('ip', ['netns', 'del', pod], { stdio: 'ignore' }); } catch { /* deleted by the test */ }
  }
});

test('pod side over rtnetlink: the links, addresses and routes ip makes; the veth end in the node netns; ip\'s words for a failure', { skip: !root && 'needs root' }, async () => {
  const node = `ksvc-podside-${process.pid}`, ours = `${node}-a`, ips = `${node}-b`;
  for (const n of [node, ours, ips]) execFileSync('ip', ['netns', 'add', n]);
  const nodeFd = openSync(`/run/netns/${node}`, 'r');
  const sh = (...a: string[]): string => execFileSync(a[0], a.slice(1), { encoding: 'utf8' });
  try {
    const net = { netns: ours, veth: 'kvps0', ip: '10.250.7.5', prefixLen: 24, gateway: '10.250.7.1' };
    wirePodSide(net, `/run/netns/${ours}`, nodeFd);
    // The same pod side by ip itself, for the reference.
    execFileSync('ip', ['-n', ips, '-batch', '-'], { input: ['link add eth0 type veth peer name kvps1 netns ' + node, 'link set lo up', 'addr add 10.250.7.5/24 dev eth0', 'link set eth0 up', 'route add default via 10.250.7.1 dev eth0', ''].join('\n') });
    // What differs by nature: MAC addresses, the peer's index, the link-netns id, and carrier and
    // operational state, which the kernel settles asynchronously (linkwatch) after a link comes up.
    const view = (ns: string): string => [
      sh('ip', '-n', ns, '-d', 'link', 'show'), sh('ip', '-n', ns, 'addr', 'show'), sh('ip', '-n', ns, 'route', 'show', 'table', 'all'), sh('ip', '-n', ns, '-6', 'route', 'show', 'table', 'all'),
    ].join('').replace(/link\/ether \S+ brd \S+/g, 'link/ether M').replace(/eth0@if\d+/g, 'eth0@peer').replace(/link-netns(id)? \S+/g, 'link-netns N')
      .replace(/NO-CARRIER,/g, '').replace(/ state \S+/g, '').replace(/ linkdown/g, '');
    assert.equal(view(ours), view(ips));
    assert.match(view(ours), /default via 10\.250\.7\.1 dev eth0/);
    assert.match(sh('ip', '-n', node, '-o', 'link', 'show'), /kvps0@/);
    // The agent's thread came back: a socket it opens now is in the test's own netns.
    assert.equal(readlinkSync('/proc/thread-self/ns/net'), readlinkSync('/proc/self/ns/net'));
    // Again: eth0 exists, said as ip says it, naming the step; a namespace that is not there is an error too.
    assert.throws(() => wirePodSide(net, `/run/netns/${ours}`, nodeFd), /^RtnetlinkError: link add eth0 type veth peer name kvps0: RTNETLINK answers: File exists$/);
    assert.throws(() => wirePodSide({ ...net, netns: `${ours}-missing` }, `/run/netns/${ours}-missing`, nodeFd), /ENOENT|no such file/i);
  } finally {
    closeSync(nodeFd);
    for (const n of [ours, ips, node]) execFileSync('ip', ['netns', 'del', n]);
  }
});
