// Generated names for pod namespaces and links (≤ 15 chars for links). Pure.

/** FNV-1a, 32 bit: a short stable hash without node:crypto. */
export function shortHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

export const BRIDGE = 'cbr0';

/**
 * A bridge's own address, locally administered (02:00 + the four bytes of its
 * IP). A bridge whose address was never set takes the lowest of its ports' and
 * changes as ports come and go; whoever cached the old one (pods, for their
 * gateway) then sends into nothing until ARP notices.
 */
export const bridgeMac = (ip: string): string => ['02', '00', ...ip.split('.').map((b) => Number(b).toString(16).padStart(2, '0'))].join(':');

/** Where a named network namespace is mounted (`ip netns` names). */
export const netnsPath = (name: string): string => `/run/netns/${name}`;

/** Pod netns: the node's prefix plus a hash of the pod UID, e.g. ksvc-c1-node-1-p1a2b3c4d. */
export const podNetnsName = (prefix: string, uid: string): string => `${prefix}-p${shortHash(uid)}`;

/** Node-side veth of a pod (links live in the node netns, so only unique per node). */
export const podVethName = (uid: string): string => `veth${shortHash(uid)}`;

export const isPodNetns = (prefix: string, name: string): boolean => new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-p[0-9a-f]{8}$`).test(name);
