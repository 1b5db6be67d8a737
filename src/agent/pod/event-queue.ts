// The agent's events go out a few at a time behind everything else it writes,
// as client-go's broadcaster sends them from one goroutine: with many pods
// starting at once, Created/Started events must not hold up status writes
// on the shared connection pool, nor take the API server's time while pods
// wait for theirs. With a gate, each event waits until no pod is starting,
// or until MAX_HOLD_MS after it was emitted; they stay in order.
import type { KubeObject } from '../../api/object.js';
import type { EventRecorder, EventSpec } from '../../client/events.js';
import { FifoLimiter } from '../../util/fifo-limiter.js';
import type { QuietGate } from '../../util/quiet-gate.js';

/** The longest an event waits for the pods' starts to finish: events stay timely under constant churn. */
export const MAX_HOLD_MS = 2000;

export interface EventSink {
  emit(obj: KubeObject, e: EventSpec): void;
}

export class EventQueue implements EventSink {
  private readonly limiter: FifoLimiter;
  private queued = 0;

  private readonly max: number;
  private readonly gate: QuietGate | undefined;

  constructor(private readonly recorder: Pick<EventRecorder, 'record'>, private readonly component: string, o: { concurrency?: number; max?: number; gate?: QuietGate } = {}) {
    this.limiter = new FifoLimiter(o.concurrency ?? 2);
    this.max = o.max ?? 1000;
    this.gate = o.gate;
  }

  emit(obj: KubeObject, e: EventSpec): void {
    // A full queue drops, as the broadcaster does when its channel is full.
    if (this.queued >= this.max) return;
    this.queued++;
    const until = Date.now() + MAX_HOLD_MS;
    void this.limiter.run(async () => {
      await this.gate?.whenQuiet(until - Date.now());
      this.queued--;
      return this.recorder.record(obj, e);
    })
      .catch((err) => console.error(`kubesvc ${this.component}: event ${e.reason}: ${(err as Error).message}`));
  }
}
