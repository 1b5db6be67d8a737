// The agent's events go out a few at a time behind everything else it writes,
// as client-go's broadcaster sends them from one goroutine: with many pods
// starting at once, Created/Started events must not hold up status writes
// on the shared connection pool.
import type { KubeObject } from '../../api/object.js';
import type { EventRecorder, EventSpec } from '../../client/events.js';

export interface EventSink {
  emit(obj: KubeObject, e: EventSpec): void;
}

export class EventQueue implements EventSink {
  private readonly queue: { obj: KubeObject; e: EventSpec }[] = [];
  private inFlight = 0;

  constructor(private readonly recorder: Pick<EventRecorder, 'record'>, private readonly component: string, private readonly concurrency = 2, private readonly max = 1000) {}

  emit(obj: KubeObject, e: EventSpec): void {
    // A full queue drops, as the broadcaster does when its channel is full.
    if (this.queue.length >= this.max) return;
    this.queue.push({ obj, e });
    this.pump();
  }

  private pump(): void {
    while (this.inFlight < this.concurrency && this.queue.length) {
      const { obj, e } = this.queue.shift()!;
      this.inFlight++;
      this.recorder.record(obj, e)
        .catch((err) => console.error(`kubesvc ${this.component}: event ${e.reason}: ${(err as Error).message}`))
        .finally(() => { this.inFlight--; this.pump(); });
    }
  }
}
