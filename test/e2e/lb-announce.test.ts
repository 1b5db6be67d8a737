// Layer-2 announcement for real (root): two "node" namespaces and a client
// namespace on a bridge that lives in its own "switch" namespace, so nothing
// touches the host's interfaces. The controller assigns the IP, each node
// runs an announcer; the elected node holds the /32, the client's ARP
// resolves to its MAC and a DNAT rule there (as the proxy writes) serves the
// traffic; when that node goes NotReady the other takes over and its
// gratuitous ARP moves the client at once.
//
// Address plan: node network 172.30.0.0/24 (inside the test namespaces only),
// node-1 .11, node-2 .12, client .99, LB pool 172.30.0.200-172.30.0.201.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { startTestServer, type TestServer } from '../support/server.js';
import { RestClient, loadKubeconfig } from '../../src/client/rest.js';
import { EndpointSlices, Nodes, Services, resourcePath } from '../../src/client/resources.js';
import { LoadBalancerController } from '../../src/controllers/loadbalancer/controller.js';
import { startAnnouncer, type Announcer } from '../../src/agent-announce/announcer.js';
import { RealAnnounceNet } from '../../src/agent-announce/net.js';

const has = (cmd: string): boolean => {
  try { execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }); return true; } catch { return false; }
};
const skip = process.getuid?.() !== 0 ? 'needs root' : !has('ip') || !has('nft') ? 'needs ip and nft' : false;
const hasArping = has('arping');

const P = `ksvc-t${randomBytes(3).toString('hex')}`;
const SW = `${P}-sw`, CL = `${P}-cl`;
const NODES = [{ name: 'node-1', ns: `${P}-n1`, ip: '172.30.0.11' }, { name: 'node-2', ns: `${P}-n2`, ip: '172.30.0.12' }];
const VIP = '172.30.0.200';
const made: string[] = [];
const procs: ChildProcess[] = [];

