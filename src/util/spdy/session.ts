// The server side of a SPDY/3.1 connection, as moby/spdystream's peers expect
// it: the client opens streams (odd IDs), the server answers each with
// SYN_REPLY or RST_STREAM, both sides half-close with FIN, PINGs are echoed,
// GOAWAY ends the connection once its streams are done. spdystream keeps no
// flow-control windows (it never sends WINDOW_UPDATE), so neither do we; TCP's
// backpressure (a paused transport, a write waiting for drain) bounds memory.
import { Duplex } from 'node:stream';
import { HeaderCompressor, HeaderDecompressor } from './header-zlib.js';
import {
  FLAG_FIN, FLAG_UNIDIRECTIONAL, FrameReader, FrameType, GOAWAY, MAX_PAYLOAD, RST, SpdyProtocolError, VERSION,
  decodeHeaderBlock, encodeControl, encodeData, encodeHeaderBlock, goAway, parseSynStream, parseWords, ping, rstStream,
  synReplyPrefix, type Frame, type Headers,
} from './frames.js';

/** One stream: readable is what the client sends, writable goes back to it; end() sends FIN. */
export class SpdyStream extends Duplex {
  private localFin = false;
  private remoteFin = false;
  private wasReset = false;

  constructor(private readonly session: SpdySession, readonly id: number, readonly headers: Headers) {
    super({ allowHalfOpen: true });
  }

  /** The first value of a header, or ''. */
  header(name: string): string { return this.headers[name.toLowerCase()]?.[0] ?? ''; }

  /** Accepts the stream (SYN_REPLY with no headers). */
  reply(): Promise<void> { return this.session.sendReply(this.id); }

  /** Refuses or abandons the stream (RST_STREAM). */
  reset(status: number = RST.CANCEL): void {
    if (this.wasReset) return;
    this.wasReset = true;
    this.session.sendReset(this.id, status);
    this.destroy();
  }

  /** The client's data, FIN or RST (from the session). */
  onData(data: Buffer, fin: boolean): boolean {
    let more = true;
    if (data.length && !this.remoteFin) more = this.push(data);
    if (fin && !this.remoteFin) { this.remoteFin = true; this.push(null); }
    return more;
  }

  onReset(): void {
    this.wasReset = true;
    this.destroy();
  }

  override _read(): void { this.session.resumeInput(); }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.session.sendData(this.id, chunk, false).then(() => cb(), cb);
  }

  override _final(cb: (e?: Error | null) => void): void {
    this.localFin = true;
    this.session.sendData(this.id, Buffer.alloc(0), true).then(() => cb(), cb);
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    if (!this.wasReset && !(this.localFin && this.remoteFin)) { this.wasReset = true; this.session.sendReset(this.id, RST.CANCEL); }
    this.session.forget(this.id);
    cb(err);
  }
}

export interface SpdySessionOptions {
  /** A new stream from the client: reply() to accept it, reset() to refuse it. */
  onStream(stream: SpdyStream): void;
}

export class SpdySession {
  private readonly reader = new FrameReader();
  private readonly inflate = new HeaderDecompressor();
  private readonly deflate = new HeaderCompressor();
  private readonly streams = new Map<number, SpdyStream>();
  private inbound: Promise<void> = Promise.resolve();
  private outbound: Promise<void> = Promise.resolve();
  private lastClientId = 0;
  private goingAway = false;
  private closed = false;

  constructor(private readonly transport: Duplex, private readonly o: SpdySessionOptions) {
    transport.on('data', (chunk: Buffer) => {
      let frames: Frame[];
      try { frames = this.reader.push(chunk); } catch (e) { return this.fail(e as Error); }
      for (const f of frames) this.inbound = this.inbound.then(() => this.handle(f)).catch((e: Error) => this.fail(e));
    });
    transport.on('error', () => this.shutdown());
    transport.on('close', () => this.shutdown());
    transport.on('end', () => this.shutdown());
  }

  /** Streams still open. */
  get size(): number { return this.streams.size; }

  /** Sends GOAWAY and ends the connection. */
  close(): void {
    if (this.closed) return;
    this.goingAway = true;
    this.enqueue(() => goAway(this.lastClientId, GOAWAY.OK)).finally(() => this.transport.end());
    for (const s of this.streams.values()) s.destroy();
  }

