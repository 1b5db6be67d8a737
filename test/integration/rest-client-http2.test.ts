// The REST client speaks HTTP/2 to the API server over one connection (as client-go
// does), the API server still serves HTTP/1.1 clients (exec's upgrades need it), and
// the client survives a connection or stream the server ends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { request as httpsRequest, createServer as createHttpsServer } from 'node:https';
import { connect as h2connect, createSecureServer, type Http2SecureServer, type Http2Session } from 'node:http2';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { startTestServer, type TestServer } from '../support/server.js';
import { RestClient } from '../../src/client/rest.js';
import { ensureCredentials } from '../../src/apiserver/auth/pki.js';
import { ALPN_PROTOCOLS, serveHttp2Beside } from '../../src/apiserver/http/alpn.js';

let srv: TestServer;
let pkiDir: string;

before(async () => { srv = await startTestServer(); pkiDir = mkdtempSync(join(tmpdir(), 'kubesvc-h2-')); });
after(async () => { await srv?.stop(); rmSync(pkiDir, { recursive: true, force: true }); });

const port = (url: string): number => Number(new URL(url).port);

/** Established TCP connections whose local port is `p`: the server's ends of its clients' connections. */
function serverSideConnections(p: number): number {
  const hex = p.toString(16).toUpperCase().padStart(4, '0');
  return readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)
    .filter((l) => { const f = l.trim().split(/\s+/); return f[1]?.endsWith(`:${hex}`) && f[3] === '01'; }).length;
}

function negotiated(url: string, offer: string[]): Promise<string | false> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port: port(url), ca: srv.caCert, ALPNProtocols: offer }, () => { resolve(s.alpnProtocol ?? false); s.end(); });
    s.on('error', reject);
  });
}

test('the API server offers h2 first and still speaks HTTP/1.1 to clients that offer only that', async () => {
  assert.equal(await negotiated(srv.url, ['h2', 'http/1.1']), 'h2');
  assert.equal(await negotiated(srv.url, ['http/1.1']), 'http/1.1');
  const status = await new Promise<number>((resolve, reject) => {
    const req = httpsRequest(`${srv.url}/api/v1/namespaces`, { ca: srv.caCert, agent: false, headers: { Authorization: `Bearer ${srv.token}` } }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
    req.on('error', reject);
    req.end();
  });
  assert.equal(status, 200);
});

test('forty requests at once and three watches share one connection', async () => {
  const before = serverSideConnections(port(srv.url));
  const c = new RestClient({ server: srv.url, token: srv.token, caCert: srv.caCert });
  const watches: { close(): void }[] = [];
  try {
    const seen = Promise.all(Array.from({ length: 3 }, () => new Promise<string>((resolve, reject) => {
      watches.push(c.watch('/api/v1/namespaces?watch=true', (e) => resolve(e.type), (err) => err && reject(err)));
    })));
    const all = await Promise.all(Array.from({ length: 40 }, () => c.get<{ items: unknown[] }>('/api/v1/namespaces')));
    assert.ok(all.every((l) => l.items.length >= 4));
    assert.deepEqual(await seen, ['ADDED', 'ADDED', 'ADDED']);
    assert.equal(serverSideConnections(port(srv.url)) - before, 1);
  } finally {
    for (const w of watches) w.close();
    c.close();
  }
});

/** A bare HTTP/2 server with the cluster's kind of credentials, to end connections and streams at will. */
async function bareServer(onStream: (session: Http2Session, path: string, respond: (status: number, body: string, end?: boolean) => void) => void): Promise<{ url: string; caCert: string; server: Http2SecureServer; sessions: () => number }> {
  const creds = await ensureCredentials(pkiDir, ['127.0.0.1']);
  const server = createSecureServer({ cert: creds.cert, key: creds.key });
  let sessions = 0;
  server.on('session', () => { sessions++; });
  server.on('stream', (stream, headers) => {
    onStream(stream.session!, String(headers[':path']), (status, body, end = true) => {
      stream.respond({ ':status': status, 'content-type': 'application/json' });
      if (end) stream.end(body); else stream.write(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, caCert: creds.caCert, server, sessions: () => sessions };
}

test('a connection the server ends is replaced by a new one for the next request', async () => {
  const b = await bareServer((session, _path, respond) => { respond(200, '{"kind":"Status"}'); setImmediate(() => session.destroy()); });
  const c = new RestClient({ server: b.url, token: 't', caCert: b.caCert });
  try {
    assert.equal((await c.get('/x')).kind, 'Status');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await c.get('/y')).kind, 'Status');
    assert.equal(b.sessions(), 2);
  } finally {
    c.close();
    b.server.close();
  }
});

test('a watch whose stream the server resets reports its end; a request on a reset stream is an error', async () => {
  const b = await bareServer((session, path, respond) => {
    if (path.startsWith('/watch')) {
      respond(200, '{"type":"ADDED","object":{"kind":"Pod"}}\n', false);
      setTimeout(() => session.destroy(), 20);
    }
    // '/hang': never answered; the server resets it.
  });
  b.server.on('stream', (stream, headers) => { if (String(headers[':path']) === '/hang') setTimeout(() => stream.close(0x8), 20); });
  const c = new RestClient({ server: b.url, token: 't', caCert: b.caCert });
  try {
    const events: string[] = [];
    const end = await new Promise<Error | undefined | 'no-close'>((resolve) => {
      c.watch('/watch', (e) => events.push(e.type), (err) => resolve(err));
      setTimeout(() => resolve('no-close'), 3000);
    });
    assert.notEqual(end, 'no-close');
    assert.deepEqual(events, ['ADDED']);
    await assert.rejects(c.get('/hang'), /closed|cancel/i);
  } finally {
    c.close();
    b.server.close();
  }
});

test('an idle client does not keep its process alive; one waiting for an answer does', async () => {
  const script = `
    import { RestClient } from ${JSON.stringify(fileURLToPath(new URL('../../src/client/rest.js', import.meta.url)))};
    const c = new RestClient({ server: process.env.URL, token: process.env.TOKEN, caCert: process.env.CA });
    const l = await c.get('/api/v1/namespaces');
    console.log(l.items.length > 0 ? 'listed' : 'empty');
  `;
  const started = Date.now();
  const out = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
    const p = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, URL: srv.url, TOKEN: srv.token, CA: srv.caCert }, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.on('exit', (code) => resolve({ code, stdout }));
  });
  assert.equal(out.code, 0);
  assert.equal(out.stdout.trim(), 'listed');
  // The keep-alive timeout is 65 s: exiting well before means the idle connection did not hold the process.
  assert.ok(Date.now() - started < 20_000);
});