const sh = (args: string[]): string => execFileSync(args[0], args.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
const inNs = (ns: string, args: string[]): string => sh(['ip', 'netns', 'exec', ns, ...args]);

function attach(ns: string, port: string, addr: string): void {
  sh(['ip', 'netns', 'add', ns]);
  made.push(ns);
  sh(['ip', '-n', SW, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
  sh(['ip', '-n', SW, 'link', 'set', port, 'master', 'br0', 'up']);
  sh(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
  sh(['ip', '-n', ns, 'addr', 'add', `${addr}/24`, 'dev', 'eth0']);
  sh(['ip', '-n', ns, 'link', 'set', 'eth0', 'up']);
}

const macOf = (ns: string): string => (JSON.parse(sh(['ip', '-n', ns, '-j', 'link', 'show', 'eth0']))[0].address as string);
const vipsOn = (ns: string): string[] =>
  JSON.parse(sh(['ip', '-n', ns, '-j', '-4', 'addr', 'show', 'dev', 'eth0']))[0].addr_info.filter((a: any) => a.prefixlen === 32).map((a: any) => a.local);
const clientNeigh = (): string | undefined => JSON.parse(sh(['ip', '-n', CL, '-j', 'neigh', 'show', VIP]) || '[]')[0]?.lladdr;
const fetchVIP = (): string => inNs(CL, ['timeout', '3', 'bash', '-c', `exec 3<>/dev/tcp/${VIP}/80; cat <&3`]).trim();

let srv: TestServer;
let client: RestClient;
let ctl: LoadBalancerController;
const announcers = new Map<string, Announcer>();

before(async () => {
  if (skip) return;
  sh(['ip', 'netns', 'add', SW]);
  made.push(SW);
  sh(['ip', '-n', SW, 'link', 'add', 'br0', 'type', 'bridge']);
  sh(['ip', '-n', SW, 'link', 'set', 'br0', 'up']);
  NODES.forEach((n, i) => attach(n.ns, `p${i + 1}`, n.ip));
  attach(CL, 'pc', '172.30.0.99');
  for (const n of NODES) {
    // What the proxy programs: DNAT on destination IP, whether or not it is a local address.
    inNs(n.ns, ['nft', 'add table ip ksvct']);
    inNs(n.ns, ['nft', 'add chain ip ksvct pre { type nat hook prerouting priority dstnat; }']);
    inNs(n.ns, ['nft', `add rule ip ksvct pre ip daddr ${VIP} tcp dport 80 dnat to ${n.ip}:8080`]);
    const p = spawn('ip', ['netns', 'exec', n.ns, process.execPath, '-e', `require('net').createServer((s) => s.end('${n.name}\\n')).listen(8080, '${n.ip}')`], { stdio: 'ignore' });
    procs.push(p);
  }

  srv = await startTestServer();
  client = new RestClient(loadKubeconfig(srv.kubeconfigPath));
  for (const n of NODES) {
    await client.create(resourcePath(Nodes), { apiVersion: 'v1', kind: 'Node', metadata: { name: n.name } });
    await setReady(n.name, 'True');
  }
  ctl = new LoadBalancerController(client, { pool: '172.30.0.200-172.30.0.201', log: () => undefined });
  await ctl.start();
  for (const n of NODES) {
    announcers.set(n.name, await startAnnouncer({ client, nodeName: n.name, net: new RealAnnounceNet({ interface: 'eth0', netns: n.ns, log: () => undefined }), log: () => undefined }));
  }
});

after(async () => {
  for (const a of announcers.values()) await a.stop().catch(() => undefined);
  await ctl?.stop();
  client?.close();
  await srv?.stop();
  for (const p of procs) if (p.pid) try { process.kill(p.pid); } catch { /* gone */ }
  for (const ns of made.reverse()) try { sh(['ip', 'netns', 'del', ns]); } catch { /* gone */ }
});

async function setReady(name: string, status: 'True' | 'False'): Promise<void> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  await client.patch(resourcePath(Nodes, undefined, name, 'status'), { status: { conditions: [{ type: 'Ready', status, reason: 'Test', lastHeartbeatTime: now, lastTransitionTime: now }] } }, 'strategic');
}

async function until(what: string, ok: () => boolean, ms = 5000): Promise<number> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) assert.fail(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - t0;
}

test('the elected node answers ARP for the LB IP and takes traffic; the other takes over', { skip }, async () => {
  await client.create(resourcePath(Services, 'default'), {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80 }] },
  });
  await client.create(resourcePath(EndpointSlices, 'default'), {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'web-1', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4', ports: [{ port: 8080, protocol: 'TCP' }], endpoints: [{ addresses: ['10.244.1.5'], nodeName: 'node-1', conditions: { ready: true } }],
  });

  let holder: (typeof NODES)[number] | undefined;
  await until('one node holds the VIP', () => {
    const on = NODES.filter((n) => vipsOn(n.ns).includes(VIP));
    holder = on.length === 1 ? on[0] : undefined;
    return !!holder;
  });
  const other = NODES.find((n) => n !== holder)!;
  await until('the announcer records it', () => announcers.get(holder!.name)!.held().includes(VIP));
  assert.deepEqual(announcers.get(other.name)!.held(), []);

  assert.equal(fetchVIP(), holder!.name, 'DNAT on the elected node serves it');
  assert.equal(clientNeigh(), macOf(holder!.ns), 'client resolved the VIP to the elected node');

  // The holder's agent stops and its Node goes NotReady: the other node takes over.
  await announcers.get(holder!.name)!.stop();
  announcers.delete(holder!.name);
  assert.deepEqual(vipsOn(holder!.ns), [], 'a stopped announcer gives the address up');
  await setReady(holder!.name, 'False');
  const took = await until('the other node holds the VIP', () => vipsOn(other.ns).includes(VIP));
  assert.ok(took < 5000, `took ${took} ms`);
  if (hasArping) {
    // No flush: the gratuitous ARP must have rewritten the client's cached entry.
    await until('client cache follows the gratuitous ARP', () => clientNeigh() === macOf(other.ns), 3000);
  } else {
    sh(['ip', '-n', CL, 'neigh', 'flush', 'dev', 'eth0']);
  }
  assert.equal(fetchVIP(), other.name);
  assert.equal(clientNeigh(), macOf(other.ns));
});
