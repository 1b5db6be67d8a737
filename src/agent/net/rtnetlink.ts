// A pod's veth as rtnetlink requests the agent sends itself. The pod side, from a
// socket it opens inside the pod's netns: the veth with its node end sent to the
// node's netns, loopback up, address, eth0 up, default route — what `ip -batch`
// did with the same lines — in one send. An ip started per pod for them cost
// about 3 ms of CPU (exec and dynamic linking), most of a pod's network. The node
// side, from the agent's own netns: the node end into the bridge, up, hairpin on;
// through the node's one ip session it waited behind every other pod's namespace
// being made, 15–40 ms in a burst. The messages are built by pure functions; see
// rtnetlink(7).
import { endianness } from 'node:os';
import type { PodNetwork } from './netns.js';
import { libcFunctions, errnoName } from '../../util/libc.js';
import { withNetns } from '../../util/netns-thread.js';

const RTM_NEWLINK = 16, RTM_NEWADDR = 20, RTM_NEWROUTE = 24, NLMSG_ERROR = 2;
const NLM_F_REQUEST = 0x1, NLM_F_ACK = 0x4, NLM_F_EXCL = 0x200, NLM_F_CREATE = 0x400;
const AF_INET = 2, IFF_UP = 0x1;
const IFLA_IFNAME = 3, IFLA_MASTER = 10, IFLA_LINKINFO = 18, IFLA_INFO_KIND = 1, IFLA_INFO_DATA = 2, VETH_INFO_PEER = 1, IFLA_NET_NS_FD = 28;
const IFLA_INFO_SLAVE_KIND = 4, IFLA_INFO_SLAVE_DATA = 5, IFLA_BRPORT_MODE = 4; // MODE is the port's hairpin flag
const IFA_ADDRESS = 1, IFA_LOCAL = 2;
const RTA_OIF = 4, RTA_GATEWAY = 5, RT_TABLE_MAIN = 254, RTPROT_BOOT = 3, RT_SCOPE_UNIVERSE = 0, RTN_UNICAST = 1;
/** A fresh netns holds only lo (1), so eth0 is asked for index 2 and needs no lookup. */
const LO_INDEX = 1, ETH0_INDEX = 2;

const LE = endianness() === 'LE';
const u16 = (b: Buffer, v: number, at: number): void => { if (LE) b.writeUInt16LE(v, at); else b.writeUInt16BE(v, at); };
const u32 = (b: Buffer, v: number, at: number): void => { if (LE) b.writeUInt32LE(v >>> 0, at); else b.writeUInt32BE(v >>> 0, at); };
const i32 = (b: Buffer, at: number): number => (LE ? b.readInt32LE(at) : b.readInt32BE(at));
const r16 = (b: Buffer, at: number): number => (LE ? b.readUInt16LE(at) : b.readUInt16BE(at));
const r32 = (b: Buffer, at: number): number => (LE ? b.readUInt32LE(at) : b.readUInt32BE(at));
const pad4 = (n: number): number => (n + 3) & ~3;

function attr(type: number, ...payload: Buffer[]): Buffer {
  const data = Buffer.concat(payload);
  const b = Buffer.alloc(pad4(4 + data.length));
  u16(b, 4 + data.length, 0);
  u16(b, type, 2);
  data.copy(b, 4);
  return b;
}
const str = (s: string): Buffer => Buffer.from(`${s}\0`);
const int = (v: number): Buffer => { const b = Buffer.alloc(4); u32(b, v, 0); return b; };
const ipv4 = (ip: string): Buffer => Buffer.from(ip.split('.').map(Number));

function ifinfomsg(index: number, flags = 0, change = 0): Buffer {
  const b = Buffer.alloc(16); // family, pad, type: 0
  u32(b, index, 4);
  u32(b, flags, 8);
  u32(b, change, 12);
  return b;
}

