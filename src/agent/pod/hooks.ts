// Container lifecycle hooks (postStart, preStop) as the kubelet runs them: an
// exec in the container, an HTTP GET to the pod, or a sleep. exec and httpGet go
// through the probe executor (the same reach and success rules: exit 0, HTTP
// 200-399); tcpSocket is not a lifecycle handler. Events carry no hook output,
// as the kubelet's do not, so a hook cannot leak what it printed.
import type { ProbeExecutor, ProbeTarget } from './probe-exec.js';

/** The kubelet's floor for the SIGTERM-to-SIGKILL window once a preStop hook has used the grace period. */
export const MIN_GRACE_AFTER_PRESTOP_MS = 2000;

/** A postStart hook has no time limit in the kubelet; this only keeps timers in range. */
export const POST_START_TIMEOUT_MS = 0x7fffffff;

/** Runs one handler for at most timeoutMs; resolves with why it failed, or undefined. */
export async function runHook(handler: any, probes: ProbeExecutor, target: ProbeTarget | undefined, timeoutMs: number): Promise<string | undefined> {
  if (handler?.sleep) {
    const ms = Math.min(Number(handler.sleep.seconds ?? 0) * 1000, timeoutMs);
    await new Promise((r) => setTimeout(r, ms));
    return undefined;
  }
  if (!handler?.exec && !handler?.httpGet) return 'a lifecycle hook needs exec, httpGet or sleep';
  if (!target) return 'the container is not running';
  const out = await probes.run({ exec: handler.exec, httpGet: handler.httpGet }, target, timeoutMs);
  return out.ok ? undefined : out.message ?? 'failed';
}

/** What remains of the grace period after a preStop hook that took elapsedMs, as the kubelet computes it. */
export const graceAfterPreStop = (graceMs: number, elapsedMs: number): number => Math.max(graceMs - elapsedMs, MIN_GRACE_AFTER_PRESTOP_MS);
