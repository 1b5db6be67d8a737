// The prober's result state machine (pkg/kubelet/prober/worker.go): a result
// flips only after successThreshold / failureThreshold identical results in a
// row; readiness starts as failure, liveness as success, startup as unknown. Pure.

export type ProbeKind = 'readiness' | 'liveness' | 'startup';
export type ProbeResult = 'success' | 'failure' | 'unknown';

export interface ProbeTiming {
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
}

export function probeTiming(kind: ProbeKind, p: any): ProbeTiming {
  const pos = (v: unknown, d: number): number => (typeof v === 'number' && v > 0 ? v : d);
  return {
    initialDelaySeconds: typeof p?.initialDelaySeconds === 'number' && p.initialDelaySeconds > 0 ? p.initialDelaySeconds : 0,
    periodSeconds: pos(p?.periodSeconds, 10),
    timeoutSeconds: pos(p?.timeoutSeconds, 1),
    // Liveness and startup probes must have successThreshold 1.
    successThreshold: kind === 'readiness' ? pos(p?.successThreshold, 1) : 1,
    failureThreshold: pos(p?.failureThreshold, 3),
  };
}

export interface ProbeState {
  result: ProbeResult;
  lastObserved: ProbeResult | undefined;
  runLength: number;
}

export const initialProbeState = (kind: ProbeKind): ProbeState => ({
  result: kind === 'readiness' ? 'failure' : kind === 'liveness' ? 'success' : 'unknown',
  lastObserved: undefined,
  runLength: 0,
});

/** Feeds one observation; returns the new state (result changes only past a threshold). */
export function observe(s: ProbeState, observed: 'success' | 'failure', t: ProbeTiming): ProbeState {
  const runLength = s.lastObserved === observed ? s.runLength + 1 : 1;
  const threshold = observed === 'success' ? t.successThreshold : t.failureThreshold;
  const result = runLength >= threshold ? observed : s.result;
  return { result, lastObserved: observed, runLength };
}

/** Whether a probe may run yet, given how long the container has been running. */
export const probeDue = (t: ProbeTiming, runningForMs: number): boolean => runningForMs >= t.initialDelaySeconds * 1000;
