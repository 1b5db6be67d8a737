// How RestClient's requests reach the API server. Over TLS: one HTTP/2 connection that
// carries every request and watch of the client, as client-go's transport does, so a
// burst of requests opens no connections (over HTTP/1.1 each one beyond the sockets
// already open paid a TLS handshake at both ends). Over the API server's Unix socket
// (its in-process controllers): plain HTTP/1.1 with keep-alive, where connecting is cheap.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { connect, constants, type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import type { SecureContext } from 'node:tls';
import type { Readable } from 'node:stream';

export interface Exchange {
  /** Ends the exchange early; neither callback fires afterwards. */
  abort(): void;
}

export interface ExchangeCallbacks {
  onResponse(status: number, body: Readable): void;
  onError(e: Error): void;
}

export interface Transport {
  /** `stream`: a long answer (a watch) that must not hold up short requests. `idleMs`: abort after this long without traffic. */
  open(method: string, path: string, headers: Record<string, string | number>, body: string | undefined, cb: ExchangeCallbacks, o: { stream?: boolean; idleMs?: number }): Exchange;
  /** Requests and watches sent and not yet ended. */
  inFlight(): number;
  close(): void;
}

/** Go's HTTP/2 transport flow-control windows (4 MiB per stream); lists of thousands of objects come in one window round. */
const STREAM_WINDOW = 4 << 20;
const SESSION_WINDOW = 64 << 20;
/** A connection's client stream ids (odd, below 2^31) run out after about 2^30 streams; move to a new one well before. */
const STREAMS_PER_SESSION = 1_000_000_000;

/** The current connection and what rides on it. */
interface Connection {
  session: ClientHttp2Session;
  /** Streams open now: the connection keeps the process alive only while there are any. */
  streams: number;
  /** Streams ever opened, against STREAMS_PER_SESSION. */
  opened: number;
}

export class Http2Transport implements Transport {
  private conn: Connection | undefined;
  private inFlightCount = 0;
  private closed = false;

  constructor(private readonly server: string, private readonly secureContext: SecureContext) {}

  open(method: string, path: string, headers: Record<string, string | number>, body: string | undefined, cb: ExchangeCallbacks, o: { idleMs?: number }): Exchange {
    let done = false;
    if (this.closed) {
      queueMicrotask(() => cb.onError(new Error(`${method} ${path}: client closed`)));
      return { abort: () => {} };
    }
    const conn = this.connected();
    let stream: ClientHttp2Stream;
    try {
      // http2 lowercases header names itself.
      stream = conn.session.request({ ':method': method, ':path': path, ...headers }, { endStream: body === undefined });
    } catch (e) {
      this.drop(conn.session);
      queueMicrotask(() => cb.onError(e as Error));
      return { abort: () => {} };
    }
    this.track(conn, stream);
    const fail = (e: Error): void => {
      if (done) return;
      done = true;
      cb.onError(e);
    };
    stream.on('response', (h) => {
      if (done) return;
      done = true;
      cb.onResponse(Number(h[':status'] ?? 0), stream);
    });
    stream.on('error', fail);
    // A stream reset without an error (RST_STREAM NO_ERROR, the session going away) still ends it.
    stream.on('close', () => fail(new Error(`${method} ${path}: stream closed (code ${stream.rstCode})`)));
    if (o.idleMs) stream.setTimeout(o.idleMs, () => { fail(new Error(`${method} ${path}: timed out`)); stream.close(constants.NGHTTP2_CANCEL); });
    if (body !== undefined) stream.end(body);
    return { abort: () => { done = true; stream.close(constants.NGHTTP2_CANCEL); } };
  }

  inFlight(): number {
    return this.inFlightCount;
  }

  close(): void {
    this.closed = true;
    this.conn?.session.destroy();
    this.conn = undefined;
  }

  private connected(): Connection {
    if (this.conn && !this.conn.session.closed && !this.conn.session.destroyed) return this.conn;
    const s = connect(this.server, { secureContext: this.secureContext, settings: { initialWindowSize: STREAM_WINDOW, enablePush: false } });
    s.on('connect', () => s.setLocalWindowSize(SESSION_WINDOW));
    // Each stream reports the failure to its caller; the next request connects afresh.
    s.on('error', () => this.drop(s));
    s.on('goaway', () => this.drop(s));
    s.on('close', () => this.drop(s));
    // Like an idle keep-alive socket, an idle connection does not keep the process alive.
    s.unref();
    return (this.conn = { session: s, streams: 0, opened: 0 });
  }

  private track(conn: Connection, stream: ClientHttp2Stream): void {
    this.inFlightCount++;
    if (conn.streams++ === 0) conn.session.ref();
    stream.on('close', () => {
      this.inFlightCount--;
      if (--conn.streams === 0) conn.session.unref();
    });
    // Its open streams finish; new requests go to a new connection.
    if (++conn.opened >= STREAMS_PER_SESSION) { this.drop(conn.session); conn.session.close(); }
  }

  private drop(s: ClientHttp2Session): void {
    if (this.conn?.session === s) this.conn = undefined;
  }
}

export class UnixSocketTransport implements Transport {
  private readonly agent = new HttpAgent({ keepAlive: true, maxSockets: 16 });
  private inFlightCount = 0;

  constructor(private readonly socketPath: string, private readonly host: string) {}

  open(method: string, path: string, headers: Record<string, string | number>, body: string | undefined, cb: ExchangeCallbacks, o: { stream?: boolean; idleMs?: number }): Exchange {
    let done = false;
    // Watches get their own connection so a long stream never blocks short requests.
    const req = httpRequest({ socketPath: this.socketPath, path, method, agent: o.stream ? false : this.agent, headers: { ...headers, Host: this.host } }, (res: IncomingMessage) => {
      if (done) return;
      done = true;
      cb.onResponse(res.statusCode ?? 0, res);
    });
    this.inFlightCount++;
    req.on('close', () => this.inFlightCount--);
    req.on('error', (e) => { if (!done) { done = true; cb.onError(e); } });
    if (o.idleMs) req.setTimeout(o.idleMs, () => req.destroy(new Error(`${method} ${path}: timed out`)));
    req.end(body);
    return { abort: () => { done = true; req.destroy(); } };
  }

  inFlight(): number {
    return this.inFlightCount;
  }

  close(): void {
    this.agent.destroy();
  }
}