function message(type: number, flags: number, seq: number, ...body: Buffer[]): Buffer {
  const payload = Buffer.concat(body);
  const b = Buffer.alloc(16 + payload.length);
  u32(b, b.length, 0);
  u16(b, type, 4);
  u16(b, NLM_F_REQUEST | NLM_F_ACK | flags, 6);
  u32(b, seq, 8);
  payload.copy(b, 16);
  return b;
}

/** What each request does, as ip would say it (error messages name it). */
export interface NetlinkRequest { what: string; bytes: Buffer }

/** The requests, in order, numbered from seq; nodeNetnsFd names the netns the veth's node end goes to. */
export function podSideRequests(p: PodNetwork, nodeNetnsFd: number, seq = 1): NetlinkRequest[] {
  const up = (index: number, s: number): Buffer => message(RTM_NEWLINK, 0, s, ifinfomsg(index, IFF_UP, IFF_UP));
  const ifaddr = Buffer.from([AF_INET, p.prefixLen, 0, RT_SCOPE_UNIVERSE, 0, 0, 0, 0]);
  u32(ifaddr, ETH0_INDEX, 4);
  const rtmsg = Buffer.from([AF_INET, 0, 0, 0, RT_TABLE_MAIN, RTPROT_BOOT, RT_SCOPE_UNIVERSE, RTN_UNICAST, 0, 0, 0, 0]);
  return [
    {
      what: `link add eth0 type veth peer name ${p.veth}`,
      bytes: message(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, seq, ifinfomsg(ETH0_INDEX), attr(IFLA_IFNAME, str('eth0')),
        attr(IFLA_LINKINFO, attr(IFLA_INFO_KIND, str('veth')),
          attr(IFLA_INFO_DATA, attr(VETH_INFO_PEER, ifinfomsg(0), attr(IFLA_IFNAME, str(p.veth)), attr(IFLA_NET_NS_FD, int(nodeNetnsFd)))))),
    },
    { what: 'link set lo up', bytes: up(LO_INDEX, seq + 1) },
    {
      what: `addr add ${p.ip}/${p.prefixLen} dev eth0`,
      bytes: message(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, seq + 2, ifaddr, attr(IFA_LOCAL, ipv4(p.ip)), attr(IFA_ADDRESS, ipv4(p.ip))),
    },
    { what: 'link set eth0 up', bytes: up(ETH0_INDEX, seq + 3) },
    // Added while the node end is still down (the route is "linkdown" until then), as ip does.
    {
      what: `route add default via ${p.gateway} dev eth0`,
      bytes: message(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, seq + 4, rtmsg, attr(RTA_GATEWAY, ipv4(p.gateway)), attr(RTA_OIF, int(ETH0_INDEX))),
    },
  ];
}

/** The veth's node end (found by name) into the bridge and up; then hairpin on, a port option that needs the port enslaved first. */
export function nodeSideRequests(veth: string, bridge: string, bridgeIndex: number, seq = 1): NetlinkRequest[] {
  return [
    {
      what: `link set ${veth} master ${bridge} up`,
      bytes: message(RTM_NEWLINK, 0, seq, ifinfomsg(0, IFF_UP, IFF_UP), attr(IFLA_IFNAME, str(veth)), attr(IFLA_MASTER, int(bridgeIndex))),
    },
    {
      what: `link set ${veth} type bridge_slave hairpin on`,
      bytes: message(RTM_NEWLINK, 0, seq + 1, ifinfomsg(0), attr(IFLA_IFNAME, str(veth)),
        attr(IFLA_LINKINFO, attr(IFLA_INFO_SLAVE_KIND, str('bridge')), attr(IFLA_INFO_SLAVE_DATA, attr(IFLA_BRPORT_MODE, Buffer.from([1]))))),
    },
  ];
}

/** An acknowledgement: the request's sequence number and its error (0, or a negative errno). */
export function parseAck(b: Buffer): { seq: number; error: number } | undefined {
  if (b.length < 20 || r16(b, 4) !== NLMSG_ERROR) return undefined;
  return { seq: r32(b, 8), error: i32(b, 16) };
}

