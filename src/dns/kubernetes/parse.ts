// Splits a lower-cased name inside the cluster zone into what it asks for, as
// CoreDNS's parseRequest does: [_port._proto.|endpoint.]service.namespace.(svc|pod).
// Anything longer, or under a label other than svc/pod/dns/dns-version, is invalid.

export type ParsedName =
  | { kind: 'apex' }
  /** svc.<zone>, pod.<zone>, dns.<zone>: empty non-terminals. */
  | { kind: 'empty' }
  | { kind: 'nameserver' }
  | { kind: 'version' }
  | { kind: 'namespace'; namespace: string }
  | { kind: 'service'; namespace: string; service: string }
  | { kind: 'endpoint'; namespace: string; service: string; endpoint: string }
  /** _proto.service...: the empty non-terminal above the SRV names. */
  | { kind: 'protocol'; namespace: string; service: string; protocol: string }
  | { kind: 'port'; namespace: string; service: string; port: string; protocol: string }
  | { kind: 'pod'; namespace: string; pod: string }
  | { kind: 'invalid' };

const under = (l: string): boolean => l.length > 1 && l[0] === '_';

/** labels: the name relative to the zone, left to right. */
export function parseName(labels: string[]): ParsedName {
  const n = labels.length;
  if (n === 0) return { kind: 'apex' };
  const top = labels[n - 1];
  if (top === 'dns-version') return n === 1 ? { kind: 'version' } : { kind: 'invalid' };
  if (top === 'dns') {
    if (n === 1) return { kind: 'empty' };
    return n === 2 && labels[0] === 'ns' ? { kind: 'nameserver' } : { kind: 'invalid' };
  }
  if (top !== 'svc' && top !== 'pod') return { kind: 'invalid' };
  if (n === 1) return { kind: 'empty' };
  const namespace = labels[n - 2];
  if (n === 2) return { kind: 'namespace', namespace };
  if (top === 'pod') return n === 3 ? { kind: 'pod', namespace, pod: labels[0] } : { kind: 'invalid' };
  const service = labels[n - 3];
  if (n === 3) return { kind: 'service', namespace, service };
  if (n === 4) {
    const l = labels[0];
    return under(l) ? { kind: 'protocol', namespace, service, protocol: l.slice(1) } : { kind: 'endpoint', namespace, service, endpoint: l };
  }
  if (n === 5 && under(labels[0]) && under(labels[1])) {
    return { kind: 'port', namespace, service, port: labels[0].slice(1), protocol: labels[1].slice(1) };
  }
  return { kind: 'invalid' };
}
