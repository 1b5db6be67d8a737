// The stand-in container: on each port it answers HTTP and raw TCP (told apart
// by the first bytes) and UDP, with the pod's name and the client address.
// It serves sockets it is given (made in the pod's namespace, netns-listen.ts).
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { jsonReply, looksLikeHttp, plainIP, textReply, type StandinIdentity } from './reply.js';
import type { Listener } from './netns-listen.js';

const SNIFF_MS = 300;

export interface Standin {
  /** Stops at once, open connections included, as the death of a process would. */
  close(): void;
}

export function serveStandin(id: StandinIdentity, listeners: Listener[]): Standin {
  const open = new Set<Socket>();
  const http = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const ip = plainIP(req.socket.remoteAddress), port = req.socket.remotePort ?? 0;
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' || path === '/readyz') { res.writeHead(200, { 'Content-Type': 'text/plain' }); res.end('ok\n'); return; }
    if (path === '/json') { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(jsonReply(id, ip, port, { method: req.method, path: req.url, headers: req.headers })); return; }
    if (path === '/hostname') { res.writeHead(200, { 'Content-Type': 'text/plain' }); res.end(id.pod); return; }
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end(textReply(id, ip, port));
  });
  const onConn = (s: Socket): void => {
    open.add(s);
    s.on('close', () => open.delete(s));
    s.on('error', () => s.destroy());
    const ip = plainIP(s.remoteAddress), port = s.remotePort ?? 0;
    // A client that says nothing gets the line at once; HTTP goes to the HTTP server; anything else is echoed after the line.
    const timer = setTimeout(() => { s.removeListener('data', first); s.end(textReply(id, ip, port)); }, SNIFF_MS);
    const first = (chunk: Buffer): void => {
      clearTimeout(timer);
      s.removeListener('data', first);
      if (looksLikeHttp(chunk.toString('latin1', 0, 8))) {
        s.pause();
        s.unshift(chunk);
        http.emit('connection', s);
        s.resume();
        return;
      }
      s.end(textReply(id, ip, port) + chunk.toString('utf8'));
    };
    s.on('data', first);
  };
  const tcp: Server[] = [];
  const udp: UdpSocket[] = [];
  for (const l of listeners) {
    if (l.protocol === 'TCP') {
      const srv = createTcpServer(onConn);
      srv.on('error', (e) => console.error(`stand-in ${id.namespace}/${id.pod}: ${e.message}`));
      srv.listen({ fd: l.fd });
      tcp.push(srv);
    } else {
      const u = createSocket('udp4');
      u.on('error', (e) => console.error(`stand-in ${id.namespace}/${id.pod}: ${e.message}`));
      u.on('message', (_msg, rinfo) => u.send(textReply(id, rinfo.address, rinfo.port), rinfo.port, rinfo.address));
      u.bind({ fd: l.fd });
      udp.push(u);
    }
  }
  return {
    close: () => {
      for (const s of tcp) s.close();
      for (const u of udp) u.close();
      for (const s of open) s.destroy();
    },
  };
}
