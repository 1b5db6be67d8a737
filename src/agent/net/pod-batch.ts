// What wires one pod: on the node side (`ip -batch` lines) the netns and a
// veth into the node bridge (with hairpin); inside the pod netns (a shell
// script for nsenter) loopback, address and default route. Pure.
import type { PodNetwork } from './netns.js';

export function nodeSideBatch(p: PodNetwork, bridge: string): string[] {
  return [
    `netns add ${p.netns}`,
    `link add ${p.veth} type veth peer name eth0 netns ${p.netns}`,
    `link set ${p.veth} master ${bridge} up`,
    // Hairpin: a pod reaching itself through its Service comes back out of the same port.
    `link set ${p.veth} type bridge_slave hairpin on`,
  ];
}

export function podSideBatch(p: PodNetwork): string[] {
  return ['link set lo up', `addr add ${p.ip}/${p.prefixLen} dev eth0`, 'link set eth0 up', `route add default via ${p.gateway} dev eth0`];
}

/** The pod side as one shell command; the netns name and the lines are ours (no quoting needed). */
export function podSideScript(p: PodNetwork): string {
  return `nsenter --net=/run/netns/${p.netns} ip -batch - <<'KUBESVC_EOF'\n${podSideBatch(p).join('\n')}\nKUBESVC_EOF`;
}
