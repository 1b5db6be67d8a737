// The server side of a SPDY/3.1 connection and port-forward's stream pairing,
// over loopback TCP, against a client made of the same codec (kubectl itself is
// the client in test/e2e/cluster-e2e-port-forward.test.ts).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { FLAG_FIN, FrameReader, FrameType, RST, encodeControl, encodeData, encodeHeaderBlock, decodeHeaderBlock, ping, rstStream, type Frame, type Headers } from '../../src/util/spdy/frames.js';
import { HeaderCompressor, HeaderDecompressor } from '../../src/util/spdy/header-zlib.js';
import { SpdySession, type SpdyStream } from '../../src/util/spdy/session.js';
import { serveSpdy, parsePorts, type PortForwardTarget } from '../../src/agent/server/portforward.js';

/** A SPDY client: opens streams, sends data, and records every frame the server sends (reply headers decoded). */
class Client {
  readonly frames: (Frame & { headers?: Headers })[] = [];
  private readonly reader = new FrameReader();
  private readonly deflate = new HeaderCompressor();
  private readonly inflate = new HeaderDecompressor();
  private chain = Promise.resolve();
  private waiters: (() => void)[] = [];
  closed = false;

  constructor(readonly sock: Socket) {
    sock.on('data', (b: Buffer) => {
      for (const f of this.reader.push(b)) {
        this.chain = this.chain.then(async () => {
          const rec: Frame & { headers?: Headers } = f;
          if (f.kind === 'control' && f.type === FrameType.SynReply) rec.headers = decodeHeaderBlock(await this.inflate.run(f.payload.subarray(4)));
          this.frames.push(rec);
          this.waiters.splice(0).forEach((w) => w());
        });
      }
    });
    sock.on('close', () => { this.closed = true; this.waiters.splice(0).forEach((w) => w()); });
  }

  async open(id: number, headers: Headers, flags = 0): Promise<void> {
    const block = await this.deflate.run(encodeHeaderBlock(headers));
    const fixed = Buffer.alloc(10);
    fixed.writeUInt32BE(id, 0);
    this.sock.write(encodeControl(FrameType.SynStream, flags, Buffer.concat([fixed, block])));
  }

  send(b: Buffer): void { this.sock.write(b); }

  /** Waits until pred holds over the frames received so far. */
  async until<T>(what: string, pred: () => T | undefined): Promise<T> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const v = pred();
      if (v !== undefined) return v;
      if (this.closed || Date.now() > deadline) throw new Error(`${what}: not seen in ${JSON.stringify(this.frames.map((f) => f.kind === 'data' ? ['data', f.streamId, f.flags, f.data.toString()] : ['control', f.type, f.payload.toString('hex')]))}`);
      await new Promise<void>((r) => { this.waiters.push(r); setTimeout(r, 50); });
    }
  }

  data(id: number): string { return this.frames.filter((f) => f.kind === 'data' && f.streamId === id).map((f) => (f as { data: Buffer }).data.toString()).join(''); }
  fin(id: number): boolean { return this.frames.some((f) => f.kind === 'data' && f.streamId === id && (f.flags & FLAG_FIN) !== 0); }
  control(type: number, id?: number): Buffer | undefined {
    const f = this.frames.find((x) => x.kind === 'control' && x.type === type && (id === undefined || x.payload.readUInt32BE(0) === id));
    return f?.kind === 'control' ? f.payload : undefined;
  }

  close(): void { this.deflate.close(); this.inflate.close(); this.sock.destroy(); }
}

