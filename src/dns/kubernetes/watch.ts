// The informer edge: list+watch Services, EndpointSlices, Pods and Namespaces
// and keep the record index current, converting each object to its slim form.
import type { KubeObject } from '../../api/object.js';
import { Informer } from '../../client/informer.js';
import type { RestClient } from '../../client/rest.js';
import { EndpointSlices, Namespaces, Pods, Services } from '../../client/resources.js';
import type { RecordIndex } from './index.js';
import { toPodInfo, toServiceInfo, toSliceInfo } from './object.js';

export interface IndexWatch {
  synced(): boolean;
  stop(): void;
}

export async function watchIntoIndex(client: RestClient, index: RecordIndex, o: { pods: boolean }): Promise<IndexWatch> {
  const ns = new Informer(client, Namespaces).on({
    add: (n) => index.setNamespace(n.metadata.name!, true),
    update: (_o, n) => index.setNamespace(n.metadata.name!, true),
    delete: (n) => index.setNamespace(n.metadata.name!, false),
  });
  const svc = new Informer(client, Services).on({
    add: (s) => index.upsertService(toServiceInfo(s)),
    update: (_o, s) => index.upsertService(toServiceInfo(s)),
    delete: (s) => index.deleteService(s.metadata.namespace!, s.metadata.name!),
  });
  const upsertSlice = (s: KubeObject): void => {
    const info = toSliceInfo(s);
    if (info) index.upsertSlice(info);
    else index.deleteSlice(s.metadata.namespace!, s.metadata.name!);
  };
  const eps = new Informer(client, EndpointSlices).on({
    add: upsertSlice,
    update: (_o, s) => upsertSlice(s),
    delete: (s) => index.deleteSlice(s.metadata.namespace!, s.metadata.name!),
  });
  const informers: Informer[] = [ns, svc, eps];
  if (o.pods) {
    informers.push(new Informer(client, Pods).on({
      add: (p) => index.upsertPod(toPodInfo(p)),
      update: (_o, p) => index.upsertPod(toPodInfo(p)),
      delete: (p) => index.deletePod(p.metadata.namespace!, p.metadata.name!),
    }));
  }
  try {
    await Promise.all(informers.map((i) => i.start()));
  } catch (e) {
    for (const i of informers) i.stop();
    throw e;
  }
  return {
    synced: () => informers.every((i) => i.hasSynced),
    stop: () => { for (const i of informers) i.stop(); },
  };
}
