// The node netns conntrack settings: kube-proxy's defaults, only per-netns keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conntrackSysctls } from '../../src/proxy/conntrack-sysctl.js';

test('conntrack sysctls: kube-proxy defaults, overridable, no global-only keys', () => {
  assert.deepEqual(conntrackSysctls(), {
    'net.netfilter.nf_conntrack_tcp_timeout_established': '86400',
    'net.netfilter.nf_conntrack_tcp_timeout_close_wait': '3600',
  });
  assert.equal(conntrackSysctls({ tcpEstablishedTimeout: 600 })['net.netfilter.nf_conntrack_tcp_timeout_established'], '600');
  assert.ok(!Object.keys(conntrackSysctls()).some((k) => /nf_conntrack_max|buckets/.test(k)));
});
