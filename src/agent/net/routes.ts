// Keeps host-gw routes to every other node's pod CIDR, from the Node objects.
import type { RestClient } from '../../client/rest.js';
import { Informer } from '../../client/informer.js';
import { Nodes } from '../../client/resources.js';
import { wantedRoutes } from '../node/object.js';
import type { NetNS } from './netns.js';

export class RouteSync {
  private informer: Informer | undefined;
  private running = false;
  private again = false;

  constructor(private readonly client: RestClient, private readonly netns: NetNS, private readonly nodeName: string, private readonly clusterCIDR: string) {}

  async start(): Promise<void> {
    this.informer = new Informer(this.client, Nodes);
    this.informer.on({ add: () => this.kick(), update: () => this.kick(), delete: () => this.kick() });
    await this.informer.start();
    await this.sync();
  }

  private kick(): void {
    if (this.informer?.hasSynced) void this.sync();
  }

  async sync(): Promise<void> {
    if (this.running) { this.again = true; return; }
    this.running = true;
    try {
      do {
        this.again = false;
        const want = wantedRoutes(this.nodeName, this.informer?.list() ?? []);
        const have = await this.netns.listRoutes(this.clusterCIDR);
        for (const [cidr, via] of want) if (have.get(cidr) !== via) await this.netns.replaceRoute(cidr, via);
        for (const cidr of have.keys()) if (!want.has(cidr)) await this.netns.deleteRoute(cidr);
      } while (this.again);
    } catch (e) {
      console.error(`kubesvc agent: routes: ${(e as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  stop(): void {
    this.informer?.stop();
  }
}
