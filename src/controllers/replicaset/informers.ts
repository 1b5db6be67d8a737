// Shared-or-own informers for a controller: injected ones are started by their
// owner (the controller manager), so the controller only waits for their sync.
import type { KubeObject } from '../../api/object.js';
import { Informer } from '../../client/informer.js';
import type { RestClient } from '../../client/rest.js';
import type { ResourceRef } from '../../client/resources.js';

export class InformerSet {
  private readonly own: Informer[] = [];
  private readonly all: Informer[] = [];

  constructor(private readonly client: RestClient) {}

  use<T extends KubeObject>(injected: Informer<T> | undefined, ref: ResourceRef): Informer<T> {
    const inf = injected ?? new Informer<T>(this.client, ref);
    if (!injected) this.own.push(inf as unknown as Informer);
    this.all.push(inf as unknown as Informer);
    return inf;
  }

  async start(isStopped: () => boolean): Promise<void> {
    await Promise.all(this.own.map((i) => i.start()));
    while (!this.all.every((i) => i.hasSynced)) {
      if (isStopped()) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  stop(): void {
    for (const i of this.own) i.stop();
  }
}

export const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

export function splitKey(key: string): [string, string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}
