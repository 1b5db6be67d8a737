// Runs inside a pod (kubectl exec ... node dns-watch.js SERVER SECONDS NAME...):
// asks SERVER for each NAME's A records every 2 ms from one UDP socket and prints
// "<name> <epoch ms> <sorted IPs, comma-separated or ->" whenever a name's answer
// changes, "ready" once every name has had a first answer, and exits after
// SECONDS. One process for the whole measurement, so a tight loop costs a packet
// per try instead of a kubectl exec or a dig process; the pod shares the host's
// clock, so the test compares these timestamps with its own. Bounded: at most
// SECONDS × 500 queries per name, all to the cluster DNS address.
import { createSocket } from 'node:dgram';
import dnsPacket from 'dns-packet';

const [server, seconds, ...names] = process.argv.slice(2);
const sock = createSocket('udp4');
const last = new Map<string, string>();
let id = 0;

/** A query for name's A records, RD set, no EDNS. */
const query = (name: string, qid: number): Buffer =>
  dnsPacket.encode({ type: 'query', id: qid, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name }] });

/** The A records of a response, as sorted dotted quads. */
const addresses = (msg: Buffer): string[] =>
  (dnsPacket.decode(msg).answers ?? []).flatMap((a) => (a.type === 'A' ? [a.data] : [])).sort();

const pending = new Map<number, string>();
sock.on('message', (msg) => {
  const qid = msg.readUInt16BE(0);
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
