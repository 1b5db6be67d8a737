// A hand-built node for proxy tests and benches, all in namespaces the caller
// names: a node netns with bridge cbr0 (the node address on it), a veth routing
// the service CIDR (a real node has its default route), forwarding on, and one
// pod netns per entry wired to the bridge with hairpin, its address and a
// default route via the node. Plus the matching teardown. Needs root.
import { execFileSync, spawnSync, type ChildProcess } from 'node:child_process';

export const sh = (...argv: string[]): string => execFileSync(argv[0], argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
export const inNs = (ns: string, ...argv: string[]): string => sh('ip', 'netns', 'exec', ns, ...argv);

/** Creates every namespace in `all`, makes `node` the bridge node and wires each pod (netns name → address). */
export function wireBridgeNode(all: string[], node: { ns: string; ip: string }, pods: { key: string; ns: string; ip: string }[]): void {
  for (const ns of all) sh('ip', 'netns', 'add', ns);
  const n = node.ns;
  sh('ip', '-n', n, 'link', 'set', 'lo', 'up');
  sh('ip', '-n', n, 'link', 'add', 'cbr0', 'type', 'bridge');
  sh('ip', '-n', n, 'addr', 'add', `${node.ip}/24`, 'dev', 'cbr0');
  sh('ip', '-n', n, 'link', 'set', 'cbr0', 'up');
  sh('ip', '-n', n, 'link', 'add', 'svc0', 'type', 'veth', 'peer', 'name', 'svc1');
  sh('ip', '-n', n, 'link', 'set', 'svc0', 'up');
  sh('ip', '-n', n, 'link', 'set', 'svc1', 'up');
  sh('ip', '-n', n, 'route', 'add', '10.96.0.0/12', 'dev', 'svc0');
  inNs(n, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
  for (const p of pods) {
    sh('ip', '-n', n, 'link', 'add', `veth-${p.key}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', p.ns);
    sh('ip', '-n', n, 'link', 'set', `veth-${p.key}`, 'master', 'cbr0', 'up');
    sh('ip', '-n', n, 'link', 'set', `veth-${p.key}`, 'type', 'bridge_slave', 'hairpin', 'on');
    sh('ip', '-n', p.ns, 'link', 'set', 'lo', 'up');
    sh('ip', '-n', p.ns, 'addr', 'add', `${p.ip}/24`, 'dev', 'eth0');
    sh('ip', '-n', p.ns, 'link', 'set', 'eth0', 'up');
    sh('ip', '-n', p.ns, 'route', 'add', 'default', 'via', node.ip);
  }
}

/** Stops the processes we started and whatever runs in our namespaces (`ip netns exec` leaves children), by pid; deletes the namespaces. */
export function removeBridgeNode(all: string[], procs: ChildProcess[]): void {
  for (const p of procs) if (p.pid && p.exitCode === null) { try { process.kill(p.pid); } catch { /* gone */ } }
  for (const ns of all) {
    for (const pid of spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout?.split('\n').filter(Boolean) ?? []) { try { process.kill(Number(pid)); } catch { /* gone */ } }
  }
  for (const ns of all) spawnSync('ip', ['netns', 'del', ns]);
}
