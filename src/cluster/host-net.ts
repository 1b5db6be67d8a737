// Host networking of a cluster: the bridge, the node and client namespaces and
// their veths, and the host routes that keep replies to pods on our bridge.
// Everything goes through IpCommand, so the same code runs against FakeIpCommand.
import { isMissing, type IpCommand } from './ip.js';
import { bridgeMac } from '../agent/net/names.js';

export interface LinkInfo { ifname: string; kind?: string; master?: string }
export interface AddrInfo { ifname: string; local: string; prefixlen: number }
export interface RouteInfo { dst: string; dev?: string; gateway?: string; type?: string }

export class HostNet {
  constructor(readonly ip: IpCommand) {}

  async listNetns(): Promise<string[]> {
    const out = (await this.ip.run(['-j', 'netns', 'list'])).trim();
    if (!out) return [];
    return (JSON.parse(out) as { name: string }[]).map((n) => n.name);
  }

  async addNetns(name: string): Promise<void> {
    await this.ip.run(['netns', 'add', name]);
  }

  /** Deletes a netns; a missing one is not an error. */
  async delNetns(name: string): Promise<void> {
    try {
      await this.ip.run(['netns', 'del', name]);
    } catch (e) {
      if (!isMissing(e)) throw e;
    }
  }

  /** PIDs of every process whose network namespace is `name`. */
  async netnsPids(name: string): Promise<number[]> {
    try {
      return (await this.ip.run(['netns', 'pids', name])).split(/\s+/).filter(Boolean).map(Number).filter((n) => Number.isInteger(n) && n > 0);
    } catch (e) {
      if (isMissing(e)) return [];
      throw e;
    }
  }

  async listLinks(): Promise<LinkInfo[]> {
    const out = (await this.ip.run(['-d', '-j', 'link', 'show'])).trim();
    if (!out) return [];
    return (JSON.parse(out) as { ifname: string; master?: string; linkinfo?: { info_kind?: string } }[]).map((l) => ({
      ifname: l.ifname.replace(/@.*$/, ''), kind: l.linkinfo?.info_kind, master: l.master,
    }));
  }

  async hostAddrs(): Promise<AddrInfo[]> {
    const out = (await this.ip.run(['-j', 'addr', 'show'])).trim();
    if (!out) return [];
    const links = JSON.parse(out) as { ifname: string; addr_info?: { family: string; local: string; prefixlen: number }[] }[];
    return links.flatMap((l) => (l.addr_info ?? []).filter((a) => a.family === 'inet').map((a) => ({ ifname: l.ifname, local: a.local, prefixlen: a.prefixlen })));
  }

  async routes(netns?: string): Promise<RouteInfo[]> {
    const out = (await this.ip.run([...(netns ? ['-n', netns] : []), '-j', 'route', 'show'])).trim();
    if (!out) return [];
    return JSON.parse(out) as RouteInfo[];
  }

  async createBridge(bridge: string, addr: string): Promise<void> {
    // The host's own firewall never sees our bridged frames (bridge-nf-call-*): the
    // cluster's traffic is the node namespaces' business, and host rules must not drop it.
    await this.ip.run(['link', 'add', bridge, 'type', 'bridge', 'nf_call_iptables', '0', 'nf_call_ip6tables', '0', 'nf_call_arptables', '0']);
    // Pinned, so the nodes' cached address of the bridge (the API server's) survives client namespaces coming and going.
    await this.ip.run(['link', 'set', bridge, 'address', bridgeMac(addr.split('/')[0])]);
    await this.ip.run(['addr', 'add', addr, 'dev', bridge]);
    await this.ip.run(['link', 'set', bridge, 'up']);
  }

  /**
   * Creates netns `ns` with loopback up and eth0 = `addr`, the peer of `hostVeth`
   * on `bridge`. Only the connected route of eth0 exists: no default route.
   */
  async addBridgedNetns(ns: string, hostVeth: string, bridge: string, addr: string): Promise<void> {
    await this.addNetns(ns);
    await this.ip.run(['link', 'add', hostVeth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
    await this.ip.run(['link', 'set', hostVeth, 'master', bridge]);
    await this.ip.run(['link', 'set', hostVeth, 'up']);
    await this.ip.run(['-n', ns, 'link', 'set', 'lo', 'up']);
    await this.ip.run(['-n', ns, 'addr', 'add', addr, 'dev', 'eth0']);
    await this.ip.run(['-n', ns, 'link', 'set', 'eth0', 'up']);
  }

  /** Adds a host route; `via` makes it a gateway route. */
  async addRoute(dst: string, dev: string, via?: string): Promise<void> {
    await this.ip.run(['route', 'add', dst, ...(via ? ['via', via] : []), 'dev', dev]);
  }

  async delLink(name: string): Promise<void> {
    try {
      await this.ip.run(['link', 'del', name]);
    } catch (e) {
      if (!isMissing(e)) throw e;
    }
  }
}
