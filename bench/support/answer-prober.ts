// Runs inside a node netns (`ip netns exec <node-ns> node answer-prober.js PORT`):
// reads "name ip" lines on stdin and polls http://ip:PORT/hostname until the
// stand-in answers with that pod's name, then prints "name <epoch ms>".
// The polling is spaced (POLL_MS) so the prober itself costs little CPU.
import { request } from 'node:http';
import { createInterface } from 'node:readline';

const POLL_MS = 50;
const port = Number(process.argv[2] ?? 8080);
const now = (): number => performance.timeOrigin + performance.now();

function once(ip: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = request({ host: ip, port, path: '/hostname', agent: false, timeout: 1000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve(res.statusCode === 200 ? body : undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

async function watchFor(name: string, ip: string): Promise<void> {
  for (;;) {
    if ((await once(ip)) === name) { process.stdout.write(`${name} ${now()}\n`); return; }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

// Started before the pods are created, so its own start-up is not in what the bench measures.
process.stdout.write('ready\n');
createInterface({ input: process.stdin }).on('line', (l) => {
  const [name, ip] = l.trim().split(/\s+/);
  if (name && ip) void watchFor(name, ip);
}).on('close', () => process.exit(0));