async function listen(onConn: (s: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer(onConn);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

const dial = (port: number): Promise<Socket> => new Promise((r) => { const s = connect(port, '127.0.0.1', () => r(s)); });

describe('SPDY session (server side)', () => {
  let srv: { server: Server; port: number };
  const streams: SpdyStream[] = [];
  let onStream: (s: SpdyStream) => void = () => undefined;

  before(async () => { srv = await listen((sock) => new SpdySession(sock, { onStream: (s) => { streams.push(s); onStream(s); } })); });
  after(() => srv.server.close());

  it('replies to a stream, carries data both ways and half-closes each side with FIN', async () => {
    const c = new Client(await dial(srv.port));
    const got: string[] = [];
    let ended = false;
    onStream = (s) => {
      void s.reply();
      s.on('data', (b: Buffer) => got.push(b.toString()));
      s.on('end', () => { ended = true; s.end('bye'); });
    };
    await c.open(1, { streamtype: ['data'], port: ['80'] });
    await c.until('SYN_REPLY', () => c.frames.find((f) => f.kind === 'control' && f.type === FrameType.SynReply));
    assert.deepEqual(streams.at(-1)!.headers, { streamtype: ['data'], port: ['80'] });
    c.send(encodeData(1, 0, Buffer.from('hello ')));
    c.send(encodeData(1, FLAG_FIN, Buffer.from('world')));
    await c.until('FIN back', () => (c.fin(1) ? true : undefined));
    assert.deepEqual([got.join(''), ended, c.data(1)], ['hello world', true, 'bye']);
    c.close();
  });

  it('echoes the client\'s PINGs (odd IDs) only', async () => {
    const c = new Client(await dial(srv.port));
    c.send(ping(2));
    c.send(ping(3));
    const echoed = await c.until('PING 3', () => c.control(FrameType.Ping, 3));
    assert.deepEqual([...echoed], [0, 0, 0, 3]);
    assert.equal(c.control(FrameType.Ping, 2), undefined);
    c.close();
  });

  it('a client RST_STREAM destroys the stream; a stream ID that does not increase is refused with PROTOCOL_ERROR', async () => {
    const c = new Client(await dial(srv.port));
    let closed = false;
    onStream = (s) => { void s.reply(); s.on('close', () => { closed = true; }); };
    await c.open(5, { a: ['1'] });
    await c.until('reply', () => c.control(FrameType.SynReply, 5));
    c.send(rstStream(5, RST.CANCEL));
    await c.until('stream closed', () => (closed ? true : undefined));
    await c.open(3, { a: ['2'] });
    const rst = await c.until('RST for 3', () => c.control(FrameType.RstStream, 3));
    assert.equal(rst.readUInt32BE(4), RST.PROTOCOL_ERROR);
    c.close();
  });

  it('a header block that is not zlib ends the connection with GOAWAY PROTOCOL_ERROR', async () => {
    const c = new Client(await dial(srv.port));
    const fixed = Buffer.alloc(10);
    fixed.writeUInt32BE(1, 0);
    c.send(encodeControl(FrameType.SynStream, 0, Buffer.concat([fixed, Buffer.from('not zlib at all')])));
    const g = await c.until('GOAWAY', () => c.control(FrameType.GoAway));
    assert.equal(g.readUInt32BE(4), 1);
    c.close();
  });
});

describe('port-forward over SPDY (stream pairs)', () => {
  let echo: { server: Server; port: number };
  let pf: { server: Server; port: number };
  const target = (): PortForwardTarget => ({
    sandbox: 'ksvc-test-pod', uid: 'u-1',
    connect: (port) => new Promise((resolve, reject) => {
      // The pod's loopback is this process's: the echo server, or a refusal for any other port.
      const s = connect(port === 7000 ? echo.port : 1, '127.0.0.1');
      s.once('connect', () => resolve(s));
      s.once('error', (e: NodeJS.ErrnoException) => reject(new Error(`connect: ${e.code === 'ECONNREFUSED' ? 'connection refused' : e.message}`)));
    }),
  });

  before(async () => {
    echo = await listen((s) => s.pipe(s));
    pf = await listen((s) => { serveSpdy(s, target()); });
  });
  after(() => { echo.server.close(); pf.server.close(); });

  it('an error and a data stream with one requestid forward one connection; the error stream ends empty', async () => {
    const c = new Client(await dial(pf.port));
    await c.open(1, { streamtype: ['error'], port: ['7000'], requestid: ['0'] }, FLAG_FIN);
    await c.open(3, { streamtype: ['data'], port: ['7000'], requestid: ['0'] });
    await c.until('both replies', () => (c.control(FrameType.SynReply, 1) && c.control(FrameType.SynReply, 3) ? true : undefined));
    c.send(encodeData(3, FLAG_FIN, Buffer.from('round trip')));
    await c.until('data FIN', () => (c.fin(3) && c.fin(1) ? true : undefined));
    assert.deepEqual([c.data(3), c.data(1)], ['round trip', '']);
    c.close();
  });

  it('pairs streams of old clients by stream ID (error n, data n+2), and refuses streams without a valid port or type', async () => {
    const c = new Client(await dial(pf.port));
    await c.open(1, { streamtype: ['error'], port: ['7000'] }, FLAG_FIN);
    await c.open(3, { streamtype: ['data'], port: ['7000'] });
    c.send(encodeData(3, FLAG_FIN, Buffer.from('legacy')));
    await c.until('echo', () => (c.fin(3) ? true : undefined));
    assert.equal(c.data(3), 'legacy');
    await c.open(5, { streamtype: ['data'], port: ['0'] });
    await c.open(7, { streamtype: ['bogus'], port: ['7000'] });
    await c.until('two resets', () => (c.control(FrameType.RstStream, 5) && c.control(FrameType.RstStream, 7) ? true : undefined));
    c.close();
  });

  it('a refused port: the error stream carries the kubelet\'s message, then both streams end', async () => {
    const c = new Client(await dial(pf.port));
    await c.open(1, { streamtype: ['error'], port: ['7999'], requestid: ['4'] }, FLAG_FIN);
    await c.open(3, { streamtype: ['data'], port: ['7999'], requestid: ['4'] });
    await c.until('error FIN', () => (c.fin(1) && c.fin(3) ? true : undefined));
    assert.equal(c.data(1), 'error forwarding port 7999 to pod ksvc-test-pod, uid u-1: failed to connect to localhost:7999 inside namespace "ksvc-test-pod", IPv4: dial tcp4 127.0.0.1:7999: connect: connection refused');
    c.close();
  });
});

describe('port-forward over SPDY: a client that resets its streams early', () => {
  it('the error stream reset before the refusal is written: no crash, the data stream still ends', async () => {
    const pf = await listen((sock) => { serveSpdy(sock, { sandbox: 's', uid: 'u', connect: () => new Promise((_r, reject) => setTimeout(() => reject(new Error('connect: connection refused')), 50)) }); });
    try {
      const c = new Client(await dial(pf.port));
      await c.open(1, { streamtype: ['error'], port: ['7999'], requestid: ['0'] }, FLAG_FIN);
      await c.open(3, { streamtype: ['data'], port: ['7999'], requestid: ['0'] });
      await c.until('replies', () => (c.control(FrameType.SynReply, 3) ? true : undefined));
      c.send(rstStream(1, RST.CANCEL));
      await c.until('data FIN', () => (c.fin(3) ? true : undefined));
      assert.equal(c.data(1), '', 'nothing written to the reset stream');
      c.close();
    } finally {
      pf.server.close();
    }
  });
});

describe('v4 WebSocket port list', () => {
  it('takes repeated and comma-separated ports and words bad ones as the kubelet does', () => {
    assert.deepEqual(parsePorts(new URLSearchParams('ports=80&ports=81,82')), [80, 81, 82]);
    assert.equal(parsePorts(new URLSearchParams('')), 'query parameter "ports" is required');
    assert.equal(parsePorts(new URLSearchParams('ports=0')), 'unable to parse "0" as a port');
    assert.equal(parsePorts(new URLSearchParams('ports=http')), 'unable to parse "http" as a port');
  });
});
