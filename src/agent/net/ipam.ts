// Pod IP allocation inside the node's pod CIDR, round-robin like host-local
// IPAM so a freed address is not reused at once. State is plain data so the
// shell can persist it. Pure.
import { cidrSize, intToIp, ipToInt, parseCidr, type Cidr } from './cidr.js';

export interface IpamState {
  cidr: string;
  /** ip → pod uid */
  allocated: Record<string, string>;
  last?: string;
}

export class Ipam {
  private readonly c: Cidr;

  constructor(readonly state: IpamState) {
    this.c = parseCidr(state.cidr);
  }

  static empty(cidr: string): Ipam {
    return new Ipam({ cidr, allocated: {} });
  }

  ipOf(uid: string): string | undefined {
    return Object.keys(this.state.allocated).find((ip) => this.state.allocated[ip] === uid);
  }

  /** The pod's address; the same uid gets the same address back. */
  allocate(uid: string): string {
    const have = this.ipOf(uid);
    if (have) return have;
    const size = cidrSize(this.c);
    // Skip the network address, the gateway (.1) and the broadcast address.
    const first = 2, lastHost = size - 2;
    const start = this.state.last ? ipToInt(this.state.last) - this.c.base : first - 1;
    for (let i = 1; i <= lastHost - first + 1; i++) {
      let off = start + i;
      if (off > lastHost) off = first + ((off - first) % (lastHost - first + 1));
      if (off < first) off = first;
      const ip = intToIp(this.c.base + off);
      if (!this.state.allocated[ip]) {
        this.state.allocated[ip] = uid;
        this.state.last = ip;
        return ip;
      }
    }
    throw new Error(`pod CIDR ${this.state.cidr} is exhausted`);
  }

  release(uid: string): void {
    for (const ip of Object.keys(this.state.allocated)) if (this.state.allocated[ip] === uid) delete this.state.allocated[ip];
  }

  /** Drops allocations of pods that no longer exist. */
  retain(liveUids: Set<string>): void {
    for (const [ip, uid] of Object.entries(this.state.allocated)) if (!liveUids.has(uid)) delete this.state.allocated[ip];
  }
}
