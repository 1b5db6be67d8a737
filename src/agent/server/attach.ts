// `kubectl attach` and `kubectl run -it` over WebSocket (channel.k8s.io v5/v4):
// the container's main process, joined from now on. Its output goes to the
// client as it comes (with tty, all on stdout, as a terminal merges them); the
// client's stdin goes to the process when the container has `stdin: true`. The
// session ends with a Success status when the process exits, or when the client
// leaves (the process keeps running).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { ContainerRunner } from '../pod/container.js';
import { STDERR, STDIN, STDOUT, decodeFrame, encodeFrame, failureStatus, parseExecQuery } from './channel.js';
import { announceStreams, channelWss, sendStatus } from './channel-ws.js';

export function handleAttach(req: IncomingMessage, socket: Duplex, head: Buffer, q: URLSearchParams, container: ContainerRunner | undefined): void {
  channelWss.handleUpgrade(req, socket, head, (ws) => runAttach(ws, q, container));
}

function runAttach(ws: WebSocket, q: URLSearchParams, container: ContainerRunner | undefined): void {
  const o = parseExecQuery(q);
  announceStreams(ws, o);
  const a = container?.attachPoint();
  if (!container || !a) return sendStatus(ws, failureStatus(`container ${o.container ?? container?.spec.name ?? ''} is not running`));
  const stdin = o.stdin ? a.claimStdin() : undefined;
  const off = a.subscribe((stream, chunk) => {
    if (ws.readyState !== ws.OPEN || !(stream === 'stdout' ? o.stdout : o.stderr)) return;
    ws.send(Buffer.from(encodeFrame(stream === 'stderr' && !a.tty ? STDERR : STDOUT, Buffer.from(chunk))));
  });
  ws.on('message', (data: Buffer, isBinary) => {
    const f = decodeFrame(isBinary ? new Uint8Array(data) : new Uint8Array(Buffer.from(data.toString())), ws.protocol);
    if (f.kind === 'data' && f.channel === STDIN) stdin?.write(f.data);
    else if (f.kind === 'close' && f.channel === STDIN) stdin?.release();
  });
  ws.on('close', () => { off(); stdin?.release(); });
  void a.exited.then(() => {
    off();
    // The last output is delivered by the pipes' data events before their end; give them a turn.
    setImmediate(() => { if (ws.readyState === ws.OPEN) sendStatus(ws, { metadata: {}, status: 'Success' }); });
  });
}
