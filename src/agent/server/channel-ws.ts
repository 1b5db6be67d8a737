// The WebSocket side of channel.k8s.io shared by exec and attach: one server for
// upgrades (v5 preferred over v4), the opening message, and the closing Status.
import { WebSocketServer, type WebSocket } from 'ws';
import { ERROR, STDERR, STDOUT, encodeFrame, selectProtocol } from './channel.js';

export const channelWss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => selectProtocol(offered) ?? false });

/** The first (empty) message on the lowest writable channel tells the client the streams are up. */
export function announceStreams(ws: WebSocket, o: { stdout: boolean; stderr: boolean }): void {
  ws.send(Buffer.from([o.stdout ? STDOUT : o.stderr ? STDERR : ERROR]));
}

/** The Status on the error channel, then a normal close. */
export function sendStatus(ws: WebSocket, status: Record<string, unknown>): void {
  ws.send(Buffer.from(encodeFrame(ERROR, Buffer.from(JSON.stringify(status)))));
  ws.close(1000);
}
