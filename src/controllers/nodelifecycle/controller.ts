// The node lifecycle controller: notices nodes whose agent stopped heartbeating
// (killed, hung, cut off) and acts as kube-controller-manager's does. Past the
// grace period it sets the node's conditions Unknown; it keeps the not-ready /
// unreachable taints in step with the Ready condition; it marks the pods of a
// node that is not Ready as not Ready (so their endpoints leave Services); and
// it evicts pods from NoExecute-tainted nodes once their tolerationSeconds have
// passed (300 s by default admission), so their controllers replace them.
import type { KubeObject } from '../../api/object.js';
import { EventRecorder } from '../../client/events.js';
import type { Informer } from '../../client/informer.js';
import { isConflictError, isNotFoundError, type RestClient } from '../../client/rest.js';
import { Nodes, Pods, resourcePath } from '../../client/resources.js';
import { rfc3339 } from '../../util/time.js';
import { isPodReady } from '../replicaset/pod-util.js';
import { isNodeReady } from '../scheduler/filters.js';
import { evictionTime, heartbeatOf, lifecycleTaints, readyCondition, unknownConditions, type TimedTaint } from './health.js';

export interface NodeLifecycleOptions {
  nodes: Informer;
  pods: Informer;
  /** kube-node-lease Leases: a renewal counts as a heartbeat, as a status update does. */
  leases?: Informer;
  /** `--node-monitor-grace-period`: silence before a Ready node turns Unknown (default 50 s, as Kubernetes 1.32). */
  gracePeriodMs?: number;
  /** How often nodes are checked (default 5 s). */
  monitorPeriodMs?: number;
  log?: (msg: string) => void;
}

const DEFAULT_NODE_MONITOR_GRACE_MS = 50_000;
/** Silence allowed to a node that never posted status (kube-controller-manager's node-startup-grace-period). */
const STARTUP_GRACE_MS = 60_000;

export class NodeLifecycleController {
  /** Per node: the last heartbeat seen and when (our clock), as the upstream nodeHealthMap. */
  private readonly seen = new Map<string, { beat: string; at: number }>();
  private readonly events: EventRecorder;
  private readonly log: (msg: string) => void;
  private timer: NodeJS.Timeout | undefined;
  private busy: Promise<void> | undefined;

  constructor(private readonly client: RestClient, private readonly o: NodeLifecycleOptions) {
    this.events = new EventRecorder(client, 'node-controller');
    this.log = o.log ?? ((m) => console.error(`kubesvc node-lifecycle: ${m}`));
  }

  async start(): Promise<void> {
    for (const i of [this.o.nodes, this.o.pods, this.o.leases]) if (i && !i.hasSynced) await i.start();
    this.timer = setInterval(() => this.tick(), this.o.monitorPeriodMs ?? 5000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.busy;
  }

  /** One pass over every node; a pass still running makes the next tick skip. */
  tick(): Promise<void> {
    if (this.busy) return this.busy;
    this.busy = this.monitor().catch((e: Error) => this.log(e.message)).finally(() => (this.busy = undefined));
    return this.busy;
  }

  private async monitor(): Promise<void> {
    const now = Date.now();
    const names = new Set<string>();
    const podsByNode = new Map<string, KubeObject[]>();
    for (const p of this.o.pods.list()) {
      const n = p.spec?.nodeName;
      if (!n) continue;
      const list = podsByNode.get(n);
      if (list) list.push(p);
      else podsByNode.set(n, [p]);
    }
    for (const node of this.o.nodes.list()) {
      const name = node.metadata.name!;
      names.add(name);
      try {
        await this.monitorNode(node, podsByNode.get(name) ?? [], now);
      } catch (e) {
        if (!isNotFoundError(e)) this.log(`node ${name}: ${(e as Error).message}`);
      }
    }
    for (const name of this.seen.keys()) if (!names.has(name)) this.seen.delete(name);
  }

  private async monitorNode(node: KubeObject, pods: KubeObject[], now: number): Promise<void> {
    const name = node.metadata.name!;
    const beat = heartbeatOf(node, this.o.leases?.get('kube-node-lease', name));
    let seen = this.seen.get(name);
    if (!seen || seen.beat !== beat) this.seen.set(name, (seen = { beat, at: now }));
    const silentFor = now - seen.at;
    const grace = readyCondition(node) ? this.o.gracePeriodMs ?? DEFAULT_NODE_MONITOR_GRACE_MS : STARTUP_GRACE_MS;
    const stamp = rfc3339(new Date(now));
    if (silentFor > grace) {
      const conditions = unknownConditions(node, stamp);
      if (conditions) {
        node = await this.client.patch(resourcePath(Nodes, undefined, name, 'status'), { status: { conditions } }, 'merge');
        seen.beat = heartbeatOf(node, this.o.leases?.get('kube-node-lease', name));
        this.log(`node ${name}: no status for ${Math.round(silentFor / 1000)} s, conditions now Unknown`);
        this.events.emit(node, { type: 'Normal', reason: 'NodeNotReady', message: `Node ${name} status is now: NodeNotReady` });
      }
    }
    const taints = lifecycleTaints(node, stamp);
    if (taints) {
      // The taint list is replaced whole: the resourceVersion makes a write from a stale copy (a
      // taint added meanwhile) a 409, and the next pass starts from the newer node.
      try {
        node = await this.client.patch(resourcePath(Nodes, undefined, name), { metadata: { resourceVersion: node.metadata.resourceVersion }, spec: { taints } }, 'merge');
      } catch (e) {
        if (isConflictError(e) || isNotFoundError(e)) return;
        throw e;
      }
    }
    if (!isNodeReady(node)) await this.markPodsNotReady(pods, stamp);
    await this.evict(node, pods, now);
  }

  private async markPodsNotReady(pods: KubeObject[], stamp: string): Promise<void> {
    for (const pod of pods) {
      if (!isPodReady(pod)) continue;
      await this.client.patch(resourcePath(Pods, pod.metadata.namespace, pod.metadata.name, 'status'),
        { status: { conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: stamp }] } }, 'strategic')
        .catch((e: Error) => { if (!isNotFoundError(e)) throw e; });
      this.events.emit(pod, { type: 'Warning', reason: 'NodeNotReady', message: 'Node is not ready' });
    }
  }

  private async evict(node: KubeObject, pods: KubeObject[], now: number): Promise<void> {
    const taints: TimedTaint[] = node.spec?.taints ?? [];
    if (!taints.some((t) => t.effect === 'NoExecute')) return;
    for (const pod of pods) {
      if (pod.metadata.deletionTimestamp) continue;
      const at = evictionTime(pod, taints, now);
      if (at === undefined || at > now) continue;
      const ref = `${pod.metadata.namespace}/${pod.metadata.name}`;
      this.events.emit(pod, { type: 'Normal', reason: 'TaintManagerEviction', message: `Marking for deletion Pod ${ref}` });
      await this.client.delete(resourcePath(Pods, pod.metadata.namespace, pod.metadata.name)).catch((e: Error) => { if (!isNotFoundError(e)) throw e; });
      this.log(`evicted pod ${ref} from node ${node.metadata.name}`);
    }
  }
}
