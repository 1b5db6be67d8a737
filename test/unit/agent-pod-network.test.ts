// What wires a pod's network, as pure builders: the node's ip batch lines, the
// rtnetlink requests of the veth's pod and node sides, their acknowledgements, and
// the bridge's fixed address.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bridgeMac } from '../../src/agent/net/names.js';
import { ALREADY_GONE, createNetnsBatch, deletePodBatch } from '../../src/agent/net/pod-batch.js';
import { nodeSideRequests, parseAck, podSideRequests } from '../../src/agent/net/rtnetlink.js';

describe('pod network requests', () => {
  const p = { netns: 'ksvc-c1-node-1-p0a0b0c0d', veth: 'veth0a0b0c0d', ip: '10.244.1.5', prefixLen: 24, gateway: '10.244.1.1' };
  it('node side: a leftover veth of the pod removed and a named netns made', () => {
    assert.deepEqual(createNetnsBatch(p), ['link del veth0a0b0c0d', 'netns add ksvc-c1-node-1-p0a0b0c0d']);
  });
  it('tolerates only what iproute2 says of a link or netns already gone', () => {
    for (const gone of ['Cannot find device "veth0a0b0c0d"', 'Cannot remove namespace file "/run/netns/x": No such file or directory']) assert.match(gone, ALREADY_GONE);
    for (const err of ['Cannot remove namespace file "/run/netns/x": Device or resource busy', 'RTNETLINK answers: Invalid argument', 'Cannot create namespace file "/run/netns/x": File exists']) assert.doesNotMatch(err, ALREADY_GONE);
  });
  it('node side over rtnetlink: the veth found by name, into the bridge and up; then hairpin, once enslaved', () => {
    const reqs = nodeSideRequests('veth0a0b0c0d', 'cbr0', 7, 60);
    assert.deepEqual(reqs.map((r) => r.what), ['link set veth0a0b0c0d master cbr0 up', 'link set veth0a0b0c0d type bridge_slave hairpin on']);
    // RTM_NEWLINK without CREATE: changes an existing link only.
    assert.deepEqual(reqs.map((r) => [r.bytes.readUInt32LE(0), r.bytes.readUInt16LE(4), r.bytes.readUInt16LE(6), r.bytes.readUInt32LE(8)]), reqs.map((r, i) => [r.bytes.length, 16, 0x5, 60 + i]));
    const attrs = (b: Buffer, from: number, to = b.length): [number, Buffer][] => {
      const out: [number, Buffer][] = [];
      for (let o = from; o + 4 <= to;) { const l = b.readUInt16LE(o); out.push([b.readUInt16LE(o + 2), b.subarray(o + 4, o + l)]); o += (l + 3) & ~3; }
      return out;
    };
    const [master, hairpin] = reqs.map((r) => r.bytes);
    assert.deepEqual([master.readInt32LE(20), master.readUInt32LE(24), master.readUInt32LE(28)], [0, 1, 1], 'no index (by name), IFF_UP in flags and change');
    assert.deepEqual(attrs(master, 32).map(([t, v]) => [t, t === 3 ? v.toString() : v.readUInt32LE(0)]), [[3, 'veth0a0b0c0d\0'], [10, 7]], 'IFLA_IFNAME, IFLA_MASTER = the bridge index');
    assert.deepEqual([hairpin.readUInt32LE(24), hairpin.readUInt32LE(28)], [0, 0], 'flags untouched');
    const [name, info] = attrs(hairpin, 32);
    assert.deepEqual([name[0], name[1].toString(), info[0]], [3, 'veth0a0b0c0d\0', 18]);
    const [kind, data] = attrs(info[1], 0);
    assert.deepEqual([kind[0], kind[1].toString(), data[0]], [4, 'bridge\0', 5], 'IFLA_INFO_SLAVE_KIND bridge, IFLA_INFO_SLAVE_DATA');
    assert.deepEqual(attrs(data[1], 0).map(([t, v]) => [t, [...v]]), [[4, [1]]], 'IFLA_BRPORT_MODE (hairpin) = 1');
  });
  it('pod side: five rtnetlink requests in one buffer, each acknowledged, eth0 at index 2 with its peer sent to the node netns fd', () => {
    const reqs = podSideRequests(p, 9, 40);
    assert.deepEqual(reqs.map((r) => r.what), ['link add eth0 type veth peer name veth0a0b0c0d', 'link set lo up', 'addr add 10.244.1.5/24 dev eth0', 'link set eth0 up', 'route add default via 10.244.1.1 dev eth0']);
    const hdr = (b: Buffer) => ({ len: b.readUInt32LE(0), type: b.readUInt16LE(4), flags: b.readUInt16LE(6), seq: b.readUInt32LE(8) });
    // RTM_NEWLINK 16, RTM_NEWADDR 20, RTM_NEWROUTE 24; REQUEST|ACK, plus CREATE|EXCL where something is made.
    assert.deepEqual(reqs.map((r) => hdr(r.bytes)), reqs.map((r, i) => ({ len: r.bytes.length, type: [16, 16, 20, 16, 24][i], flags: [0x605, 0x5, 0x605, 0x5, 0x605][i], seq: 40 + i })));
    // Attributes after the 16-byte header and the family message: [type, payload].
    const attrs = (b: Buffer, from: number): [number, Buffer][] => {
      const out: [number, Buffer][] = [];
      for (let o = from; o + 4 <= b.length;) { const l = b.readUInt16LE(o); out.push([b.readUInt16LE(o + 2), b.subarray(o + 4, o + l)]); o += (l + 3) & ~3; }
      return out;
    };
    const link = reqs[0].bytes;
    assert.equal(link.readInt32LE(20), 2, 'eth0 asks for index 2');
    const [name, info] = attrs(link, 32);
    assert.deepEqual([name[0], name[1].toString()], [3, 'eth0\0']);
    const [kind, data] = attrs(info[1], 0);
    assert.deepEqual([info[0], kind[0], kind[1].toString(), data[0]], [18, 1, 'veth\0', 2]);
    const [peer] = attrs(data[1], 0);
    const peerAttrs = attrs(peer[1], 16);
    assert.deepEqual(peerAttrs.map(([t]) => t), [3, 28]);
    assert.deepEqual([peerAttrs[0][1].toString(), peerAttrs[1][1].readUInt32LE(0)], ['veth0a0b0c0d\0', 9]);
    const lo = reqs[1].bytes;
    assert.deepEqual([lo.readInt32LE(20), lo.readUInt32LE(24), lo.readUInt32LE(28)], [1, 1, 1], 'lo: IFF_UP in flags and change');
    const addr = reqs[2].bytes;
    assert.deepEqual([...addr.subarray(16, 20)], [2, 24, 0, 0]);
    assert.equal(addr.readUInt32LE(20), 2);
    assert.deepEqual(attrs(addr, 24).map(([t, v]) => [t, [...v].join('.')]), [[2, '10.244.1.5'], [1, '10.244.1.5']]);
    const route = reqs[4].bytes;
    assert.deepEqual([...route.subarray(16, 24)], [2, 0, 0, 0, 254, 3, 0, 1], 'main table, proto boot, universe, unicast');
    assert.deepEqual(attrs(route, 28).map(([t, v]) => [t, t === 5 ? [...v].join('.') : v.readUInt32LE(0)]), [[5, '10.244.1.1'], [4, 2]]);
  });
  it('pod side: an acknowledgement carries the request\'s seq and its error', () => {
    const ack = Buffer.alloc(36);
    ack.writeUInt32LE(36, 0); ack.writeUInt16LE(2, 4); ack.writeUInt32LE(41, 8); ack.writeInt32LE(-17, 16);
    assert.deepEqual(parseAck(ack), { seq: 41, error: -17 });
    ack.writeUInt16LE(16, 4);
    assert.equal(parseAck(ack), undefined, 'not an NLMSG_ERROR');
  });
  it('the node bridge gets a fixed, locally administered address from the gateway IP', () => {
    assert.equal(bridgeMac('10.244.1.1'), '02:00:0a:f4:01:01');
    assert.equal(bridgeMac('192.168.200.1'), '02:00:c0:a8:c8:01');
  });
  it('removal: only the netns name (the veth goes with the namespace)', () => {
    assert.deepEqual(deletePodBatch('ksvc-c1-node-1-p0a0b0c0d'), ['netns del ksvc-c1-node-1-p0a0b0c0d']);
  });
});
