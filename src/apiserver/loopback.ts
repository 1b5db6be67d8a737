// The in-process controllers' way in: plain HTTP over a Unix socket in the
// server's own 0700 data directory. Over TLS to its own address the process
// paid both ends of every handshake (2.5–5 ms of CPU per connection on the
// machines measured, 16 of them in a burst) and of every record, for bytes that
// never leave it. The bearer token is still checked on every request.
import { createServer, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** sun_path holds 108 bytes with its NUL; a longer path keeps the controllers on TLS. */
const MAX_SOCKET_PATH = 107;

export interface Loopback {
  socketPath: string;
  close(): Promise<void>;
}

export async function listenLoopback(dataDir: string, options: ServerOptions, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Loopback | undefined> {
  const socketPath = join(dataDir, 'apiserver.sock');
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) return undefined;
  // A crashed run's socket file would make listen fail.
  rmSync(socketPath, { force: true });
  const srv: Server = createServer(options, handler);
  await new Promise<void>((res, rej) => {
    srv.once('error', rej);
    srv.listen(socketPath, () => res());
  });
  chmodSync(socketPath, 0o600);
  return {
    socketPath,
    async close() {
      srv.closeAllConnections();
      await new Promise<void>((res) => srv.close(() => res()));
      rmSync(socketPath, { force: true });
    },
  };
}