  private async handle(f: Frame): Promise<void> {
    if (this.closed) return;
    if (f.kind === 'data') {
      const s = this.streams.get(f.streamId);
      if (s && !s.onData(f.data, (f.flags & FLAG_FIN) !== 0)) this.transport.pause();
      return;
    }
    if (f.version !== VERSION) throw new SpdyProtocolError(`unsupported SPDY version ${f.version}`);
    switch (f.type) {
      case FrameType.SynStream: return this.onSynStream(f.payload, f.flags);
      case FrameType.Headers:
        // Ignored, but its block still advances the shared zlib context.
        await this.headerBlock(f.payload.subarray(4));
        return;
      case FrameType.RstStream: {
        const [id] = parseWords(f.payload, 2, 'RST_STREAM');
        this.streams.get(id & 0x7fffffff)?.onReset();
        return;
      }
      case FrameType.Ping: {
        const [id] = parseWords(f.payload, 1, 'PING');
        if (id % 2 === 1) void this.enqueue(() => ping(id)); // the client's: echo; ours would be even
        return;
      }
      case FrameType.GoAway:
        this.goingAway = true;
        if (this.streams.size === 0) this.transport.end();
        return;
      default: // SETTINGS, WINDOW_UPDATE and unknown types carry nothing we act on
    }
  }

  private async onSynStream(payload: Buffer, flags: number): Promise<void> {
    const syn = parseSynStream(payload);
    const headers = await this.headerBlock(syn.block);
    if (syn.streamId % 2 !== 1 || syn.streamId <= this.lastClientId) {
      this.sendReset(syn.streamId, RST.PROTOCOL_ERROR);
      return;
    }
    this.lastClientId = syn.streamId;
    if (this.goingAway) { this.sendReset(syn.streamId, RST.REFUSED_STREAM); return; }
    const s = new SpdyStream(this, syn.streamId, headers);
    this.streams.set(s.id, s);
    if (flags & (FLAG_FIN | FLAG_UNIDIRECTIONAL)) s.onData(Buffer.alloc(0), true);
    this.o.onStream(s);
  }

  private async headerBlock(block: Buffer): Promise<Headers> {
    try {
      return decodeHeaderBlock(await this.inflate.run(block));
    } catch (e) {
      throw e instanceof SpdyProtocolError ? e : new SpdyProtocolError(`header block: ${(e as Error).message}`);
    }
  }

  sendReply(id: number): Promise<void> {
    return this.enqueue(async () => {
      const block = await this.deflate.run(encodeHeaderBlock({}));
      return encodeControl(FrameType.SynReply, 0, Buffer.concat([synReplyPrefix(id), block]));
    });
  }

  sendReset(id: number, status: number): void { void this.enqueue(() => rstStream(id, status)); }

  async sendData(id: number, data: Buffer, fin: boolean): Promise<void> {
    if (data.length === 0) return this.enqueue(() => encodeData(id, fin ? FLAG_FIN : 0, data));
    for (let off = 0; off < data.length; off += MAX_PAYLOAD) {
      const last = off + MAX_PAYLOAD >= data.length;
      await this.enqueue(() => encodeData(id, fin && last ? FLAG_FIN : 0, data.subarray(off, off + MAX_PAYLOAD)));
    }
  }

  forget(id: number): void {
    this.streams.delete(id);
    if (this.goingAway && this.streams.size === 0 && !this.closed) this.transport.end();
  }

  resumeInput(): void { if (!this.closed) this.transport.resume(); }

  /** Frames leave in the order they were queued; a full transport holds the queue until it drains. */
  private enqueue(make: () => Buffer | Promise<Buffer>): Promise<void> {
    const next = this.outbound.then(async () => {
      if (this.closed) return;
      const bytes = await make();
      if (this.closed || this.transport.write(bytes)) return;
      await new Promise<void>((resolve) => {
        const done = (): void => { this.transport.off('drain', done); this.transport.off('close', done); resolve(); };
        this.transport.on('drain', done);
        this.transport.on('close', done);
      });
    });
    this.outbound = next.catch(() => undefined);
    return next;
  }

  private fail(e: Error): void {
    if (this.closed) return;
    const status = e instanceof SpdyProtocolError ? GOAWAY.PROTOCOL_ERROR : GOAWAY.INTERNAL_ERROR;
    this.goingAway = true;
    void this.enqueue(() => goAway(this.lastClientId, status)).finally(() => this.transport.destroy());
  }

  private shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.streams.values()) s.destroy();
    this.streams.clear();
    this.inflate.close();
    this.deflate.close();
  }
}
