// A container process started in a pod by the real runner: in the pod's netns,
// with the pod's hostname in its own UTS namespace, the pod's resolv.conf and
// hosts (bind-mounted by ip netns exec), ports below 1024 open to any user; and
// the starting process keeps its own namespaces and hostname.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { RealProcessRunner } from '../../src/agent/runtime/process.js';

const root = typeof process.getuid === 'function' && process.getuid() === 0;

/** Everything the process wrote, once its stdout has closed (its exit can come first). */
async function output(h: { stdout: NodeJS.ReadableStream | null; exited: Promise<unknown> }): Promise<string> {
  let out = '';
  h.stdout!.setEncoding('utf8');
  h.stdout!.on('data', (c: string) => (out += c));
  await Promise.all([h.exited, new Promise((r) => h.stdout!.once('close', r))]);
  return out;
}

test('a process placed in a pod: netns, hostname, resolv.conf and hosts, unprivileged ports; the runner stays home', { skip: !root && 'needs root' }, async () => {
  const ns = `ksvc-place-${process.pid}`;
  execFileSync('ip', ['netns', 'add', ns]);
  mkdirSync(`/etc/netns/${ns}`, { recursive: true });
  writeFileSync(`/etc/netns/${ns}/resolv.conf`, 'nameserver 10.96.0.10\nsearch default.svc.cluster.local\n');
  writeFileSync(`/etc/netns/${ns}/hosts`, '10.244.1.5\tweb-0\n');
  const runner = new RealProcessRunner();
  const sysctl = (): string => execFileSync('sysctl', ['-n', 'net.ipv4.ip_unprivileged_port_start'], { encoding: 'utf8' }).trim();
  const netBefore = readlinkSync('/proc/self/ns/net'), utsBefore = readlinkSync('/proc/self/ns/uts'), nameBefore = hostname(), portsBefore = sysctl();
  try {
    const script = 'hostname; cat /proc/sys/net/ipv4/ip_unprivileged_port_start; cat /etc/resolv.conf /etc/hosts; readlink /proc/self/ns/net';
    const outs = await Promise.all(['web-0', 'web-1'].map((h) => output(runner.start({ argv: ['sh', '-c', script], env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' }, pod: { netns: ns, hostname: h } }))));
    const inode = statSync(`/run/netns/${ns}`).ino;
    for (const [i, out] of outs.entries()) {
      const lines = out.trim().split('\n');
      assert.equal(lines[0], `web-${i}`, out);
      assert.equal(lines[1], '0', 'ports below 1024 open to any user');
      assert.match(out, /nameserver 10\.96\.0\.10/);
      assert.match(out, /10\.244\.1\.5\tweb-0/);
      assert.equal(lines.at(-1), `net:[${inode}]`, 'in the pod netns');
    }
    assert.equal(readlinkSync('/proc/self/ns/net'), netBefore);
    assert.equal(readlinkSync('/proc/self/ns/uts'), utsBefore);
    assert.equal(hostname(), nameBefore);
    assert.equal(sysctl(), portsBefore, 'the runner\'s own netns keeps its sysctl');
  } finally {
    execFileSync('ip', ['netns', 'del', ns]);
    rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
  }
});
