// HTTP/2 beside HTTP/1.1 on one TLS listener, chosen by ALPN, as kube-apiserver does.
// client-go (kubectl, and kubesvc's own RestClient) sends every request and watch of a
// client over one HTTP/2 connection, so a burst opens no new connections: over HTTP/1.1
// each request beyond the sockets already open paid a TLS handshake (≈ 2 ms of CPU per
// end here), 29 of them in a 50-pod burst. Upgrades (exec's WebSocket and SPDY) cannot
// ride HTTP/2; their clients offer only http/1.1 and reach the HTTPS server as before.
import { createServer as createHttp2Server, type Http2ServerRequest, type Http2ServerResponse, type ServerHttp2Session } from 'node:http2';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';

/** What the HTTPS server offers in its TLS handshake, HTTP/2 first. */
export const ALPN_PROTOCOLS = ['h2', 'http/1.1'];

/** kube-apiserver's default for --http2-max-streams-per-connection. */
const MAX_STREAMS = 1000;

export interface Http2Side {
  /** Ends every HTTP/2 session and any made later (closeAllConnections sees only HTTP/1.1 sockets). */
  closeSessions(): void;
}

/**
 * Routes the HTTPS server's connections that negotiated h2 to an HTTP/2 server (never
 * listening itself) running the same handler; the rest keep the HTTPS server's own
 * HTTP/1.1 path, upgrades and timeouts included. `server` must offer ALPN_PROTOCOLS.
 */
export function serveHttp2Beside(server: HttpsServer, handler: (req: IncomingMessage, res: ServerResponse) => void, idleTimeoutMs: number): Http2Side {
  // The compatibility API's request and response carry the members the handler uses.
  const h2 = createHttp2Server({ settings: { maxConcurrentStreams: MAX_STREAMS } }, handler as unknown as (req: Http2ServerRequest, res: Http2ServerResponse) => void);
  h2.on('session', (s: ServerHttp2Session) => {
    // As HTTP/1.1's keep-alive timeout: a connection without streams for that long (its
    // client gone without a FIN, say) is told to go away; one holding a quiet watch stays.
    let streams = 0;
    s.on('stream', (st) => { streams++; st.on('close', () => streams--); });
    s.setTimeout(idleTimeoutMs, () => { if (streams === 0) s.close(); });
    // A client gone mid-stream is that client's problem, not the server's.
    s.on('error', () => {});
  });
  const http1 = server.listeners('secureConnection') as ((socket: TLSSocket) => void)[];
  server.removeAllListeners('secureConnection');
  const h2Sockets = new Set<TLSSocket>();
  let closing = false;
  server.on('secureConnection', (socket: TLSSocket) => {
    if (socket.alpnProtocol !== 'h2') {
      for (const l of http1) l.call(server, socket);
      return;
    }
    // A connection accepted before the listener closed can finish its handshake after.
    if (closing) { socket.destroy(); return; }
    h2Sockets.add(socket);
    socket.once('close', () => h2Sockets.delete(socket));
    h2.emit('connection', socket);
  });
  return {
    closeSessions: () => {
      closing = true;
      // The sockets themselves, which takes their sessions down: a destroyed session only ends
      // its socket and waits for that write, and a socket whose end never completed stayed
      // counted by the server (close() never called back) while no longer keeping the event
      // loop alive: up exited half-way through its cleanup.
      for (const sock of h2Sockets) sock.destroy();
    },
  };
}
