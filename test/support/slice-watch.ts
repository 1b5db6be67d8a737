// Watches a Service's EndpointSlices from the test process and keeps a timeline of
// what they list: for each change, the wall-clock time it arrived and each address's
// state (ready, or listed but not ready). The proxy watches the same objects, so these
// times are when the proxy could first have known.
import { Informer } from '../../src/client/informer.js';
import { EndpointSlices } from '../../src/client/resources.js';
import { RestClient, loadKubeconfig } from '../../src/client/rest.js';

export type EndpointState = 'ready' | 'not-ready';

export interface SliceSnapshot { at: number; endpoints: Map<string, EndpointState> }

export interface SliceWatch {
  timeline: SliceSnapshot[];
  /** The first time at or after `from` when pred held for the listed endpoints. */
  firstTime(pred: (eps: Map<string, EndpointState>) => boolean, from?: number): number | undefined;
  stop(): void;
}

export async function watchSlices(kubeconfig: string, service: string, namespace = 'default'): Promise<SliceWatch> {
  const client = new RestClient(loadKubeconfig(kubeconfig), 'kubesvc-e2e-slice-watch');
  const timeline: SliceSnapshot[] = [];
  const informer = new Informer(client, EndpointSlices, { namespace, labelSelector: `kubernetes.io/service-name=${service}` });
  const record = (): void => {
    const endpoints = new Map<string, EndpointState>();
    for (const s of informer.list()) {
      for (const e of (s.endpoints ?? []) as { addresses: string[]; conditions?: { ready?: boolean } }[]) {
        for (const a of e.addresses) endpoints.set(a, e.conditions?.ready === false ? 'not-ready' : 'ready');
      }
    }
    timeline.push({ at: Date.now(), endpoints });
  };
  informer.on({ add: record, update: record, delete: record });
  await informer.start();
  record();
  return {
    timeline,
    firstTime(pred, from = 0) {
      for (let i = 0; i < timeline.length; i++) {
        const s = timeline[i], next = timeline[i + 1];
        if (next && next.at <= from) continue; // superseded before `from`
        if (pred(s.endpoints)) return Math.max(s.at, from);
      }
      return undefined;
    },
    stop() { informer.stop(); client.close(); },
  };
}
