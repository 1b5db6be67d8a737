// The layer-2 announcer a node agent runs inside its node netns: it watches
// Services, EndpointSlices and Nodes, and holds on its node-network interface
// exactly the external addresses this node is elected for. Syncs coalesce:
// a burst of watch events costs one pass; a failed pass retries after 1 s.
import type { KubeObject } from '../api/object.js';
import { Informer } from '../client/informer.js';
import type { RestClient } from '../client/rest.js';
import { EndpointSlices, Nodes, Services } from '../client/resources.js';
import { addressesFor } from './desired.js';
import type { NodeLike } from './election.js';
import { RealAnnounceNet, type AnnounceNet } from './net.js';

export interface AnnouncerOptions {
  client: RestClient;
  nodeName: string;
  /** The node-network interface; default eth0. */
  interface?: string;
  /** Default: RealAnnounceNet on `interface` in the current netns. */
  net?: AnnounceNet;
  loadBalancerClass?: string;
  /** Shared informers, if the agent already runs them. */
  informers?: { services?: Informer; endpointSlices?: Informer; nodes?: Informer };
  log?: (msg: string) => void;
}

export interface Announcer {
  /** Gives up every address it holds. */
  stop(): Promise<void>;
  /** Addresses held now, sorted. */
  held(): string[];
  /** Resolves after a pass that started after this call. */
  sync(): Promise<void>;
}

export async function startAnnouncer(o: AnnouncerOptions): Promise<Announcer> {
  const log = o.log ?? ((m: string) => console.error(`kubesvc announcer ${o.nodeName}: ${m}`));
  const net = o.net ?? new RealAnnounceNet({ interface: o.interface ?? 'eth0', log });
  const own: Informer[] = [];
  const informer = (given: Informer | undefined, make: () => Informer): Informer => {
    if (given) return given;
    const i = make();
    own.push(i);
    return i;
  };
  const services = informer(o.informers?.services, () => new Informer(o.client, Services));
  const slices = informer(o.informers?.endpointSlices, () => new Informer(o.client, EndpointSlices));
  const nodes = informer(o.informers?.nodes, () => new Informer(o.client, Nodes));

  const held = new Set(await net.list());
  let stopped = false;
  let dirty = false;
  let running: Promise<void> | undefined;
  let retry: NodeJS.Timeout | undefined;
  let waiters: (() => void)[] = [];

  const pass = async (): Promise<void> => {
    const want = new Set(addressesFor(o.nodeName, services.list(), slices.list(), nodes.list() as (KubeObject & NodeLike)[], o.loadBalancerClass));
    for (const ip of [...held].filter((ip) => !want.has(ip))) {
      await net.remove(ip);
      held.delete(ip);
      log(`released ${ip}`);
    }
    for (const ip of [...want].filter((ip) => !held.has(ip))) {
      await net.add(ip);
      held.add(ip);
      log(`announcing ${ip}`);
      await net.announce(ip);
    }
  };

  const loop = async (): Promise<void> => {
    while (dirty && !stopped) {
      dirty = false;
      const done = waiters;
      waiters = [];
      try {
        await pass();
        done.forEach((w) => w());
      } catch (e) {
        log(`sync failed, retrying: ${(e as Error).message}`);
        waiters.push(...done);
        retry = setTimeout(schedule, 1000);
        retry.unref();
        break;
      }
    }
    running = undefined;
  };

  function schedule(): void {
    if (stopped) return;
    dirty = true;
    running ??= new Promise<void>((r) => setImmediate(r)).then(loop);
  }

  for (const i of [services, slices, nodes]) i.on({ add: schedule, update: schedule, delete: schedule });
  await Promise.all([services, slices, nodes].filter((i) => !i.hasSynced).map((i) => i.start()));
  // Not awaited: a broken interface must not hang the agent's start; passes retry.
  schedule();

  return {
    held: () => [...held].sort(),
    sync: () => {
      const p = new Promise<void>((r) => waiters.push(r));
      schedule();
      return p;
    },
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      own.forEach((i) => i.stop());
      await running;
      for (const ip of [...held]) {
        await net.remove(ip).catch((e) => log(`release ${ip}: ${(e as Error).message}`));
        held.delete(ip);
      }
      net.close?.();
      waiters.forEach((w) => w());
    },
  };
}
