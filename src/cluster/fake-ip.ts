// FakeIpCommand: an in-memory model of the host's network namespaces, links,
// addresses and routes that answers the `ip` commands HostNet sends, with the
// errors the real `ip` gives. It records every command for assertions.
import { CommandError, type IpCommand } from './ip.js';

interface FakeLink { ifname: string; kind: string; netns: string | null; master?: string; address?: string; up: boolean; addrs: string[]; peer?: FakeLink }
interface FakeRoute { netns: string | null; dst: string; dev: string; gateway?: string }

export class FakeIpCommand implements IpCommand {
  readonly calls: string[][] = [];
  readonly netns = new Set<string>();
  readonly links: FakeLink[] = [];
  readonly routes: FakeRoute[] = [];
  /** netns name → pids of processes in it (set by tests). */
  readonly pids = new Map<string, number[]>();

  constructor() {
    this.links.push({ ifname: 'lo', kind: 'loopback', netns: null, up: true, addrs: ['127.0.0.1/8'] });
    this.links.push({ ifname: 'eth0', kind: 'ether', netns: null, up: true, addrs: ['192.0.2.2/24'] });
    this.routes.push({ netns: null, dst: 'default', dev: 'eth0', gateway: '192.0.2.1' }, { netns: null, dst: '192.0.2.0/24', dev: 'eth0' });
  }

  private fail(args: string[], msg: string): never {
    throw new CommandError('ip', args, msg, 2);
  }

  private link(ns: string | null, name: string, args: string[]): FakeLink {
    const l = this.links.find((x) => x.netns === ns && x.ifname === name);
    if (!l) this.fail(args, `Cannot find device "${name}"`);
    return l;
  }

  private removeLink(l: FakeLink): void {
    for (const x of [l, l.peer].filter((v): v is FakeLink => !!v)) {
      const i = this.links.indexOf(x);
      if (i >= 0) this.links.splice(i, 1);
      for (let r = this.routes.length - 1; r >= 0; r--) if (this.routes[r].netns === x.netns && this.routes[r].dev === x.ifname) this.routes.splice(r, 1);
    }
  }

