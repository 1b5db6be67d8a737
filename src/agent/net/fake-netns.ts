// FakeNetNS: an in-memory model of the node's namespaces, links and routes.
import type { NetNS, PodNetwork } from './netns.js';

export class FakeNetNS implements NetNS {
  readonly namespaces = new Map<string, PodNetwork>();
  readonly links = new Set<string>();
  readonly routes = new Map<string, string>();
  readonly pids = new Map<string, number[]>();
  node: { bridge: string; gatewayCidr: string } | undefined;
  readonly log: string[] = [];

  async setupNode(o: { bridge: string; gatewayCidr: string }): Promise<void> {
    this.node = { bridge: o.bridge, gatewayCidr: o.gatewayCidr };
    this.log.push(`setupNode ${o.bridge} ${o.gatewayCidr}`);
  }

  async teardownNode(): Promise<void> {
    this.node = undefined;
  }

  async createPod(p: PodNetwork, bridge: string): Promise<void> {
    if (!this.node || this.node.bridge !== bridge) throw new Error(`bridge ${bridge} does not exist`);
    if (this.namespaces.has(p.netns)) throw new Error(`netns ${p.netns} exists`);
    if (this.links.has(p.veth)) throw new Error(`link ${p.veth} exists`);
    if ([...this.namespaces.values()].some((n) => n.ip === p.ip)) throw new Error(`address ${p.ip} in use`);
    this.namespaces.set(p.netns, { ...p });
    this.links.add(p.veth);
    this.log.push(`createPod ${p.netns} ${p.ip}`);
  }

  async deletePod(netns: string, veth: string): Promise<void> {
    this.namespaces.delete(netns);
    this.links.delete(veth);
    this.pids.delete(netns);
    this.log.push(`deletePod ${netns}`);
  }

  async listNetns(): Promise<string[]> {
    return [...this.namespaces.keys()];
  }

  async netnsPids(netns: string): Promise<number[]> {
    return this.pids.get(netns) ?? [];
  }

  async listRoutes(): Promise<Map<string, string>> {
    return new Map(this.routes);
  }

  async replaceRoute(cidr: string, via: string): Promise<void> {
    this.routes.set(cidr, via);
  }

  async deleteRoute(cidr: string): Promise<void> {
    this.routes.delete(cidr);
  }
}
