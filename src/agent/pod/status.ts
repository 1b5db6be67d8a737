// Pod status as the kubelet computes it (pkg/kubelet/kubelet_pods.go getPhase,
// generateAPIPodStatus; status/generate.go conditions). Pure: all times come in.

export type ContainerState =
  | { waiting: { reason: string; message?: string } }
  | { running: { startedAt: string } }
  | { terminated: { exitCode: number; signal?: number; reason: string; message?: string; startedAt: string; finishedAt: string; containerID?: string } };

export interface ContainerRuntime {
  name: string;
  image: string;
  containerID?: string;
  state: ContainerState;
  lastState: ContainerState | Record<string, never>;
  restartCount: number;
  ready: boolean;
  started: boolean;
}

export interface PodStatusInput {
  containers: ContainerRuntime[];
  /** In spec order; absent or empty for a pod without init containers. */
  initContainers?: ContainerRuntime[];
  /** kubectl debug's containers: reported, never part of phase or readiness. */
  ephemeralContainers?: ContainerRuntime[];
  podIP?: string;
  hostIP: string;
  startTime?: string;
  sandboxReady: boolean;
  now: string;
}

/** A sidecar: an init container with restartPolicy Always, which runs beside the regular ones. */
export const isSidecar = (spec: any): boolean => spec?.restartPolicy === 'Always';

/** Whether an init container finished its work: exited 0 (a sidecar: started). */
export function initDone(c: ContainerRuntime, sidecar: boolean): boolean {
  if (sidecar) return c.started;
  return 'terminated' in c.state && c.state.terminated.exitCode === 0;
}

/**
 * Init containers' part of getPhase: failed (one failed and restartPolicy is Never)
 * or pending (one has yet to complete). Sidecars do not count.
 */
function initPhase(restartPolicy: string, inits: { rt: ContainerRuntime; sidecar: boolean }[]): 'failed' | 'pending' | undefined {
  let pending = 0, failed = 0;
  for (const { rt, sidecar } of inits) {
    if (sidecar) continue;
    if ('running' in rt.state) pending++;
    else if ('terminated' in rt.state) { if (rt.state.terminated.exitCode !== 0) failed++; }
    else if ('terminated' in rt.lastState) { if (rt.lastState.terminated.exitCode !== 0) failed++; }
    else pending++;
  }
  if (failed > 0 && restartPolicy === 'Never') return 'failed';
  return pending > 0 || failed > 0 ? 'pending' : undefined;
}

