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

/**
 * A container's main process: netns → own UTS ns with the pod hostname →
 * ports below 1024 open to any user in the pod netns (containerd sets this
 * sysctl for every container) → user → program.
 */
export function containerArgv(netns: string, hostname: string, id: Identity, argv: string[]): string[] {
  return [
    'ip', 'netns', 'exec', netns,
    'unshare', '--uts', '--',
    '/bin/sh', '-c', 'printf %s "$0" > /proc/sys/kernel/hostname && echo 0 > /proc/sys/net/ipv4/ip_unprivileged_port_start && exec "$@"', hostname,
    ...setpriv(id), ...argv,
  ];
}

export const shellQuote = (s: string): string => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/**
 * A process joined to a running container (exec, exec probes): its mount
 * (resolv.conf/hosts), UTS and network namespaces. With tty, `script` gives
 * the command a pseudo-terminal and passes its exit code through.
 */
export function execArgv(containerPid: number, id: Identity, argv: string[], tty = false): string[] {
  const inner = [...setpriv(id), ...argv];
  const cmd = tty ? ['script', '-qfec', inner.map(shellQuote).join(' '), '/dev/null'] : inner;
  return ['nsenter', '-t', String(containerPid), '-m', '-u', '-n', '--', ...cmd];
}
