// RealNetNS: iproute2, sysctl and nft. Named namespaces are mounted in the
// mount namespace of whoever started the agent (`ip netns exec` gave the agent
// a private, slave copy), so they are visible to `ip netns` on the host and
// to `kubesvc down`, and reach the agent by mount propagation.
import { closeSync, existsSync, openSync, readdirSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { IpSession } from './ip-session.js';
import type { ProcessRunner } from '../runtime/process.js';
import { ALREADY_GONE, createNetnsBatch, deletePodBatch } from './pod-batch.js';
import { attachNodeSide, wirePodSide } from './rtnetlink.js';
import { pidsInNetns } from './netns-pids.js';
import { NetError, type NetNS, type PodNetwork } from './netns.js';
import { bridgeMac, netnsPath } from './names.js';
import { nodeSysctls, sysctlPath } from './node-sysctls.js';

export const NAT_TABLE = 'kubesvc-agent';
/** After a pod's netns name is gone, when its veth should be gone too. */
const VETH_SWEEP_MS = 2000;

/** Opens the launcher's mount namespace when it differs from ours; -1 when not needed. */
export function openHostMountNs(path?: string): number {
  const candidate = path ?? `/proc/${process.ppid}/ns/mnt`;
  try {
    if (!path && readlinkSync(candidate) === readlinkSync('/proc/self/ns/mnt')) return -1;
    return openSync(candidate, 'r');
  } catch {
    return -1;
  }
}

/** The name under /run/netns of the namespace this process runs in, if it has one. */
export function ownNetnsName(): string | undefined {
  try {
    const self = statSync('/proc/self/ns/net');
    for (const n of readdirSync('/run/netns')) {
      const st = statSync(netnsPath(n));
      if (st.ino === self.ino && st.dev === self.dev) return n;
    }
  } catch { /* no named namespaces */ }
  return undefined;
}

export class RealNetNS implements NetNS {
  /** Pod networks are wired through one long-lived `ip -batch` (node side in the launcher's mount namespace). */
  private readonly session: IpSession;
  /** Pending veth sweeps (deletePod); cancelled by close(), which must not be followed by a new session. */
  private readonly sweeps = new Set<NodeJS.Timeout>();

  /** The node's netns, for the pod side to send the veth's node end to (rtnetlink.ts). */
  private nodeNetnsFd = openSync('/proc/self/ns/net', 'r');

  constructor(private readonly runner: ProcessRunner, private readonly hostMntFd = -1) {
    // In the launcher's mount namespace (the fd becomes fd 3 of nsenter), or as is when we share it.
    this.session = hostMntFd >= 0 ? new IpSession(['nsenter', '--mount=/proc/self/fd/3', '--', 'ip'], [hostMntFd]) : new IpSession(['ip']);
  }

  close(): void {
    for (const t of this.sweeps) clearTimeout(t);
    this.sweeps.clear();
    this.session.close();
    // -1 first: a pod side still to come fails instead of passing a number the kernel may reuse.
    const fd = this.nodeNetnsFd;
    this.nodeNetnsFd = -1;
    closeSync(fd);
    if (this.hostMntFd >= 0) closeSync(this.hostMntFd);
  }

  private async sh(argv: string[], opts: { input?: string; okCodes?: (stderr: string) => boolean } = {}): Promise<string> {
    const r = await this.runner.run(argv, { input: opts.input });
    if (r.code !== 0 && !opts.okCodes?.(r.stderr)) throw new NetError(argv, r.code, r.stderr);
    return r.stdout;
  }

  async setupNode(o: { bridge: string; gatewayCidr: string; podCIDR: string; clusterCIDR: string }): Promise<void> {
    await this.sh(['ip', 'link', 'add', o.bridge, 'type', 'bridge'], { okCodes: (e) => /exists/i.test(e) });
    // Pinned, so the pods' gateway keeps its address as pods come and go (names.ts).
    await this.sh(['ip', 'link', 'set', o.bridge, 'address', bridgeMac(o.gatewayCidr.split('/')[0])]);
    await this.sh(['ip', 'addr', 'replace', o.gatewayCidr, 'dev', o.bridge]);
    await this.sh(['ip', 'link', 'set', o.bridge, 'up']);
    for (const [k, v] of Object.entries(nodeSysctls(o.bridge))) writeFileSync(sysctlPath(k), v);
    // Pods reach the node network (API server, other hosts) with the node's address, as CNI ipMasq does.
    await this.sh(['nft', '-f', '-'], {
      input: `table ip ${NAT_TABLE}\ndelete table ip ${NAT_TABLE}\ntable ip ${NAT_TABLE} {\n  chain postrouting {\n    type nat hook postrouting priority srcnat + 10; policy accept;\n` +
        `    ip saddr ${o.podCIDR} ip daddr != ${o.clusterCIDR} oifname != "${o.bridge}" masquerade\n  }\n}\n`,
    });
  }

  async teardownNode(bridge: string): Promise<void> {
    await this.sh(['nft', 'delete', 'table', 'ip', NAT_TABLE], { okCodes: () => true });
    await this.sh(['ip', 'link', 'del', bridge], { okCodes: () => true });
  }

  /**
   * The named netns through the agent's one `ip -batch` session (ip-session.ts:
   * it runs in the mount namespace that holds /run/netns); the veth as rtnetlink
   * requests (rtnetlink.ts: no process starts for them), its pod side from a socket
   * the agent opens inside the pod's netns, its node end sent to the node's netns
   * by fd and put into the bridge from the agent's own. The session's ip never
   * opens a pod namespace, so it holds none alive. The namespace's
   * unprivileged-port sysctl is set as each container starts (runtime/process.ts),
   * as containerd does.
   */
  async createPod(p: PodNetwork, bridge: string): Promise<void> {
    await this.session.run(createNetnsBatch(p), 'lo', ALREADY_GONE);
    if (this.nodeNetnsFd < 0) throw new Error('the agent is stopping');
    wirePodSide(p, netnsPath(p.netns), this.nodeNetnsFd);
    attachNodeSide(p.veth, bridge);
  }

  /**
   * Through the ip session too (in the launcher's mount namespace, where the
   * netns is mounted); `lo` marks the end. The veth goes with the namespace
   * (pod-batch.ts). Should a process we could not kill still hold the
   * namespace, its veth would keep the released address on the bridge, so a
   * later sweep deletes a veth that outlived its namespace's name.
   */
  async deletePod(netns: string, veth: string): Promise<void> {
    await this.session.run(deletePodBatch(netns), 'lo', ALREADY_GONE);
    const t = setTimeout(() => {
      this.sweeps.delete(t);
      if (existsSync(netnsPath(netns))) return; // the pod's sandbox was made again
      this.session.run([`link del ${veth}`], 'lo', ALREADY_GONE).catch((e) => console.error(`kubesvc agent: ${veth}: ${(e as Error).message}`));
    }, VETH_SWEEP_MS).unref();
    this.sweeps.add(t);
  }

  async listNetns(): Promise<string[]> {
    const out = await this.sh(['ip', 'netns', 'list']);
    return out.split('\n').map((l) => l.trim().split(/\s+/)[0]).filter(Boolean);
  }

  async netnsPids(netns: string): Promise<number[]> {
    return pidsInNetns(netnsPath(netns));
  }

  async listRoutes(within: string): Promise<Map<string, string>> {
    const out = await this.sh(['ip', '-j', 'route', 'show', 'root', within]);
    const m = new Map<string, string>();
    for (const r of JSON.parse(out || '[]') as any[]) if (r.gateway && r.dst) m.set(r.dst.includes('/') ? r.dst : `${r.dst}/32`, r.gateway);
    return m;
  }

  async replaceRoute(cidr: string, via: string): Promise<void> {
    await this.sh(['ip', 'route', 'replace', cidr, 'via', via]);
  }

  async deleteRoute(cidr: string): Promise<void> {
    await this.sh(['ip', 'route', 'del', cidr], { okCodes: () => true });
  }
}
