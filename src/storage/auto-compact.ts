import type { Backend } from './backend.js';

export interface AutoCompaction {
  stop(): void;
}

/**
 * Periodically compacts away all but the newest keepRevisions revisions (the
 * job the Kubernetes API server does for etcd). Works with any Backend; the
 * caller owns the schedule, so tests and embedders can leave it off.
 */
export function startAutoCompaction(
  backend: Backend,
  { intervalMs, keepRevisions, onError }: { intervalMs: number; keepRevisions: number; onError?: (err: unknown) => void },
): AutoCompaction {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void (async () => {
      try {
        const target = (await backend.currentRevision()) - keepRevisions;
        if (target > 0) await backend.compact(target);
      } catch (err) {
        onError?.(err);
      } finally {
        running = false;
      }
    })();
  }, intervalMs);
  timer.unref(); // never the reason a process stays alive
  return { stop: () => clearInterval(timer) };
}
