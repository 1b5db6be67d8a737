// Scheduler shell: watches pods and nodes, binds each unscheduled pod to the
// node pickNode chooses, and explains through a PodScheduled=False condition
// and a FailedScheduling event when none fits. Unschedulable pods are retried
// when nodes change (and periodically, as the upstream queue flushes them).
import type { KubeObject } from '../../api/object.js';
import { EventRecorder } from '../../client/events.js';
import type { Informer } from '../../client/informer.js';
import { isConflictError, isNotFoundError, type RestClient } from '../../client/rest.js';
import { Nodes, Pods, resourcePath } from '../../client/resources.js';
import { WorkQueue } from '../../client/workqueue.js';
import { rfc3339 } from '../../util/time.js';
import { InformerSet, keyOf, splitKey } from '../replicaset/informers.js';
import { countPodsByNode, needsScheduling, pickNode } from './pick.js';
import { jsonEqual } from '../../api/object.js';

export interface SchedulerOptions {
  pods?: Informer;
  nodes?: Informer;
  schedulerName?: string;
  workers?: number;
  /** Retry interval for pods nothing fits, absent node changes. */
  unschedulableRetryMs?: number;
  recorder?: EventRecorder;
}

export class Scheduler {
  private readonly informers: InformerSet;
  private readonly pods: Informer;
  private readonly nodes: Informer;
  private readonly queue = new WorkQueue<string>(50, 10_000);
  /** Pods bound by us that the informer has not yet shown bound. */
  private readonly assumed = new Map<string, string>();
  private readonly unschedulable = new Set<string>();
  private readonly recorder: EventRecorder;
  private readonly name: string;
  private stopped = false;
  private running: Promise<void> | undefined;

  constructor(private readonly client: RestClient, private readonly opts: SchedulerOptions = {}) {
    this.name = opts.schedulerName ?? 'default-scheduler';
    this.informers = new InformerSet(client);
    this.pods = this.informers.use(opts.pods, Pods);
    this.nodes = this.informers.use(opts.nodes, Nodes);
    this.recorder = opts.recorder ?? new EventRecorder(client, this.name);
    this.pods.on({
      add: (p) => this.podChanged(p),
      update: (_o, p) => this.podChanged(p),
      delete: (p) => { this.assumed.delete(keyOf(p)); this.unschedulable.delete(keyOf(p)); },
    });
    this.nodes.on({
      add: () => this.retryUnschedulable(),
      update: (o, n) => { if (!jsonEqual(o.spec, n.spec) || !jsonEqual(o.metadata.labels, n.metadata.labels) || !jsonEqual(readyOf(o), readyOf(n))) this.retryUnschedulable(); },
    });
  }

  async start(): Promise<void> {
    await this.informers.start(() => this.stopped);
    for (const p of this.pods.list()) this.podChanged(p);
    this.running = this.queue.run((k) => this.sync(k), this.opts.workers ?? 1);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.shutDown();
    this.informers.stop();
    await this.running;
  }

  private podChanged(p: KubeObject): void {
    const k = keyOf(p);
    if (p.spec?.nodeName) {
      this.assumed.delete(k);
      this.unschedulable.delete(k);
      return;
    }
    if (needsScheduling(p, this.name)) this.queue.add(k);
  }

  private retryUnschedulable(): void {
    for (const k of this.unschedulable) this.queue.add(k);
  }

  private async sync(key: string): Promise<void> {
    const [ns, name] = splitKey(key);
    const pod = this.pods.get(ns, name);
    if (!pod || !needsScheduling(pod, this.name) || this.assumed.has(key)) return;
    const counts = countPodsByNode(this.pods.list());
    for (const [k, node] of this.assumed) {
      const [ans, aname] = splitKey(k);
      if (!this.pods.get(ans, aname)?.spec?.nodeName) counts.set(node, (counts.get(node) ?? 0) + 1);
    }
    const choice = pickNode(pod, this.nodes.list(), counts);
    if (typeof choice === 'string') return this.bind(key, pod, choice);
    this.unschedulable.add(key);
    this.queue.addAfter(key, this.opts.unschedulableRetryMs ?? 30_000);
    await this.markUnschedulable(pod, choice.reason);
  }

  private async bind(key: string, pod: KubeObject, node: string): Promise<void> {
    // Assumed before the await, so the next pod already sees this one on the node.
    this.assumed.set(key, node);
    try {
      await this.client.create(resourcePath(Pods, pod.metadata.namespace, pod.metadata.name, 'binding'), {
        apiVersion: 'v1', kind: 'Binding',
        metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace, uid: pod.metadata.uid },
        target: { apiVersion: 'v1', kind: 'Node', name: node },
      });
    } catch (e) {
      this.assumed.delete(key);
      if (isNotFoundError(e) || isConflictError(e)) return; // gone, bound elsewhere, or terminating
      throw e;
    }
    this.unschedulable.delete(key);
    this.recorder.emit(pod, { type: 'Normal', reason: 'Scheduled', message: `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node}` });
  }

  private async markUnschedulable(pod: KubeObject, message: string): Promise<void> {
    this.recorder.emit(pod, { type: 'Warning', reason: 'FailedScheduling', message });
    const cur = (pod.status?.conditions ?? []).find((c: { type: string }) => c.type === 'PodScheduled');
    if (cur?.status === 'False' && cur.reason === 'Unschedulable' && cur.message === message) return;
    const cond = { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: rfc3339() };
    try {
      await this.client.patch(resourcePath(Pods, pod.metadata.namespace, pod.metadata.name, 'status'), { status: { conditions: [cond] } }, 'strategic');
    } catch (e) {
      if (!isNotFoundError(e)) throw e;
    }
  }
}

const readyOf = (n: KubeObject): unknown => (n.status?.conditions ?? []).find((c: { type: string }) => c.type === 'Ready')?.status;
