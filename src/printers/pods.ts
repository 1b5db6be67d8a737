// kubectl get pods: READY, STATUS, RESTARTS as printPod derives them from
// container statuses (init containers, sidecars, waiting/terminated reasons).

import type { KubeObject } from '../api/object.js';
import type { TablePrinter } from '../apiserver/table-types.js';
import { ageColumn, col, nameColumn } from './columns.js';
import { humanDuration, since } from './duration.js';

 
type Status = any;

const isSidecar = (c: { restartPolicy?: string } | undefined): boolean => c?.restartPolicy === 'Always';
const isTrue = (conds: Status[] | undefined, type: string): boolean =>
  (conds ?? []).some((c) => c.type === type && c.status === 'True');

/** Latest lastState.terminated.finishedAt seen so far, as epoch ms (0 = none). */
function laterRestart(cur: number, cs: Status): number {
  const t = Date.parse(cs.lastState?.terminated?.finishedAt ?? '');
  return Number.isNaN(t) || t <= cur ? cur : t;
}

function terminatedReason(t: Status, prefix: string): string {
  if (t.reason) return prefix + t.reason;
  return t.signal ? `${prefix}Signal:${t.signal}` : `${prefix}ExitCode:${t.exitCode ?? 0}`;
}

export interface PodSummary {
  ready: string;
  status: string;
  restarts: string;
}

export function summarizePod(pod: KubeObject, now: Date): PodSummary {
  const spec = pod.spec ?? {};
  const st = pod.status ?? {};
  const initSpecs: Status[] = spec.initContainers ?? [];
  const initByName = new Map(initSpecs.map((c) => [c.name, c]));
  const total = (spec.containers ?? []).length + initSpecs.filter(isSidecar).length;
  let ready = 0;
  let restarts = 0, sidecarRestarts = 0;
  let lastRestart = 0, lastSidecarRestart = 0;

  const phase: string = st.phase ?? '';
  let reason: string = st.reason || phase;
  if ((st.conditions ?? []).some((c: Status) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  let initializing = false;
  const initStatuses: Status[] = st.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    const sidecar = isSidecar(initByName.get(c.name));
    restarts += c.restartCount ?? 0;
    lastRestart = laterRestart(lastRestart, c);
    if (sidecar) {
      sidecarRestarts += c.restartCount ?? 0;
      lastSidecarRestart = laterRestart(lastSidecarRestart, c);
    }
    const term = c.state?.terminated, wait = c.state?.waiting;
    if (term && (term.exitCode ?? 0) === 0) continue;
    if (sidecar && c.started === true) {
      if (c.ready) ready++;
      continue;
    }
    if (term) reason = terminatedReason(term, 'Init:');
    else if (wait?.reason && wait.reason !== 'PodInitializing') reason = `Init:${wait.reason}`;
    else reason = `Init:${i}/${initSpecs.length}`;
    initializing = true;
    break;
  }

  if (!initializing || isTrue(st.conditions, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses: Status[] = st.containerStatuses ?? [];
    // Walked backwards so the first container's reason wins, as upstream does.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += c.restartCount ?? 0;
      lastRestart = laterRestart(lastRestart, c);
      const term = c.state?.terminated, wait = c.state?.waiting;
      if (wait?.reason) reason = wait.reason;
      else if (term) reason = terminatedReason(term, '');
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    // A restartable sidecar still running keeps a "Completed" pod up.
    if (reason === 'Completed' && hasRunning) reason = isTrue(st.conditions, 'Ready') ? 'Running' : 'NotReady';
  }

  if (pod.metadata.deletionTimestamp) {
    if (st.reason === 'NodeLost') reason = 'Unknown';
    else if (phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';
  }

  const restartsStr = restarts !== 0 && lastRestart !== 0
    ? `${restarts} (${humanDuration(now.getTime() - lastRestart)} ago)`
    : String(restarts);
  return { ready: `${ready}/${total}`, status: reason, restarts: restartsStr };
}

function readinessGates(pod: KubeObject): string {
  const gates: Status[] = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return '<none>';
  const conds: Status[] = pod.status?.conditions ?? [];
  const ok = gates.filter((g) => conds.find((c) => c.type === g.conditionType)?.status === 'True').length;
  return `${ok}/${gates.length}`;
}

export const podPrinter: TablePrinter = {
  columns: [
    nameColumn,
    col('Ready', 'string', 'Ready containers out of all containers.'),
    col('Status', 'string', 'Aggregate status derived from the pod phase and container states.'),
    col('Restarts', 'string', 'Container restarts, with the time since the most recent one.'),
    ageColumn,
    col('IP', 'string', 'Primary pod IP address.', 1),
    col('Node', 'string', 'Node the pod is bound to.', 1),
    col('Nominated Node', 'string', 'Node nominated by preemption, if any.', 1),
    col('Readiness Gates', 'string', 'Readiness gates whose condition is True, out of all gates.', 1),
  ],
  cells(pod, now) {
    const s = summarizePod(pod, now);
    const ip: string = pod.status?.podIPs?.[0]?.ip ?? pod.status?.podIP ?? '';
    return [
      pod.metadata.name ?? '', s.ready, s.status, s.restarts, since(pod.metadata.creationTimestamp, now),
      ip || '<none>', pod.spec?.nodeName || '<none>', pod.status?.nominatedNodeName || '<none>', readinessGates(pod),
    ];
  },
};
