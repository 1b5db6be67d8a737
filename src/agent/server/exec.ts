// `kubectl exec` over WebSocket (channel.k8s.io v5/v4): the API server pipes
// kubectl's upgraded connection here unchanged, so this speaks to kubectl
// directly. tty uses `script` for a pseudo-terminal; resizes are not applied.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { ProcessRunner } from '../runtime/process.js';
import { exitCodeOf } from '../runtime/process.js';
import { execArgv } from '../runtime/argv.js';
import type { ContainerRunner } from '../pod/container.js';
import { STDERR, STDIN, STDOUT, decodeFrame, encodeFrame, exitStatus, failureStatus, parseExecQuery } from './channel.js';
import { announceStreams, channelWss, sendStatus } from './channel-ws.js';

export function handleExec(req: IncomingMessage, socket: Duplex, head: Buffer, q: URLSearchParams, container: ContainerRunner | undefined, runner: ProcessRunner): void {
  channelWss.handleUpgrade(req, socket, head, (ws) => runExec(ws, q, container, runner));
}

function runExec(ws: WebSocket, q: URLSearchParams, container: ContainerRunner | undefined, runner: ProcessRunner): void {
  const o = parseExecQuery(q);
  const protocol = ws.protocol;
  announceStreams(ws, o);
  const target = container?.execTarget();
  if (!container || !target) return sendStatus(ws, failureStatus(`container ${o.container ?? ''} is not running`));
  if (!o.command.length) return sendStatus(ws, failureStatus('you must specify at least one command for the container'));
  const h = runner.start({ argv: execArgv(target, container.identity, o.command, o.tty), env: container.env, stdin: o.stdin, nice: container.nice });
  h.stdin?.on('error', () => { /* process ended first */ });
  const pump = (s: NodeJS.ReadableStream | null, ch: number, on: boolean): Promise<void> =>
    new Promise((resolve) => {
      if (!s) return resolve();
      s.on('data', (c: Buffer) => { if (on && ws.readyState === ws.OPEN) ws.send(Buffer.from(encodeFrame(ch, c))); });
      s.on('end', resolve);
      s.on('error', () => resolve());
    });
  const outputs = Promise.all([pump(h.stdout, STDOUT, o.stdout), pump(h.stderr, o.tty ? STDOUT : STDERR, o.stderr)]);
  ws.on('message', (data: Buffer, isBinary) => {
    const bytes = isBinary ? new Uint8Array(data) : new Uint8Array(Buffer.from(data.toString()));
    const f = decodeFrame(bytes, protocol);
    if (f.kind === 'data' && f.channel === STDIN) h.stdin?.write(f.data);
    else if (f.kind === 'close' && f.channel === STDIN) h.stdin?.end();
  });
  let done = false;
  ws.on('close', () => { if (!done) h.kill('SIGKILL'); });
  void h.exited.then(async (info) => {
    await Promise.race([outputs, new Promise((r) => setTimeout(r, 2000))]);
    done = true;
    if (ws.readyState === ws.OPEN) sendStatus(ws, exitStatus(exitCodeOf(info), o.command));
  });
}
