// The agent's long-lived shell for pod-side wiring: jobs run in order, a failing
// job rejects with what it printed and the session goes on, and the pod-side
// script configures a real network namespace through nsenter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { sleeperIn } from '../support/netns-sleeper.js';
import { ShellSession } from '../../src/agent/net/shell-session.js';
import { podSideScript } from '../../src/agent/net/pod-batch.js';

const root = typeof process.getuid === 'function' && process.getuid() === 0;

test('shell session: ordered jobs, per-job errors, survives exit', async () => {
  const s = new ShellSession();
  try {
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((n) => s.run(`sleep 0.0${4 - n}; true`).then(() => order.push(n))));
    assert.deepEqual(order, [1, 2, 3]);
    await assert.rejects(s.run('echo "it broke" >&2; false'), /it broke/);
    // `exit` ends only its own job.
    await assert.rejects(s.run('exit 7'), /exit status 7/);
    await s.run('test 1 = 1');
    // A shell that dies ($$ is the session's shell, also in the job's subshell) fails its jobs; the next job gets a new shell.
    await assert.rejects(s.run('kill -9 $$'), /shell exited/);
    await s.run('true');
  } finally {
    s.close();
  }
});

test('pod-side script wires a real namespace, its veth end landing in the node netns', { skip: !root && 'needs root' }, async () => {
  const ns = `ksvc-shsess-${process.pid}`, node = `${ns}-n`;
  execFileSync('ip', ['netns', 'add', ns]);
  execFileSync('ip', ['netns', 'add', node]);
  // A process in the "node" netns, whose PID names that namespace.
  const holder = await sleeperIn(node);
  const s = new ShellSession();
  try {
    const net = { netns: ns, veth: 'kvsh0', ip: '10.250.7.5', prefixLen: 24, gateway: '10.250.7.1' };
    await s.run(podSideScript(net, holder.pid!));
    const addrs = execFileSync('ip', ['-n', ns, '-o', 'addr', 'show', 'dev', 'eth0'], { encoding: 'utf8' });
    assert.match(addrs, /10\.250\.7\.5\/24/);
    assert.match(execFileSync('ip', ['-n', ns, 'route'], { encoding: 'utf8' }), /default via 10\.250\.7\.1 dev eth0/);
    assert.match(execFileSync('ip', ['-n', ns, 'link', 'show', 'lo'], { encoding: 'utf8' }), /UP/);
    assert.match(execFileSync('ip', ['-n', node, '-o', 'link', 'show'], { encoding: 'utf8' }), /kvsh0@/);
    // A second run fails (eth0 exists) and says so.
    await assert.rejects(s.run(podSideScript(net, holder.pid!)), /exists/i);
  } finally {
    s.close();
    holder.kill('SIGKILL');
    execFileSync('ip', ['netns', 'del', ns]);
    execFileSync('ip', ['netns', 'del', node]);
  }
});
