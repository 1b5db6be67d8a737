// resolv.conf and /etc/hosts for a pod, as the kubelet writes them
// (pkg/kubelet/network/dns and the kubelet's managed hosts file). Pure.

export interface DNSContext {
  namespace: string;
  clusterDNS: string[];
  clusterDomain: string;
  /** The node's own resolv.conf text (used for dnsPolicy Default and host search paths). */
  nodeResolvConf: string;
}

export interface ResolvConf {
  nameservers: string[];
  searches: string[];
  options: string[];
}

const MAX_NAMESERVERS = 3;
const MAX_SEARCHES = 32;

export function parseResolvConf(text: string): ResolvConf {
  const r: ResolvConf = { nameservers: [], searches: [], options: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    if (!line) continue;
    const [key, ...vals] = line.split(/\s+/);
    if (key === 'nameserver' && vals[0]) r.nameservers.push(vals[0]);
    else if (key === 'search' || key === 'domain') r.searches = vals.filter((v) => v !== '.');
    else if (key === 'options') r.options.push(...vals);
  }
  return r;
}

/** Options merge by name: a later "ndots:2" replaces an earlier "ndots:5". */
function mergeOptions(base: string[], extra: { name?: string; value?: string }[]): string[] {
  const out = new Map<string, string>();
  for (const o of base) out.set(o.split(':')[0], o);
  for (const o of extra) if (o.name) out.set(o.name, o.value !== undefined && o.value !== '' ? `${o.name}:${o.value}` : o.name);
  return [...out.values()];
}

const dedupe = (xs: string[]): string[] => [...new Set(xs)];

/** The effective resolver configuration for a pod spec. */
export function podResolvConf(spec: any, ctx: DNSContext): ResolvConf {
  const policy: string = spec?.dnsPolicy ?? 'ClusterFirst';
  const cfg = spec?.dnsConfig ?? {};
  const node = parseResolvConf(ctx.nodeResolvConf);
  let base: ResolvConf;
  const clusterFirst = (policy === 'ClusterFirst' && !spec?.hostNetwork) || policy === 'ClusterFirstWithHostNet';
  if (policy === 'None') base = { nameservers: [], searches: [], options: [] };
  else if (clusterFirst && ctx.clusterDNS.length) {
    const d = ctx.clusterDomain;
    base = { nameservers: [...ctx.clusterDNS], searches: [`${ctx.namespace}.svc.${d}`, `svc.${d}`, d, ...node.searches], options: ['ndots:5'] };
  } else base = node;
  return {
    nameservers: dedupe([...base.nameservers, ...(cfg.nameservers ?? [])]).slice(0, MAX_NAMESERVERS),
    searches: dedupe([...base.searches, ...(cfg.searches ?? [])]).slice(0, MAX_SEARCHES),
    options: mergeOptions(base.options, cfg.options ?? []),
  };
}

export function renderResolvConf(r: ResolvConf): string {
  const lines: string[] = [];
  if (r.searches.length) lines.push(`search ${r.searches.join(' ')}`);
  for (const n of r.nameservers) lines.push(`nameserver ${n}`);
  if (r.options.length) lines.push(`options ${r.options.join(' ')}`);
  return lines.join('\n') + '\n';
}

/** Pod hostname: spec.hostname or the pod name, cut to a DNS label. */
export function podHostname(pod: { metadata: { name?: string }; spec?: any }): string {
  return String(pod.spec?.hostname || pod.metadata.name || '').slice(0, 63).replace(/[-.]+$/, '');
}

export function hostsFile(pod: { metadata: { name?: string; namespace?: string }; spec?: any }, podIPs: string[], clusterDomain: string): string {
  const lines = [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
  ];
  const host = podHostname(pod);
  const sub = pod.spec?.subdomain;
  for (const ip of podIPs) {
    lines.push(sub ? `${ip}\t${host}.${sub}.${pod.metadata.namespace}.svc.${clusterDomain}\t${host}` : `${ip}\t${host}`);
  }
  const aliases: { ip?: string; hostnames?: string[] }[] = pod.spec?.hostAliases ?? [];
  if (aliases.length) {
    lines.push('', '# Entries added by HostAliases.');
    for (const a of aliases) if (a.ip && a.hostnames?.length) lines.push(`${a.ip}\t${a.hostnames.join('\t')}`);
  }
  return lines.join('\n') + '\n';
}