/** pkg/kubelet getPhase: a waiting container that never ran keeps the pod Pending. */
export function podPhase(restartPolicy: string, containers: ContainerRuntime[]): string {
  let waiting = 0, running = 0, stopped = 0, succeeded = 0;
  for (const c of containers) {
    if ('running' in c.state) running++;
    else if ('terminated' in c.state) {
      stopped++;
      if (c.state.terminated.exitCode === 0) succeeded++;
    } else if ('terminated' in c.lastState) {
      stopped++;
      if (c.lastState.terminated.exitCode === 0) succeeded++;
    } else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (restartPolicy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (restartPolicy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

interface Condition {
  type: string;
  status: 'True' | 'False';
  reason?: string;
  message?: string;
  lastProbeTime: null;
  lastTransitionTime: string;
}

function condition(prev: any[] | undefined, now: string, type: string, ok: boolean, reason?: string, message?: string): Condition {
  const status = ok ? 'True' : 'False';
  const old = prev?.find((c) => c.type === type);
  const c: Condition = { type, status, lastProbeTime: null, lastTransitionTime: old && old.status === status && old.lastTransitionTime ? old.lastTransitionTime : now };
  if (!ok && reason) c.reason = reason;
  if (!ok && message) c.message = message;
  return c;
}

export function qosClass(spec: any): string {
  const cs: any[] = [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])];
  let any = false, guaranteed = true;
  for (const c of cs) {
    const req = c.resources?.requests ?? {}, lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const r of ['cpu', 'memory']) {
      const l = lim[r];
      const q = req[r] ?? l;
      if (!l || String(l) !== String(q)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function containerStatus(c: ContainerRuntime): Record<string, unknown> {
  const running = 'running' in c.state;
  return {
    name: c.name,
    image: c.image,
    imageID: running || 'terminated' in c.state ? `kubesvc://image/${c.image}` : '',
    ...(c.containerID ? { containerID: c.containerID } : {}),
    state: c.state,
    lastState: c.lastState,
    ready: c.ready,
    restartCount: c.restartCount,
    started: running && c.started,
  };
}

export function computePodStatus(pod: { spec?: any; status?: any }, input: PodStatusInput): Record<string, unknown> {
  const prev = pod.status?.conditions;
  const restartPolicy = pod.spec?.restartPolicy ?? 'Always';
  const initSpecs: any[] = pod.spec?.initContainers ?? [];
  const inits = (input.initContainers ?? []).map((rt, i) => ({ rt, sidecar: isSidecar(initSpecs[i]) }));
  const init = initPhase(restartPolicy, inits);
  const regularStarted = input.containers.some((c) => !('waiting' in c.state) || 'terminated' in c.lastState);
  const phase = init === 'failed' ? 'Failed' : init === 'pending' && !regularStarted ? 'Pending' : podPhase(restartPolicy, input.containers);
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const incomplete = inits.filter((x) => !initDone(x.rt, x.sidecar)).map((x) => x.rt.name);
  const initialized = incomplete.length === 0 || regularStarted;
  // Sidecars are part of readiness as the regular containers are.
  const readiness = [...inits.filter((x) => x.sidecar).map((x) => x.rt), ...input.containers];
  const unready = readiness.filter((c) => !c.ready).map((c) => c.name);
  const allReady = unready.length === 0 && input.containers.length > 0;
  const notReadyMsg = `containers with unready status: [${unready.join(' ')}]`;
  const reason = terminal ? 'PodCompleted' : 'ContainersNotReady';
  const conditions = [
    condition(prev, input.now, 'PodReadyToStartContainers', input.sandboxReady),
    condition(prev, input.now, 'Initialized', initialized, 'ContainersNotInitialized', `containers with incomplete status: [${incomplete.join(' ')}]`),
    condition(prev, input.now, 'Ready', allReady && !terminal, reason, terminal ? undefined : notReadyMsg),
    condition(prev, input.now, 'ContainersReady', allReady && !terminal, reason, terminal ? undefined : notReadyMsg),
    condition(prev, input.now, 'PodScheduled', true),
  ];
  const status: Record<string, unknown> = {
    phase,
    conditions,
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    ...(input.podIP ? { podIP: input.podIP, podIPs: [{ ip: input.podIP }] } : {}),
    ...(input.startTime ? { startTime: input.startTime } : {}),
    // A regular init container is never Ready: it has a job to finish, not traffic to serve.
    ...(inits.length ? { initContainerStatuses: inits.map((x) => ({ ...containerStatus(x.rt), ...(x.sidecar ? {} : { ready: false }) })) } : {}),
    containerStatuses: input.containers.map(containerStatus),
    ...(input.ephemeralContainers?.length ? { ephemeralContainerStatuses: input.ephemeralContainers.map((c) => ({ ...containerStatus(c), ready: false })) } : {}),
    qosClass: pod.status?.qosClass ?? qosClass(pod.spec),
  };
  return status;
}

/** Exit code → terminated reason, as container runtimes report it. */
export const terminatedReason = (exitCode: number): string => (exitCode === 0 ? 'Completed' : 'Error');

/** Whether a container that exited should start again under the pod's restartPolicy. */
export function shouldRestart(restartPolicy: string, exitCode: number): boolean {
  if (restartPolicy === 'Never') return false;
  if (restartPolicy === 'OnFailure') return exitCode !== 0;
  return true;
}
