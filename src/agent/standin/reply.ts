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

export const looksLikeHttp = (firstBytes: string): boolean => /^(GET|HEAD|POST|PUT|DELETE|PATCH|OPTIONS|CONNECT|TRACE) /.test(firstBytes);

/** Strips an IPv4-mapped IPv6 prefix so clients read as 10.244.1.5, not ::ffff:10.244.1.5. */
export const plainIP = (a: string | undefined): string => (a ?? '').replace(/^::ffff:/, '');
