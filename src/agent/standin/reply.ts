// What the stand-in answers. Pure.

export interface StandinIdentity {
  pod: string;
  namespace: string;
  node: string;
  podIP: string;
}

export const textReply = (id: StandinIdentity, clientIP: string, clientPort: number): string => `pod=${id.pod} client=${clientIP}:${clientPort}\n`;

export const jsonReply = (id: StandinIdentity, clientIP: string, clientPort: number, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ pod: id.pod, namespace: id.namespace, node: id.node, podIP: id.podIP, client: { ip: clientIP, port: clientPort }, ...extra }) + '\n';

/** "80/TCP,53/UDP" → ports (TCP ports also get UDP, as the stand-in answers both). */
export function parsePorts(s: string | undefined): { port: number; protocol: string }[] {
  const out = (s ?? '').split(',').filter(Boolean).map((x) => {
    const [p, proto] = x.split('/');
    return { port: Number(p), protocol: (proto ?? 'TCP').toUpperCase() };
  }).filter((p) => Number.isInteger(p.port) && p.port > 0 && p.port < 65536);
  return out.length ? out : [{ port: 80, protocol: 'TCP' }, { port: 8080, protocol: 'TCP' }];
}

export const looksLikeHttp = (firstBytes: string): boolean => /^(GET|HEAD|POST|PUT|DELETE|PATCH|OPTIONS|CONNECT|TRACE) /.test(firstBytes);

/** Strips an IPv4-mapped IPv6 prefix so clients read as 10.244.1.5, not ::ffff:10.244.1.5. */
export const plainIP = (a: string | undefined): string => (a ?? '').replace(/^::ffff:/, '');
