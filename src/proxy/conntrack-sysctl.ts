// The conntrack settings the proxy wants in its node's network namespace
// (kube-proxy's conntrack configuration: pkg/proxy/conntrack/sysctls). Only
// per-netns keys: nf_conntrack_max and the hash size are global (init netns)
// and read-only inside a namespace, so they are not ours to set.
export interface ConntrackConfig {
  /** Seconds an established flow stays tracked without traffic (kube-proxy: 24h). */
  tcpEstablishedTimeout?: number;
  /** Seconds for CLOSE_WAIT (kube-proxy: 1h). */
  tcpCloseWaitTimeout?: number;
}

/** sysctl key → value for the node netns. */
export function conntrackSysctls(c: ConntrackConfig = {}): Record<string, string> {
  return {
    'net.netfilter.nf_conntrack_tcp_timeout_established': String(c.tcpEstablishedTimeout ?? 86400),
    'net.netfilter.nf_conntrack_tcp_timeout_close_wait': String(c.tcpCloseWaitTimeout ?? 3600),
  };
}
