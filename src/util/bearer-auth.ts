// Bearer-token authentication, shared by the API server, its pod log/exec proxy and the node agents.
import type { IncomingMessage } from 'node:http';
import { timingSafeEqual } from 'node:crypto';

export function hasValidBearerToken(req: IncomingMessage, tokens: Set<string>): boolean {
  const h = req.headers.authorization;
  if (!h || !h.startsWith('Bearer ')) return false;
  const given = Buffer.from(h.slice(7).trim());
  for (const t of tokens) {
    const want = Buffer.from(t);
    if (want.length === given.length && timingSafeEqual(want, given)) return true;
  }
  return false;
}
