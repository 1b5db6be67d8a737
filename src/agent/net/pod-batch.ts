// The `ip -batch` input that wires one pod: on the node side the netns and a
// veth into the node bridge (with hairpin), inside the pod netns loopback,
// address and default route. Pure.
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
