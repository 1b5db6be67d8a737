// The answer function: a question and the record index in, a complete response
// decision out. Pure: the server shell owns sockets, forwarding and caches.
import { addressFromReverse, isIPv4 } from './ip.js';
import type { RecordIndex } from './kubernetes/index.js';
import { parseName } from './kubernetes/parse.js';
import { lookup, reverseTargets, type NameData, type PodMode } from './kubernetes/records.js';
import type { RR } from './rr.js';

export interface DnsConfig {
  /** Cluster domain, lower case, no trailing dot. */
  zone: string;
  ttl: number;
  podMode: PodMode;
  /** Addresses for ns.dns.<zone> (the kube-dns ClusterIP). */
  nsAddrs: string[];
  /** SOA serial; defaults to the index generation. */
  serial?: number;
}

export interface Query {
  name: string;
  type: string;
  class: string;
}

export type Rcode = 'NOERROR' | 'FORMERR' | 'SERVFAIL' | 'NXDOMAIN' | 'NOTIMP' | 'REFUSED';

export interface Answer {
  kind: 'answer';
  rcode: Rcode;
  authoritative: boolean;
  answers: RR[];
  authority: RR[];
  additional: RR[];
  /** A CNAME left the zone: the shell may resolve this name upstream and append it. */
  external?: { name: string; type: string };
}

export type Decision = Answer | { kind: 'forward' };

export const defaultConfig = (o: Partial<DnsConfig> = {}): DnsConfig => ({ zone: 'cluster.local', ttl: 5, podMode: 'verified', nsAddrs: [], ...o });

/** CoreDNS serves dns-version with a long TTL: it changes only with the schema. */
const VERSION_TTL = 28800;
const MAX_CHASE = 8;

export function answer(q: Query, index: RecordIndex, cfg: DnsConfig): Decision {
  const owner = q.name.replace(/\.$/, '');
  const lower = owner.toLowerCase();
  const labels = lower === '' ? [] : lower.split('.');
  const zoneLabels = cfg.zone.split('.');
  const inZone = labels.length >= zoneLabels.length && zoneLabels.every((z, i) => labels[labels.length - zoneLabels.length + i] === z);
  if (!inZone) {
    const rev = lower.endsWith('in-addr.arpa') || lower.endsWith('ip6.arpa') ? reverse(q, owner, labels, index, cfg) : undefined;
    return rev ?? { kind: 'forward' };
  }
  if (q.class !== 'IN' && q.class !== 'ANY') return empty('REFUSED', false);
  if (q.type === 'AXFR' || q.type === 'IXFR') return empty('REFUSED', false);
  const rel = labels.slice(0, labels.length - zoneLabels.length);
  const res = empty('NOERROR', true);
  // Negative answers (also at the end of a CNAME chain) carry the SOA for negative caching.
  if (!resolveInto(res, owner, rel, q.type, index, cfg, 0)) res.authority.push(soa(cfg.zone, index, cfg));
  return res;
}

/** False when the final name has no data of the type (NXDOMAIN or NODATA). */
function resolveInto(res: Answer, owner: string, rel: string[], qtype: string, index: RecordIndex, cfg: DnsConfig, depth: number): boolean {
  const nd = lookup(parseName(rel), index, cfg);
  if (!nd) {
    res.rcode = 'NXDOMAIN';
    return false;
  }
  if (nd.cname && qtype !== 'CNAME') {
    res.answers.push({ name: owner, ttl: cfg.ttl, type: 'CNAME', data: nd.cname });
    const t = nd.cname.split('.');
    const z = cfg.zone.split('.');
    const targetInZone = t.length > z.length && z.every((l, i) => t[t.length - z.length + i] === l);
    if (!targetInZone) {
      res.external = { name: nd.cname, type: qtype };
      return true;
    }
    return depth < MAX_CHASE ? resolveInto(res, nd.cname, t.slice(0, t.length - z.length), qtype, index, cfg, depth + 1) : true;
  }
  const before = res.answers.length;
  recordsOf(res, owner, nd, qtype, index, cfg);
  return res.answers.length > before;
}

function recordsOf(res: Answer, owner: string, nd: NameData, qtype: string, index: RecordIndex, cfg: DnsConfig): void {
  const ttl = cfg.ttl;
  const addrs = (family: 'A' | 'AAAA', list: string[], name: string): RR[] =>
    list.filter((ip) => isIPv4(ip) === (family === 'A')).map((ip) => ({ name, ttl, type: family, data: ip }));
  switch (qtype) {
    case 'A':
    case 'AAAA':
      res.answers.push(...addrs(qtype, nd.addrs, owner));
      return;
    case 'CNAME':
      if (nd.cname) res.answers.push({ name: owner, ttl, type: 'CNAME', data: nd.cname });
      return;
    case 'TXT':
      if (nd.txt) res.answers.push({ name: owner, ttl: VERSION_TTL, type: 'TXT', data: nd.txt });
      return;
    case 'SOA':
      if (nd.apex) res.answers.push({ ...soa(cfg.zone, index, cfg), name: owner });
      return;
    case 'NS':
      if (nd.apex) {
        const ns = `ns.dns.${cfg.zone}`;
        res.answers.push({ name: owner, ttl, type: 'NS', data: ns });
        res.additional.push(...addrs('A', cfg.nsAddrs, ns), ...addrs('AAAA', cfg.nsAddrs, ns));
      }
      return;
    case 'SRV': {
      const seen = new Set<string>();
      const srv = nd.srv.filter((s) => !seen.has(`${s.target}:${s.port}`) && seen.add(`${s.target}:${s.port}`));
      // CoreDNS's weighting: equal shares of 100 among records of one priority.
      const weight = srv.length ? Math.floor(100 / srv.length) : 0;
      const glue = new Set<string>();
      for (const s of srv) {
        res.answers.push({ name: owner, ttl, type: 'SRV', data: { priority: 0, weight, port: s.port, target: s.target } });
        if (glue.has(s.target)) continue;
        glue.add(s.target);
        res.additional.push(...addrs('A', s.addrs, s.target), ...addrs('AAAA', s.addrs, s.target));
      }
      return;
    }
    default:
      // Any other type (ANY, MX, …) has no data here: NODATA, as CoreDNS answers.
      return;
  }
}

/** PTR for ClusterIPs and endpoint addresses; unknown addresses fall through to upstream. */
function reverse(q: Query, owner: string, labels: string[], index: RecordIndex, cfg: DnsConfig): Answer | undefined {
  const ip = addressFromReverse(labels);
  const targets = ip ? reverseTargets(ip, index, cfg.zone) : [];
  if (!targets.length) return undefined;
  const res = empty('NOERROR', true);
  if (q.type === 'PTR') for (const t of targets) res.answers.push({ name: owner, ttl: cfg.ttl, type: 'PTR', data: t });
  else res.authority.push(soa(labels[labels.length - 2] === 'ip6' ? 'ip6.arpa' : 'in-addr.arpa', index, cfg));
  return res;
}

function soa(zone: string, index: RecordIndex, cfg: DnsConfig): RR {
  return {
    name: zone, ttl: cfg.ttl, type: 'SOA',
    data: { mname: `ns.dns.${cfg.zone}`, rname: `hostmaster.${cfg.zone}`, serial: cfg.serial ?? index.generation, refresh: 7200, retry: 1800, expire: 86400, minimum: cfg.ttl },
  };
}

const empty = (rcode: Rcode, authoritative: boolean): Answer => ({ kind: 'answer', rcode, authoritative, answers: [], authority: [], additional: [] });