const AF_NETLINK = 16, SOCK_RAW = 3, SOCK_CLOEXEC = 0x80000, NETLINK_ROUTE = 0, MSG_DONTWAIT = 0x40;
const { fn: c } = libcFunctions({
  socket: 'int socket(int domain, int type, int protocol)',
  send: 'intptr_t send(int fd, const void *buf, size_t len, int flags)',
  recv: 'intptr_t recv(int fd, void *buf, size_t len, int flags)',
  close: 'int close(int fd)',
  strerror: 'const char *strerror(int errnum)',
  ifNameToIndex: 'unsigned int if_nametoindex(const char *ifname)',
});

export class RtnetlinkError extends Error {
  constructor(readonly what: string, readonly errno: number) {
    super(`${what}: RTNETLINK answers: ${c.strerror(errno)}`);
    this.name = 'RtnetlinkError';
  }
}

/** Requests in one exchange at most (sequence numbers are reserved for that many). */
const MAX_REQUESTS = 8;
let nextSeq = 1;
const takeSeq = (n: number): number => {
  const first = nextSeq;
  nextSeq = (first + n) % 0x7fff_ffff || 1;
  return first;
};

/** Acknowledgements are read one at a time, synchronously: one buffer serves every exchange. */
const ackBuf = Buffer.alloc(8192);

/**
 * Sends the requests on fd (a NETLINK_ROUTE socket, closed here) in one send and reads every
 * acknowledgement. The kernel handles each request during the send, so every answer is queued
 * when it returns.
 */
function exchange(fd: number, build: (seq: number) => NetlinkRequest[], where: string): void {
  try {
    const first = takeSeq(MAX_REQUESTS);
    const reqs = build(first);
    const all = Buffer.concat(reqs.map((r) => r.bytes));
    if (c.send(fd, all, all.length, 0) !== all.length) throw new Error(`netlink send ${where}: ${errnoName()}`);
    let failed: RtnetlinkError | undefined;
    for (let got = 0; got < reqs.length;) {
      const n = c.recv(fd, ackBuf, ackBuf.length, MSG_DONTWAIT) as number;
      if (n < 0) throw new Error(`netlink: ${got} of ${reqs.length} answers ${where}: ${errnoName()}`);
      const ack = parseAck(ackBuf.subarray(0, n));
      if (!ack) continue;
      got++;
      // Later requests fail for want of the first one's work: the first error is the one to tell.
      if (ack.error < 0 && !failed) failed = new RtnetlinkError(reqs[ack.seq - first]?.what ?? `request ${ack.seq}`, -ack.error);
    }
    if (failed) throw failed;
  } finally {
    c.close(fd);
  }
}

/** A NETLINK_ROUTE socket in the calling thread's netns. */
function openRoute(where: string): number {
  const fd = c.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE) as number;
  if (fd < 0) throw new Error(`netlink socket ${where}: ${errnoName()}`);
  return fd;
}

/** Makes the pod side of p's network in its netns (nsPath). */
export function wirePodSide(p: PodNetwork, nsPath: string, nodeNetnsFd: number): void {
  // A socket keeps the netns it was made in: requests on it change the pod's.
  const where = `in ${nsPath}`;
  exchange(withNetns(nsPath, 'kubesvc agent', () => openRoute(where)), (seq) => podSideRequests(p, nodeNetnsFd, seq), where);
}

/** Puts a veth's end in this thread's netns (the node's) into the bridge, up, with hairpin. */
export function attachNodeSide(veth: string, bridge: string): void {
  const index = c.ifNameToIndex(bridge) as number;
  if (!index) throw new RtnetlinkError(`link set ${veth} master ${bridge} up`, 19); // ENODEV, as the kernel says for a missing master
  const where = 'in the node netns';
  exchange(openRoute(where), (seq) => nodeSideRequests(veth, bridge, index, seq), where);
}