test('the API server ends an HTTP/2 connection idle past the keep-alive timeout, not one holding a stream', async () => {
  const creds = await ensureCredentials(pkiDir, ['127.0.0.1']);
  const server = createHttpsServer({ cert: creds.cert, key: creds.key, ALPNProtocols: ALPN_PROTOCOLS });
  // '/hold' is answered but never ended, as a quiet watch.
  serveHttp2Beside(server, (req, res) => { res.writeHead(200); if (req.url === '/hold') res.write('{}'); else res.end('{}'); }, 200);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const idle = h2connect(url, { ca: creds.caCert });
  const holding = h2connect(url, { ca: creds.caCert });
  try {
    const idleGone = new Promise<void>((r) => idle.once('goaway', () => r()));
    await new Promise<void>((r) => idle.request({ ':path': '/' }).on('end', r).resume());
    const held = holding.request({ ':path': '/hold' });
    held.resume();
    await new Promise((r) => held.once('response', r));
    let holdingGone = false;
    holding.once('goaway', () => { holdingGone = true; });
    await idleGone;
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(holdingGone, false);
    held.close();
  } finally {
    idle.destroy();
    holding.destroy();
    server.closeAllConnections();
    server.close();
  }
});

test('the API server closes while HTTP/2 clients on each of its addresses keep reconnecting', async () => {
  // Each listener stops accepting before any connection is ended, and a session that finishes its
  // handshake after that is ended at once.
  const s2 = await startTestServer({ listen: ['127.0.0.1:0', '127.0.0.2:0'] });
  const script = `
    import { RestClient } from ${JSON.stringify(fileURLToPath(new URL('../../src/client/rest.js', import.meta.url)))};
    const c = new RestClient({ server: process.env.URL, token: process.env.TOKEN, caCert: process.env.CA });
    let ok = 0;
    for (;;) { try { await c.get('/api/v1/namespaces'); if (ok++ === 0) console.log('up'); } catch { await new Promise((r) => setImmediate(r)); } }
  `;
  const clients = s2.urls.map((url) => spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, URL: url, TOKEN: s2.token, CA: s2.caCert }, stdio: ['ignore', 'pipe', 'inherit'] }));
  try {
    await Promise.all(clients.map((p) => new Promise((r) => p.stdout!.once('data', r))));
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([s2.stop().then(() => 'closed'), new Promise((r) => { timer = setTimeout(() => r('still open after 10 s'), 10_000); })]);
    clearTimeout(timer);
    assert.equal(outcome, 'closed');
  } finally {
    for (const p of clients) p.kill('SIGKILL');
  }
});
