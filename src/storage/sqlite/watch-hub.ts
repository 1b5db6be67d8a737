import type { WatchEvent, Watcher } from '../backend.js';
import { prefixEnd } from '../prefix.js';

/**
 * One watch. While its history replay runs, live events are held back so the
 * caller sees replay then live, in revision order, with no gap or duplicate.
 */
export class Subscription implements Watcher {
  readonly end: string;
  #held: WatchEvent[] | undefined;
  #closed = false;
  /** Highest revision delivered; guards against a duplicate from a watch opened inside a callback. */
  #last: number;

  constructor(
    readonly prefix: string,
    private readonly onEvent: (e: WatchEvent) => void,
    private readonly onError: (err: Error) => void,
    private readonly detach: (s: Subscription) => void,
    fromRevision: number,
    replaying: boolean,
  ) {
    this.#last = fromRevision;
    this.end = prefixEnd(prefix);
    this.#held = replaying ? [] : undefined;
  }

  get closed(): boolean {
    return this.#closed;
  }

  matches(key: string): boolean {
    return key.startsWith(this.prefix);
  }

  /** A live event, straight from a commit. */
  publish(e: WatchEvent): void {
    if (this.#held) this.#held.push(e);
    else this.deliver(e);
  }

  /** Replay is over: flush what arrived meanwhile and go live. */
  goLive(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const e of held) this.deliver(e);
  }

  deliver(e: WatchEvent): void {
    if (this.#closed || e.kv.modRevision <= this.#last) return;
    this.#last = e.kv.modRevision;
    try {
      this.onEvent(e);
    } catch (err) {
      // A throwing consumer must not break the writer that notified it.
      this.fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  fail(err: Error): void {
    if (this.#closed) return;
    this.close();
    this.onError(err);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#held = undefined;
    this.detach(this);
  }
}

/** In-process fan-out of committed events, called synchronously after each commit. */
export class WatchHub {
  readonly #subs = new Set<Subscription>();

  get size(): number {
    return this.#subs.size;
  }

  subscribe(
    prefix: string,
    fromRevision: number,
    replaying: boolean,
    onEvent: (e: WatchEvent) => void,
    onError: (err: Error) => void,
  ): Subscription {
    const sub = new Subscription(prefix, onEvent, onError, (s) => this.#subs.delete(s), fromRevision, replaying);
    this.#subs.add(sub);
    return sub;
  }

  publish(e: WatchEvent): void {
    for (const sub of this.#subs) if (sub.matches(e.kv.key)) sub.publish(e);
  }

  failAll(err: Error): void {
    for (const sub of [...this.#subs]) sub.fail(err);
  }
}
