// The agent's events go out a few at a time behind everything else it writes,
// as client-go's broadcaster sends them from one goroutine: with many pods
// starting at once, Created/Started events must not hold up status writes
// on the shared connection pool.
import type { KubeObject } from '../../api/object.js';
import type { EventRecorder, EventSpec } from '../../client/events.js';
import { FifoLimiter } from '../../util/fifo-limiter.js';

export interface EventSink {
  emit(obj: KubeObject, e: EventSpec): void;
}

export class EventQueue implements EventSink {
  private readonly limiter: FifoLimiter;
  private queued = 0;

  constructor(private readonly recorder: Pick<EventRecorder, 'record'>, private readonly component: string, concurrency = 2, private readonly max = 1000) {
    this.limiter = new FifoLimiter(concurrency);
  }

  emit(obj: KubeObject, e: EventSpec): void {
    // A full queue drops, as the broadcaster does when its channel is full.
    if (this.queued >= this.max) return;
    this.queued++;
    void this.limiter.run(() => { this.queued--; return this.recorder.record(obj, e); })
      .catch((err) => console.error(`kubesvc ${this.component}: event ${e.reason}: ${(err as Error).message}`));
  }
}