  async run(argv: string[]): Promise<string> {
    this.calls.push(argv);
    let args = [...argv];
    let ns: string | null = null;
    let json = false;
    while (args[0]?.startsWith('-')) {
      if (args[0] === '-n') { ns = args[1]; args = args.slice(2); if (!this.netns.has(ns)) this.fail(argv, `Cannot open network namespace "${ns}": No such file or directory`); }
      else if (args[0] === '-j') { json = true; args = args.slice(1); }
      else args = args.slice(1);
    }
    const [obj, verb, ...rest] = args;
    if (obj === 'netns') {
      const name = rest[0];
      if (verb === 'list') return json ? JSON.stringify([...this.netns].map((n) => ({ name: n }))) : [...this.netns].join('\n');
      if (verb === 'add') {
        if (this.netns.has(name)) this.fail(argv, `Cannot create namespace file "/run/netns/${name}": File exists`);
        this.netns.add(name);
        this.links.push({ ifname: 'lo', kind: 'loopback', netns: name, up: false, addrs: [] });
        return '';
      }
      if (verb === 'del' || verb === 'delete') {
        if (!this.netns.has(name)) this.fail(argv, `Cannot remove namespace file "/run/netns/${name}": No such file or directory`);
        this.netns.delete(name);
        // Links inside die with the namespace; a veth takes its peer with it.
        for (const l of this.links.filter((x) => x.netns === name)) this.removeLink(l);
        return '';
      }
      if (verb === 'pids') {
        if (!this.netns.has(name)) this.fail(argv, `Cannot open network namespace "${name}": No such file or directory`);
        return (this.pids.get(name) ?? []).join('\n');
      }
    }
    if (obj === 'link') {
      if (verb === 'show') {
        const ls = this.links.filter((l) => l.netns === ns);
        return json ? JSON.stringify(ls.map((l) => ({ ifname: l.ifname, master: l.master, linkinfo: { info_kind: l.kind } }))) : ls.map((l) => l.ifname).join('\n');
      }
      if (verb === 'add') {
        const [name, typeKw, kind, ...more] = rest;
        if (typeKw !== 'type') this.fail(argv, 'Garbage instead of arguments');
        if (name.length > 15) this.fail(argv, `Error: argument "${name}" is wrong: "name" not a valid ifname`);
        if (this.links.some((l) => l.netns === ns && l.ifname === name)) this.fail(argv, 'RTNETLINK answers: File exists');
        const l: FakeLink = { ifname: name, kind, netns: ns, up: false, addrs: [] };
        if (kind === 'veth') {
          const peerName = more[more.indexOf('name') + 1];
          const peerNs = more.includes('netns') ? more[more.indexOf('netns') + 1] : ns;
          if (peerNs !== null && !this.netns.has(peerNs)) this.fail(argv, `Cannot find netns "${peerNs}"`);
          if (this.links.some((x) => x.netns === peerNs && x.ifname === peerName)) this.fail(argv, 'RTNETLINK answers: File exists');
          const p: FakeLink = { ifname: peerName, kind: 'veth', netns: peerNs, up: false, addrs: [], peer: l };
          l.peer = p;
          this.links.push(l, p);
        } else this.links.push(l);
        return '';
      }
      if (verb === 'set') {
        const l = this.link(ns, rest[0], argv);
        for (let i = 1; i < rest.length; i++) {
          if (rest[i] === 'up') l.up = true;
          else if (rest[i] === 'down') l.up = false;
          else if (rest[i] === 'address') l.address = rest[++i];
          else if (rest[i] === 'master') { const m = this.link(ns, rest[++i], argv); if (m.kind !== 'bridge') this.fail(argv, 'RTNETLINK answers: Invalid argument'); l.master = m.ifname; }
        }
        return '';
      }
      if (verb === 'del' || verb === 'delete') {
        const l = this.link(ns, rest[0], argv);
        this.removeLink(l);
        for (const x of this.links) if (x.netns === ns && x.master === l.ifname) x.master = undefined;
        return '';
      }
    }
    if (obj === 'addr' || obj === 'address') {
      if (verb === 'show') {
        const ls = this.links.filter((l) => l.netns === ns);
        return JSON.stringify(ls.map((l) => ({ ifname: l.ifname, addr_info: l.addrs.map((a) => ({ family: 'inet', local: a.split('/')[0], prefixlen: Number(a.split('/')[1]) })) })));
      }
      if (verb === 'add') {
        const l = this.link(ns, rest[rest.indexOf('dev') + 1], argv);
        if (l.addrs.includes(rest[0])) this.fail(argv, 'RTNETLINK answers: File exists');
        l.addrs.push(rest[0]);
        return '';
      }
    }
    if (obj === 'route') {
      if (verb === 'show') {
        const connected = this.links.filter((l) => l.netns === ns && l.up).flatMap((l) => l.addrs.filter((a) => !a.startsWith('127.')).map((a) => ({ dst: networkOf(a), dev: l.ifname })));
        const rs = [...connected, ...this.routes.filter((r) => r.netns === ns).map((r) => ({ dst: r.dst, dev: r.dev, gateway: r.gateway }))];
        return JSON.stringify(rs);
      }
      if (verb === 'add') {
        const dst = rest[0];
        const dev = rest[rest.indexOf('dev') + 1];
        const gateway = rest.includes('via') ? rest[rest.indexOf('via') + 1] : undefined;
        this.link(ns, dev, argv);
        if (this.routes.some((r) => r.netns === ns && r.dst === dst)) this.fail(argv, 'RTNETLINK answers: File exists');
        this.routes.push({ netns: ns, dst, dev, gateway });
        return '';
      }
    }
    this.fail(argv, `fake ip: unsupported command "${argv.join(' ')}"`);
  }
}

function networkOf(addr: string): string {
  const [ip, len] = addr.split('/');
  const n = ip.split('.').reduce((a, b) => ((a << 8) | Number(b)) >>> 0, 0);
  const p = Number(len);
  const mask = p === 0 ? 0 : (~0 << (32 - p)) >>> 0;
  const net = (n & mask) >>> 0;
  return `${[net >>> 24, (net >>> 16) & 255, (net >>> 8) & 255, net & 255].join('.')}/${p}`;
}
