// Runs inside a pod (kubectl exec ... node dns-watch.js SERVER SECONDS NAME...):
// asks SERVER for each NAME's A records every 2 ms from one UDP socket and prints
// "<name> <epoch ms> <sorted IPs, comma-separated or ->" whenever a name's answer
// changes, "ready" once every name has had a first answer, and exits after
// SECONDS. One process for the whole measurement, so a tight loop costs a packet
// per try instead of a kubectl exec or a dig process; the pod shares the host's
// clock, so the test compares these timestamps with its own. Bounded: at most
// SECONDS × 500 queries per name, all to the cluster DNS address.
import { createSocket } from 'node:dgram';

const [server, seconds, ...names] = process.argv.slice(2);
const sock = createSocket('udp4');
const last = new Map<string, string>();
let id = 0;

/** A query for name's A records, RD set, no EDNS. */
function query(name: string, qid: number): Buffer {
  const labels = name.split('.').filter(Boolean).map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  return Buffer.concat([Buffer.from([qid >> 8, qid & 255, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]), ...labels, Buffer.from([0, 0, 1, 0, 1])]);
}

/** The A records of a response (answers only, names compressed or not), as dotted quads. */
function addresses(msg: Buffer): string[] {
  const skipName = (off: number): number => {
    for (;;) {
      const len = msg[off];
      if (len === 0) return off + 1;
      if ((len & 0xc0) === 0xc0) return off + 2;
      off += len + 1;
    }
  };
  const an = (msg[6] << 8) | msg[7];
  let off = skipName(12) + 4;
  const out: string[] = [];
  for (let i = 0; i < an; i++) {
    off = skipName(off);
    const type = (msg[off] << 8) | msg[off + 1];
    const rdlen = (msg[off + 8] << 8) | msg[off + 9];
    off += 10;
    if (type === 1 && rdlen === 4) out.push(`${msg[off]}.${msg[off + 1]}.${msg[off + 2]}.${msg[off + 3]}`);
    off += rdlen;
  }
  return out.sort();
}

const pending = new Map<number, string>();
sock.on('message', (msg) => {
  const qid = (msg[0] << 8) | msg[1];
  const name = pending.get(qid);
  if (name === undefined) return;
  pending.delete(qid);
  const now = Date.now();
  const ips = addresses(msg).join(',') || '-';
  const had = last.has(name);
  if (last.get(name) !== ips) { last.set(name, ips); console.log(`${name} ${now} ${ips}`); }
  if (!had && last.size === names.length) console.log('ready');
});

const tick = setInterval(() => {
  for (const name of names) {
    id = (id + 1) & 0xffff;
    pending.set(id, name);
    sock.send(query(name, id), 53, server);
  }
  // An answer lost or late leaves its id behind; keep the map small.
  if (pending.size > 1000) pending.clear();
}, 2);
setTimeout(() => { clearInterval(tick); sock.close(); }, Number(seconds) * 1000);
