// Traffic generators that run INSIDE a client pod (`kubectl exec POD -- node traffic.js ...`,
// see trafficArgv): one line per event on stdout, stamped with Date.now() — the pod shares
// the host's clock, so a test can line events up with what it saw in the API.
//
//   connect HOST PORT MS [GAP]       an HTTP request on a NEW connection, back to back (GAP ms
//                                    apart), for MS ms:  `req <start> <end> ok <pod> <sport>` | `req <start> <end> err <code> <sport>`
//                                    (sport 0: not connected, or unknown)
//   udp HOST PORT MS GAP             one UDP socket (one source port) sending every GAP ms:
//                                    `src <port>` first, then `udp <t> <pod>` per reply
//   keepalive HOST PORT MS CONNS     CONNS keep-alive HTTP connections, each sending its next request
//                                    20 ms after the last reply (`ka <i> <t> <pod>`; `ka-open <i> <t> <localport>`,
//                                    `ka-end <i> <t> <why>`), plus the `connect` loop 5 ms apart
// Every mode ends with `done <t>`.
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';

const now = (): number => Date.now();
const out = (line: string): void => { process.stdout.write(`${line}\n`); };
const podOf = (s: string): string | undefined => /pod=(\S+) client=/.exec(s)?.[1];

/** argv that runs this file in a pod (the pod sees the host's filesystem). */
export function trafficArgv(...args: (string | number)[]): string[] {
  const js = fileURLToPath(new URL('./traffic.js', import.meta.url));
  const base = existsSync(js) ? [process.execPath, js] : [process.execPath, '--import', 'tsx', fileURLToPath(import.meta.url)];
  return [...base, ...args.map(String)];
}

function once(host: string, port: number): Promise<string> {
  const t0 = now();
  return new Promise((resolve) => {
    let settled = false, sport = 0;
    const end = (s: string): void => { if (!settled) { settled = true; resolve(`req ${t0} ${now()} ${s} ${sport}`); } };
    const req = request({ host, port, path: '/', agent: false, timeout: 3000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => { const pod = podOf(body); end(pod ? `ok ${pod}` : 'err BADREPLY'); });
      res.on('error', (e: NodeJS.ErrnoException) => end(`err ${e.code ?? e.message}`));
    });
    req.on('socket', (s) => s.once('connect', () => { sport = s.localPort ?? 0; }));
    req.on('timeout', () => { sport ||= req.socket?.localPort ?? 0; req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })); });
    req.on('error', (e: NodeJS.ErrnoException) => end(`err ${e.code ?? e.message}`));
    req.end();
  });
}

async function connectLoop(host: string, port: number, until: number, gap: number): Promise<void> {
  while (now() < until) {
    out(await once(host, port));
    if (gap) await new Promise((r) => setTimeout(r, gap));
  }
}

function udp(host: string, port: number, until: number, gap: number): Promise<void> {
  const s = createSocket('udp4');
  s.on('message', (m) => out(`udp ${now()} ${podOf(m.toString()) ?? 'BADREPLY'}`));
  s.on('error', (e: NodeJS.ErrnoException) => out(`udp-error ${now()} ${e.code ?? e.message}`));
  return new Promise((resolve) => {
    s.bind(0, () => {
      out(`src ${s.address().port}`);
      const timer = setInterval(() => {
        if (now() >= until) { clearInterval(timer); setTimeout(() => { s.close(); resolve(); }, 200); return; }
        s.send('ping', port, host);
      }, gap);
    });
  });
}

function keepalive(i: number, host: string, port: number, until: number): Promise<void> {
  return new Promise((resolve) => {
    const s: Socket = connect(port, host);
    let buf = '', ended = false;
    const finish = (why: string): void => { if (!ended) { ended = true; out(`ka-end ${i} ${now()} ${why}`); s.destroy(); resolve(); } };
    const ask = (): void => {
      if (now() >= until) { finish('deadline'); return; }
      s.write(`GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: keep-alive\r\n\r\n`);
    };
    s.setNoDelay(true);
    s.on('connect', () => { out(`ka-open ${i} ${now()} ${s.localPort}`); ask(); });
    s.on('data', (d) => {
      buf += d.toString('utf8');
      // One reply body per response; the stand-in's body is a single `pod=... client=...` line.
      let m: RegExpExecArray | null;
      while ((m = /pod=(\S+) client=\S+\n/.exec(buf))) {
        buf = buf.slice(m.index + m[0].length);
        out(`ka ${i} ${now()} ${m[1]}`);
        setTimeout(ask, 20);
      }
    });
    s.on('error', (e: NodeJS.ErrnoException) => finish(`error:${e.code ?? e.message}`));
    s.on('close', () => finish('closed'));
  });
}

async function main(argv: string[]): Promise<void> {
  const [mode, host, portS, msS, extra] = argv;
  const port = Number(portS), until = now() + Number(msS);
  if (mode === 'connect') await connectLoop(host, port, until, Number(extra ?? 0));
  else if (mode === 'udp') await udp(host, port, until, Number(extra ?? 100));
  else if (mode === 'keepalive') {
    const n = Number(extra ?? 4);
    await Promise.all([...Array.from({ length: n }, (_, i) => keepalive(i, host, port, until)), connectLoop(host, port, until, 5)]);
  } else throw new Error(`unknown mode ${mode}`);
  out(`done ${now()}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
}
