// Records core/v1 Events so `kubectl describe` shows what a component did.
// Repeats of the same event within the hour bump `count` instead of piling up.
import { randomBytes } from 'node:crypto';
import type { KubeObject } from '../api/object.js';
import { rfc3339 } from '../util/time.js';
import { isNotFoundError, type RestClient } from './rest.js';
import { Events, resourcePath } from './resources.js';

export interface EventSpec {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export class EventRecorder {
  private readonly recent = new Map<string, { name: string; count: number; first: string }>();

  constructor(private readonly client: RestClient, private readonly component: string, private readonly host?: string) {}

  async record(obj: KubeObject, e: EventSpec): Promise<void> {
    const ns = obj.metadata.namespace ?? 'default';
    const dedupe = `${obj.metadata.uid}/${e.type}/${e.reason}/${e.message}`;
    const now = rfc3339();
    const prev = this.recent.get(dedupe);
    try {
      if (prev) {
        prev.count++;
        await this.client.patch(resourcePath(Events, ns, prev.name), { count: prev.count, lastTimestamp: now }, 'merge');
        return;
      }
    } catch (err) {
      if (!isNotFoundError(err)) throw err;
    }
    const name = `${obj.metadata.name}.${Date.now().toString(16)}${randomBytes(2).toString('hex')}`;
    await this.client.create(resourcePath(Events, ns), {
      apiVersion: 'v1', kind: 'Event',
      metadata: { name, namespace: ns },
      involvedObject: { kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name, uid: obj.metadata.uid, apiVersion: obj.apiVersion, resourceVersion: obj.metadata.resourceVersion },
      reason: e.reason, message: e.message, type: e.type,
      source: { component: this.component, ...(this.host ? { host: this.host } : {}) },
      firstTimestamp: now, lastTimestamp: now, count: 1,
      eventTime: null, reportingComponent: this.component, reportingInstance: this.host ?? '',
    });
    if (this.recent.size > 4096) this.recent.clear();
    this.recent.set(dedupe, { name, count: 1, first: now });
  }

  /** Fire-and-forget: a failed event must never fail the caller's work. */
  emit(obj: KubeObject, e: EventSpec): void {
    this.record(obj, e).catch((err) => console.error(`kubesvc ${this.component}: event ${e.reason}: ${(err as Error).message}`));
  }
}
