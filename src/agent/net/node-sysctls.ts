// The sysctls the agent sets in its node netns for the pod bridge, as key → value
// (also applied by bench/proxy-data to its hand-built node, so it measures what a
// node runs).
//
// send_redirects off: the node is the gateway of pods that share its bridge, and
// every packet it DNATs from one pod to another goes back out that same bridge.
// With redirects on, the kernel's route lookup for each such packet
// (br_netfilter's, per packet of a ClusterIP flow) adds a reverse-path FIB lookup
// (fib_validate_source) to decide whether to tell the pod to "go direct", and a
// routed packet for an unallocated ClusterIP draws an ICMP redirect before the
// proxy's reject. Neither is wanted: a pod must keep sending service traffic to
// its gateway. IN_DEV_TX_REDIRECTS ORs `all` with the device, so both go off.
//
// delay_first_probe_time 0 on the bridge: br_netfilter bridges a DNATed packet on
// by the node's neighbour entry for the endpoint pod, and takes its fast path
// (the cached Ethernet header) only while that entry is REACHABLE. Nothing on the
// node confirms an entry for traffic it only forwards, so after each reachable
// time (15–45 s) the entry goes STALE, then DELAY for this long (5 s by default)
// before the probe that makes it REACHABLE again; meanwhile every DNATed packet to
// that pod takes the slow path through the bridge device's transmit
// (br_dev_xmit, seen in a profile of the ClusterIP path) before it is bridged
// on. At 0 the kernel probes after its 10 ms minimum, and the pod answers at once.
export function nodeSysctls(bridge: string): Record<string, string> {
  return {
    'net.ipv4.ip_forward': '1',
    'net.ipv4.conf.all.send_redirects': '0',
    [`net.ipv4.conf.${bridge}.send_redirects`]: '0',
    [`net.ipv4.neigh.${bridge}.delay_first_probe_time`]: '0',
  };
}

/** /proc/sys path of a dotted key (interface names here carry no dots). */
export const sysctlPath = (key: string): string => `/proc/sys/${key.replace(/\./g, '/')}`;
