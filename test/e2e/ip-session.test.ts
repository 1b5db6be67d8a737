// The agent's long-lived `ip -batch` session against the real ip in a throwaway
// namespace: jobs resolve in order, a failing line rejects only its own job with
// ip's message, and the session survives it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { IpSession } from '../../src/agent/net/ip-session.js';

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
