// `kubectl port-forward` and the client libraries' port forwarding, served as a
// kubelet serves them; the API server pipes the upgraded connection here as is.
//
// - SPDY/3.1 (`Upgrade: SPDY/3.1`, X-Stream-Protocol-Version portforward.k8s.io),
//   and the same SPDY carried in WebSocket binary messages (subprotocol
//   `SPDY/3.1+portforward.k8s.io`, kubectl 1.31+). Each forwarded connection is a
//   pair of client-opened streams with one requestid: "error" (the server writes
//   what went wrong, then FIN) and "data" (the bytes).
// - WebSocket channels (`v4.channel.k8s.io`, ?ports=…): for the i-th port, channel
//   2i carries data and 2i+1 errors; each starts with the port, 16-bit little-endian.
// Every connection goes to 127.0.0.1:port in the pod's network namespace.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { WebSocketServer, createWebSocketStream, type WebSocket } from 'ws';
import { SpdySession, type SpdyStream } from '../../util/spdy/session.js';
import { RST } from '../../util/spdy/frames.js';
import { errnoMessage } from '../../util/libc.js';

export const SPDY_PROTOCOL = 'portforward.k8s.io';
export const SPDY_OVER_WEBSOCKET = 'SPDY/3.1+portforward.k8s.io';
export const CHANNEL_PROTOCOL = 'v4.channel.k8s.io';
/** The kubelet's default --streaming-connection-idle-timeout companion: how long a request's two streams may take to arrive. */
const STREAM_CREATION_TIMEOUT_MS = 30_000;

export interface PortForwardTarget {
  /** What error messages call the pod (the kubelet names the sandbox). */
  sandbox: string;
  uid: string;
  /** A connection to 127.0.0.1:port in the pod; rejects with why ("connect: connection refused"). */
  connect(port: number): Promise<Socket>;
}

const prefix = (t: PortForwardTarget, port: number): string => `error forwarding port ${port} to pod ${t.sandbox}, uid ${t.uid}`;

/** Copies between a client stream and the pod's port until both sides are done; resolves with the error to report, if any. */
export async function forward(port: number, client: Duplex, t: PortForwardTarget): Promise<string | undefined> {
  let pod: Socket;
  try {
    pod = await t.connect(port);
  } catch (e) {
    return `${prefix(t, port)}: failed to connect to localhost:${port} inside namespace "${t.sandbox}", IPv4: dial tcp4 127.0.0.1:${port}: ${(e as Error).message}`;
  }
  if (client.destroyed) { pod.destroy(); return undefined; }
  return new Promise((resolve) => {
    let err: string | undefined;
    pod.on('error', (e: NodeJS.ErrnoException) => { err ??= `${prefix(t, port)}: copying port ${port}: ${e.syscall ?? 'io'}: ${typeof e.errno === 'number' ? errnoMessage(e.errno) : e.message}`; });
    client.on('error', () => pod.destroy());
    client.on('close', () => pod.destroy());
    client.pipe(pod);
    pod.pipe(client);
    pod.on('close', () => resolve(err));
  });
}

const portOf = (s: string): number | undefined => (/^\d+$/.test(s) && Number(s) >= 1 && Number(s) <= 65535 ? Number(s) : undefined);

/** SPDY streams in pairs by requestid, each pair one forwarded connection. */
export function serveSpdy(transport: Duplex, t: PortForwardTarget): SpdySession {
  const pairs = new Map<string, { data?: SpdyStream; error?: SpdyStream; timer: NodeJS.Timeout }>();
  const run = async (id: string, data: SpdyStream, error: SpdyStream): Promise<void> => {
    const err = await forward(Number(data.header('port')), data, t);
    // A stream the client reset has nobody to read it.
    if (err && !error.destroyed) error.write(err);
    if (!error.writableEnded && !error.destroyed) error.end();
    if (!data.writableEnded && !data.destroyed) data.end();
    pairs.delete(id);
  };
  return new SpdySession(transport, {
    onStream(s) {
      // An error on one stream (its session going away mid-write) ends that stream, never the agent.
      s.on('error', () => s.destroy());
      const type = s.header('streamtype');
      if (portOf(s.header('port')) === undefined || (type !== 'data' && type !== 'error')) return s.reset(RST.CANCEL);
      void s.reply().catch(() => undefined);
      // Clients before requestid were numbered by stream ID: error n, data n+2.
      const id = s.header('requestid') || String(type === 'error' ? s.id : s.id - 2);
      let p = pairs.get(id);
      if (!p) {
        const timer = setTimeout(() => {
          const q = pairs.get(id);
          pairs.delete(id);
          q?.error?.end(`(request=${id}) timed out waiting for streams`);
          q?.data?.destroy();
        }, STREAM_CREATION_TIMEOUT_MS);
        timer.unref();
        pairs.set(id, (p = { timer }));
      }
      if (p[type as 'data' | 'error']) {
        s.reset(RST.PROTOCOL_ERROR);
        return;
      }
      p[type as 'data' | 'error'] = s;
      if (p.data && p.error) {
        clearTimeout(p.timer);
        void run(id, p.data, p.error);
      }
    },
  });
}

