// Watches the pods bound to this node and keeps one worker per pod UID.
// Pods gone from the API (force delete) are still stopped and cleaned up.
import type { RestClient } from '../../client/rest.js';
import { Informer } from '../../client/informer.js';
import { Pods, Services } from '../../client/resources.js';
import type { KubeObject } from '../../api/object.js';
import type { NetNS } from '../net/netns.js';
import { isPodNetns } from '../net/names.js';
import { PodWorker, type WorkerDeps } from './worker.js';

const FORCE_GRACE_MS = 2000; // the kubelet's minimum grace when the pod is already gone

export class PodManager {
  readonly workers = new Map<string, PodWorker>();
  private pods: Informer | undefined;
  private services: Informer | undefined;

  constructor(private readonly client: RestClient, private readonly deps: Omit<WorkerDeps, 'services' | 'onDone'>) {}

  async start(): Promise<void> {
    this.services = new Informer(this.client, Services);
    await this.services.start();
    await this.reclaim(this.deps.netns);
    this.pods = new Informer(this.client, Pods, { fieldSelector: `spec.nodeName=${this.deps.nodeName}` });
    this.pods.on({
      add: (p) => this.sync(p),
      update: (_o, p) => this.sync(p),
      delete: (p) => this.gone(p),
    });
    await this.pods.start();
  }

  /** Namespaces of an earlier agent run: their processes are killed and the pods start afresh. */
  private async reclaim(netns: NetNS): Promise<void> {
    for (const name of await netns.listNetns()) {
      if (!isPodNetns(this.deps.netnsPrefix, name)) continue;
      for (const pid of await netns.netnsPids(name)) {
        try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
      }
      await netns.deletePod(name, `veth${name.slice(-8)}`);
    }
  }

  private sync(p: KubeObject): void {
    const uid = p.metadata.uid!;
    const w = this.workers.get(uid);
    if (w) return w.update(p);
    const phase = p.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return;
    const worker = new PodWorker(p, { ...this.deps, services: () => (this.services?.list() ?? []) as any, onDone: (id) => this.workers.delete(id) });
    this.workers.set(uid, worker);
    if (p.metadata.deletionTimestamp) void worker.terminate(0, 'deleted');
    else void worker.start();
  }

  private gone(p: KubeObject): void {
    const w = this.workers.get(p.metadata.uid!);
    if (w) void w.terminate(FORCE_GRACE_MS, 'gone');
  }

  find(namespace: string, name: string): PodWorker | undefined {
    for (const w of this.workers.values()) if (w.pod.metadata.namespace === namespace && w.pod.metadata.name === name) return w;
    return undefined;
  }

  /** Agent shutdown: stop watching and kill every pod (their namespaces go too). */
  async stop(graceMs = 2000): Promise<void> {
    this.pods?.stop();
    this.services?.stop();
    await Promise.all([...this.workers.values()].map((w) => w.terminate(graceMs, 'agent-stopping')));
  }
}
