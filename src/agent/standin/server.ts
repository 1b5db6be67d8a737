// The stand-in container: on each port it answers HTTP and raw TCP (told apart
// by the first bytes) and UDP, with the pod's name and the client address.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { jsonReply, looksLikeHttp, plainIP, textReply, type StandinIdentity } from './reply.js';

const SNIFF_MS = 300;

export interface Standin {
  close(): Promise<void>;
}

export async function startStandin(id: StandinIdentity, ports: { port: number; protocol: string }[], host = '0.0.0.0'): Promise<Standin> {
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
  const seen = new Set<number>();
  for (const p of ports) {
    if (seen.has(p.port)) continue;
    seen.add(p.port);
    if (p.protocol !== 'UDP') {
      const srv = createTcpServer(onConn);
      await new Promise<void>((resolve, reject) => { srv.once('error', reject); srv.listen(p.port, host, () => resolve()); });
      tcp.push(srv);
    }
    const u = createSocket('udp4');
    u.on('message', (_msg, rinfo) => u.send(textReply(id, rinfo.address, rinfo.port), rinfo.port, rinfo.address));
    await new Promise<void>((resolve, reject) => { u.once('error', reject); u.bind(p.port, host, () => resolve()); });
    udp.push(u);
  }
  return {
    close: async () => {
      await Promise.all(tcp.map((s) => new Promise((r) => s.close(r))));
      for (const u of udp) u.close();
    },
  };
}