/** One Duplex per channel pair of a v4 WebSocket: reads what the client sends on `data`, writes go back on it. */
function channelStream(ws: WebSocket, data: number): Duplex & { deliver(b: Buffer): void } {
  const d = new Duplex({
    read() { /* pushed by deliver */ },
    write(chunk: Buffer, _e, cb) {
      if (ws.readyState !== ws.OPEN) return cb();
      ws.send(Buffer.concat([Buffer.from([data]), chunk]), cb);
    },
    final(cb) { cb(); }, // v4 has no half-close
  });
  return Object.assign(d, { deliver: (b: Buffer) => { d.push(b); } });
}

export function serveChannels(ws: WebSocket, ports: number[], t: PortForwardTarget): void {
  const le16 = (n: number): Buffer => { const b = Buffer.alloc(2); b.writeUInt16LE(n); return b; };
  const streams = ports.map((port, i) => {
    ws.send(Buffer.concat([Buffer.from([2 * i]), le16(port)]));
    ws.send(Buffer.concat([Buffer.from([2 * i + 1]), le16(port)]));
    return channelStream(ws, 2 * i);
  });
  ws.on('message', (m: Buffer, binary) => {
    const b = binary ? m : Buffer.from(m.toString());
    const ch = b[0];
    if (b.length > 1 && ch % 2 === 0 && streams[ch / 2]) streams[ch / 2].deliver(b.subarray(1));
  });
  ws.on('close', () => streams.forEach((s) => s.destroy()));
  void Promise.all(ports.map(async (port, i) => {
    const err = await forward(port, streams[i], t);
    if (err && ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([2 * i + 1]), Buffer.from(err)]));
  })).then(() => { if (ws.readyState === ws.OPEN) ws.close(1000); });
}

// ws accepts only RFC 7230 tokens as subprotocols, and "/" is not a token
// character: the SPDY tunnel's name is swapped for an alias on the way in and
// back in the 101 response (gorilla/websocket, on kubectl's side, is lenient).
const SPDY_ALIAS = 'spdy-3.1-portforward.k8s.io';

const wss = new WebSocketServer({
  noServer: true,
  handleProtocols: (offered) => [SPDY_ALIAS, CHANNEL_PROTOCOL].find((p) => offered.has(p)) ?? false,
});
wss.on('headers', (headers: string[]) => {
  const i = headers.findIndex((h) => h.toLowerCase() === `sec-websocket-protocol: ${SPDY_ALIAS}`);
  if (i >= 0) headers[i] = `Sec-WebSocket-Protocol: ${SPDY_OVER_WEBSOCKET}`;
});

function aliasSpdyProtocol(req: IncomingMessage): void {
  const raw = req.headers['sec-websocket-protocol'];
  if (typeof raw !== 'string') return;
  req.headers['sec-websocket-protocol'] = raw.split(',').map((p) => (p.trim() === SPDY_OVER_WEBSOCKET ? SPDY_ALIAS : p.trim())).join(', ');
}

const reject = (socket: Duplex, code: number, text: string, message: string): void => {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'BadRequest', code });
  socket.end(`HTTP/1.1 ${code} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
};

/** Ports of a v4 WebSocket request: ?ports=8080&ports=9090 or ?ports=8080,9090. */
export function parsePorts(q: URLSearchParams): number[] | string {
  const raw = q.getAll('ports');
  if (!raw.length) return 'query parameter "ports" is required';
  const out: number[] = [];
  for (const s of raw.flatMap((r) => r.split(','))) {
    const p = portOf(s);
    if (p === undefined) return `unable to parse "${s}" as a port`;
    out.push(p);
  }
  return out;
}

/** An upgrade request for a pod's portforward: WebSocket (either protocol) or SPDY. */
export function handlePortForward(req: IncomingMessage, socket: Duplex, head: Buffer, q: URLSearchParams, t: PortForwardTarget): void {
  const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
  if (upgrade === 'websocket') {
    aliasSpdyProtocol(req);
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (ws.protocol === SPDY_ALIAS) {
        serveSpdy(createWebSocketStream(ws), t);
        return;
      }
      const ports = parsePorts(q);
      if (typeof ports === 'string') { ws.close(1008, ports); return; }
      serveChannels(ws, ports, t);
    });
    return;
  }
  const offered = String(req.headers['x-stream-protocol-version'] ?? '').split(',').map((s) => s.trim());
  if (upgrade !== 'spdy/3.1') return reject(socket, 400, 'Bad Request', `unable to upgrade: unsupported upgrade "${req.headers.upgrade ?? ''}"`);
  if (!offered.includes(SPDY_PROTOCOL)) {
    return reject(socket, 403, 'Forbidden', `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server supports [${SPDY_PROTOCOL}]`);
  }
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${SPDY_PROTOCOL}\r\n\r\n`);
  if (head.length) socket.unshift(head);
  serveSpdy(socket, t);
}
