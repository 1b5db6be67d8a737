// Command lines that place a process in a pod: network namespace (with the
// per-pod resolv.conf/hosts that `ip netns exec` bind-mounts), its own UTS
// namespace for the hostname, and the container's user. Pure.

export interface Identity {
  uid?: number;
  gid?: number;
}

/** The effective user: container securityContext wins over the pod's. */
export function identityOf(pod: any, container: any): Identity {
  const p = pod?.spec?.securityContext ?? {}, c = container?.securityContext ?? {};
  const uid = c.runAsUser ?? p.runAsUser;
  const gid = c.runAsGroup ?? p.runAsGroup ?? (uid !== undefined ? uid : undefined);
  return { uid, gid };
}

const setpriv = (id: Identity): string[] =>
  id.uid === undefined && id.gid === undefined
    ? []
    : ['setpriv', ...(id.uid !== undefined ? ['--reuid', String(id.uid)] : []), ...(id.gid !== undefined ? ['--regid', String(id.gid)] : []), '--clear-groups', '--'];

/** Where a container's process goes: its pod's netns (by name under /run/netns) and hostname. */
export interface PodPlacement {
  netns: string;
  hostname: string;
  /**
   * false: no mount namespace with the pod's resolv.conf and hosts, for a process that reads
   * neither (a stand-in's holder): `ip netns exec` is most of what its start costs. What is
   * exec'd into it gets that view of its own (execArgv).
   */
  podEtc?: boolean;
}

/** Ports below 1024 open to any user in the pod netns (containerd sets this for every container). */
export const UNPRIVILEGED_PORTS_SYSCTL = '/proc/sys/net/ipv4/ip_unprivileged_port_start';

/** A container's main process from a thread already in the pod's netns and a new UTS namespace, with the sysctl set (process.ts). */
export const podPlacedArgv = (pod: PodPlacement, argv: string[]): string[] => (pod.podEtc === false ? argv : ['ip', 'netns', 'exec', pod.netns, ...argv]);

/**
 * The same from a plain spawn: netns → own UTS ns with the pod hostname → the
 * unprivileged-port sysctl → argv (the user's setpriv and program).
 */
export const containerArgv = (pod: PodPlacement, argv: string[]): string[] => podPlacedArgv({ ...pod, podEtc: true }, [
  'unshare', '--uts', '--',
  '/bin/sh', '-c', `printf %s "$0" > /proc/sys/kernel/hostname && echo 0 > ${UNPRIVILEGED_PORTS_SYSCTL} && exec "$@"`, pod.hostname,
  ...argv,
]);

/** The container's user (securityContext) before its program. */
export const asUser = (id: Identity, argv: string[]): string[] => [...setpriv(id), ...argv];

export const shellQuote = (s: string): string => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** argv with a pseudo-terminal of its own: `script` runs it on one and passes its exit code through. */
export const withTty = (argv: string[]): string[] => ['script', '-qfec', argv.map(shellQuote).join(' '), '/dev/null'];

/** A running container: its main process and where it was placed. */
export interface ContainerTarget {
  pid: number;
  pod: PodPlacement;
}

/**
 * A process joined to a running container (exec, exec probes): its mount
 * (resolv.conf/hosts), UTS and network namespaces; for a container started without
 * the pod's mounts, `ip netns exec` makes them and the container's UTS is joined.
 * With tty, `script` gives the command a pseudo-terminal and passes its exit code through.
 */
export function execArgv(target: ContainerTarget, id: Identity, argv: string[], tty = false): string[] {
  const inner = [...setpriv(id), ...argv];
  const cmd = tty ? withTty(inner) : inner;
  const pid = String(target.pid);
  return target.pod.podEtc === false
    ? ['ip', 'netns', 'exec', target.pod.netns, 'nsenter', '-t', pid, '-u', '--', ...cmd]
    : ['nsenter', '-t', pid, '-m', '-u', '-n', '--', ...cmd];
}
