// Registers the Node and heartbeats its status and its Lease every 10 s, as the kubelet does.
import { readFileSync } from 'node:fs';
import { arch, cpus, release, totalmem } from 'node:os';
import type { RestClient } from '../../client/rest.js';
import { isAlreadyExistsError, isNotFoundError } from '../../client/rest.js';
import { Nodes, resourcePath } from '../../client/resources.js';
import { rfc3339 } from '../../util/time.js';
import { nodeObject, nodeStatus, type HostInfo, type NodeParams } from './object.js';
import { renewNodeLease } from './lease.js';

const read = (p: string): string => { try { return readFileSync(p, 'utf8').trim(); } catch { return ''; } };

export function hostInfo(): HostInfo {
  const osRelease = read('/etc/os-release');
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(osRelease)?.[1] ?? 'Linux';
  const a = arch();
  return {
    cpus: cpus().length, memoryBytes: totalmem(), kernelVersion: release(), osImage: pretty,
    architecture: a === 'x64' ? 'amd64' : a === 'ia32' ? '386' : a,
    machineID: read('/etc/machine-id') || 'kubesvc', bootID: read('/proc/sys/kernel/random/boot_id'),
  };
}

export const HEARTBEAT_MS = 10_000;

export class NodeRegistrar {
  private timer: NodeJS.Timeout | undefined;
  private readonly host = hostInfo();
  private last: any;

  constructor(private readonly client: RestClient, private readonly p: NodeParams) {}

  get allocatable(): { cpu: string; memory: string } {
    return { cpu: String(this.host.cpus), memory: `${Math.floor(this.host.memoryBytes / 1024)}Ki` };
  }

  async register(): Promise<void> {
    try {
      this.last = await this.client.create(resourcePath(Nodes), nodeObject(this.p, this.host, rfc3339()));
      // The first lease need not hold up the node's start: the next heartbeat retries it.
      this.renewLease().catch((e: Error) => console.error(`kubesvc agent: node lease: ${e.message}`));
    } catch (e) {
      if (!isAlreadyExistsError(e)) throw e;
      const cur = await this.client.get(resourcePath(Nodes, undefined, this.p.nodeName));
      // podCIDR is immutable once set; only fill it in.
      if (!cur.spec?.podCIDR) await this.client.patch(resourcePath(Nodes, undefined, this.p.nodeName), { spec: { podCIDR: this.p.podCIDR, podCIDRs: [this.p.podCIDR] } }, 'merge');
      else if (cur.spec.podCIDR !== this.p.podCIDR) throw new Error(`node ${this.p.nodeName} already has podCIDR ${cur.spec.podCIDR}, not ${this.p.podCIDR}`);
      this.last = cur;
      await this.heartbeat();
    }
  }

  async heartbeat(): Promise<void> {
    const status = nodeStatus(this.p, this.host, rfc3339(), this.last?.status);
    try {
      this.last = await this.client.patch(resourcePath(Nodes, undefined, this.p.nodeName, 'status'), { status }, 'merge');
    } catch (e) {
      if (isNotFoundError(e)) await this.register();
      else throw e;
    }
    await this.renewLease();
  }

  private renewLease(): Promise<void> {
    return renewNodeLease(this.client, { name: this.p.nodeName, uid: this.last?.metadata?.uid ?? '' });
  }

  startHeartbeat(): void {
    this.timer = setInterval(() => this.heartbeat().catch((e) => console.error(`kubesvc agent: heartbeat: ${(e as Error).message}`)), HEARTBEAT_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
