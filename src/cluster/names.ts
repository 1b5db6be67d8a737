// Names of everything a cluster creates on the host. Pure: every netns, link and
// directory name derives from the cluster name, so `down` can find what a dead
// run left without any state file. Link names obey Linux's IFNAMSIZ (15 chars).

export const IFNAMSIZ_MAX = 15;
export const DEFAULT_CLUSTER_NAME = 'kubesvc';

export interface ClusterNames {
  name: string;
  /** Every netns of the cluster (nodes, pods, client) starts with this: `ksvc-<name>-`. */
  netnsPrefix: string;
  /** `ksvc-<name>`, or `ks<hash>` when that would make link names too long. */
  linkBase: string;
  /** The cluster bridge on the host: `<linkBase>0`. */
  bridge: string;
  /** The external client netns: `ksvc-<name>-client`. */
  clientNs: string;
  /** Host end of the client's veth. */
  clientVeth: string;
  nodeName(i: number): string;
  nodeNs(i: number): string;
  /** Host end of node i's veth (the peer is eth0 inside the node netns). */
  nodeVeth(i: number): string;
  /** Whether a link name on the host belongs to this cluster. */
  ownsLink(ifname: string): boolean;
  /** Whether a netns (or /etc/netns/<dir>) belongs to this cluster. */
  ownsNetns(ns: string): boolean;
}

/** FNV-1a, 32 bit, as 8 hex digits: short stable suffixes without node:crypto. */
export function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** Cluster names are lower-case letters and digits: a '-' would make one cluster's prefix a prefix of another's. */
export function validateClusterName(name: string): string | undefined {
  if (!/^[a-z0-9]{1,32}$/.test(name)) return `cluster name "${name}" must be 1-32 lower-case letters or digits (no '-', so that no cluster's prefix is a prefix of another's)`;
  return undefined;
}

export const MAX_NODES = 99;

export function clusterNames(name: string): ClusterNames {
  const bad = validateClusterName(name);
  if (bad) throw new Error(bad);
  const netnsPrefix = `ksvc-${name}-`;
  // The longest link is `<base>-99` (base + 3); keep it within IFNAMSIZ.
  const natural = `ksvc-${name}`;
  const linkBase = natural.length + 3 <= IFNAMSIZ_MAX ? natural : `ks${fnv1a(name).slice(0, 7)}`;
  const bridge = `${linkBase}0`;
  const checkNode = (i: number): void => {
    if (!Number.isInteger(i) || i < 1 || i > MAX_NODES) throw new RangeError(`node index ${i} outside 1-${MAX_NODES}`);
  };
  return {
    name,
    netnsPrefix,
    linkBase,
    bridge,
    clientNs: `${netnsPrefix}client`,
    clientVeth: `${linkBase}-c`,
    nodeName: (i) => (checkNode(i), `node-${i}`),
    nodeNs: (i) => (checkNode(i), `${netnsPrefix}node-${i}`),
    nodeVeth: (i) => (checkNode(i), `${linkBase}-${i}`),
    ownsLink: (ifname) => ifname === bridge || ifname.startsWith(`${linkBase}-`),
    ownsNetns: (ns) => ns.startsWith(netnsPrefix),
  };
}
