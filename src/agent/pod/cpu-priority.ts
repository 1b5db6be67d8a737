// CPU weight of a container process, after the kubelet's QoS cgroups: a
// container gets cpu.shares from its CPU request (1 CPU = 1024, BestEffort
// and request-less containers the minimum 2), and the node's own processes
// (kubelet, system) are not pods. We have no cgroups, so the shares become the
// nice value whose CFS weight is closest, and pods never reach nice 0: the
// agent and control plane stay ahead of container boot, as kube-reserved
// keeps them in Kubernetes. Pure.
import { parseQuantity } from './envvars.js';

const MIN_SHARES = 2;
const MAX_SHARES = 262144;
/** Pods start at this nice value; 0 is left to the node's own processes. */
const POD_NICE_FLOOR = 1;
const MAX_NICE = 19;

/** The kernel's CFS weight of nice 0..19 (sched_prio_to_weight). */
const NICE_WEIGHT = [1024, 820, 655, 526, 423, 335, 272, 215, 172, 137, 110, 87, 70, 56, 45, 36, 29, 23, 18, 15];

/** milliCPU → cpu.shares, as the kubelet converts a CPU request. */
export function milliCpuToShares(milli: number): number {
  if (!(milli > 0)) return MIN_SHARES;
  return Math.min(MAX_SHARES, Math.max(MIN_SHARES, Math.floor((milli * 1024) / 1000)));
}

/** The container's CPU request in milliCPU (a limit alone counts as the request, as API defaulting does). */
export function cpuRequestMilli(container: any): number {
  const r = container?.resources ?? {};
  const q = r.requests?.cpu ?? r.limits?.cpu;
  if (q === undefined) return 0;
  try {
    return Math.round(parseQuantity(q) * 1000);
  } catch {
    return 0;
  }
}

/** The nice value whose weight is closest (in ratio) to the shares, within [POD_NICE_FLOOR, MAX_NICE]. */
export function niceForShares(shares: number): number {
  let best = POD_NICE_FLOOR;
  for (let n = POD_NICE_FLOOR; n <= MAX_NICE; n++) {
    if (Math.abs(Math.log(NICE_WEIGHT[n] / shares)) < Math.abs(Math.log(NICE_WEIGHT[best] / shares))) best = n;
  }
  return best;
}

export const containerNice = (container: any): number => niceForShares(milliCpuToShares(cpuRequestMilli(container)));
