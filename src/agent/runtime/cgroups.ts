// CPU cgroups for pods, laid out as the kubelet's QoS hierarchy under one
// directory per node: <cpu>/kubesvc/<node>/{besteffort,burstable}/pod<uid> and
// <node>/pod<uid> for Guaranteed pods. BestEffort pods share cpu.shares 2 as a
// class (not 2 each), Burstable the sum of their requests, each pod its own
// requests. Outside the hierarchy the agent and control plane keep their full
// weight, so fifty booting containers cannot starve them. cgroup v1 (cpu.shares)
// and v2 (cpu.weight); without a writable cpu controller every call is a no-op
// and the process niceness (cpu-priority.ts) is all there is.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIN_SHARES, milliCpuToShares, cpuRequestMilli } from '../pod/cpu-priority.js';

/**
 * `ip netns exec` (how `up` starts agents) gives the agent a fresh /sys without
 * the host's cgroup mounts. Mounting the cpu hierarchy again inside the agent's
 * own mount namespace reaches the very same host hierarchy (v1: the hierarchy
 * that /proc/cgroups says holds cpu; else v2), and stays private to the agent.
 */
export async function mountCpuHierarchy(run: (argv: string[]) => Promise<{ code: number }>, sys = '/sys/fs/cgroup'): Promise<void> {
  if (findCpuRoot(sys) || process.getuid?.() !== 0) return;
  let v1 = false;
  try {
    v1 = readFileSync('/proc/cgroups', 'utf8').split('\n').some((l) => { const f = l.split('\t'); return f[0] === 'cpu' && Number(f[1]) > 0 && f[3] === '1'; });
  } catch { /* no /proc/cgroups */ }
  if (v1) {
    if ((await run(['mount', '-t', 'tmpfs', '-o', 'mode=755', 'cgroup_root', sys])).code !== 0) return;
    mkdirSync(join(sys, 'cpu'), { recursive: true });
    await run(['mount', '-t', 'cgroup', '-o', 'cpu', 'cpu', join(sys, 'cpu')]);
  } else {
    await run(['mount', '-t', 'cgroup2', 'cgroup2', sys]);
  }
}

export type QosClass = 'BestEffort' | 'Burstable' | 'Guaranteed';

interface CpuRoot { dir: string; v2: boolean }

/** The cpu controller's mount: v1 /sys/fs/cgroup/cpu, or a v2 root that offers cpu. */
export function findCpuRoot(sys = '/sys/fs/cgroup'): CpuRoot | undefined {
  if (existsSync(join(sys, 'cpu', 'cpu.shares'))) return { dir: join(sys, 'cpu'), v2: false };
  try {
    if (readFileSync(join(sys, 'cgroup.controllers'), 'utf8').split(/\s+/).includes('cpu')) return { dir: sys, v2: true };
  } catch { /* not v2 */ }
  return undefined;
}

/** The kubelet's cpu.shares → cgroup v2 cpu.weight conversion. */
export const sharesToWeight = (shares: number): number => Math.floor(1 + ((shares - 2) * 9999) / 262142);

/** A pod's cpu.shares: the sum of its containers' requests (BestEffort: the minimum). */
export const podShares = (spec: any): number =>
  milliCpuToShares((spec?.containers ?? []).reduce((sum: number, c: any) => sum + cpuRequestMilli(c), 0));

export class PodCgroups {
  private readonly nodeDir: string | undefined;

  /** `name` is unique per node on this host (the node's netns name). */
  constructor(name: string, private readonly root: CpuRoot | undefined = findCpuRoot()) {
    this.nodeDir = root && join(root.dir, 'kubesvc', name);
  }

  get enabled(): boolean {
    return !!this.nodeDir;
  }

  /** Creates (or reuses) the pod's cgroup; the path to add processes to, or undefined when cgroups are off. */
  podGroup(uid: string, qos: QosClass, shares: number): string | undefined {
    if (!this.nodeDir) return undefined;
    try {
      const parent = qos === 'Guaranteed' ? this.nodeDir : join(this.nodeDir, qos.toLowerCase());
      this.ensure(join(this.root!.dir, 'kubesvc'));
      this.ensure(this.nodeDir);
      if (parent !== this.nodeDir) this.ensure(parent, qos === 'BestEffort' ? MIN_SHARES : undefined);
      const dir = join(parent, `pod${uid}`);
      this.ensure(dir, qos === 'BestEffort' ? MIN_SHARES : shares);
      if (qos === 'Burstable') this.setShares(parent, this.childShares(parent));
      return dir;
    } catch (e) {
      console.error(`kubesvc agent: cgroup for pod ${uid}: ${(e as Error).message}`);
      return undefined;
    }
  }

  /** Moves a process (and so everything it starts) into a cgroup. */
  static join(dir: string | undefined, pid: number): void {
    if (!dir || pid <= 0) return;
    try { writeFileSync(join(dir, 'cgroup.procs'), String(pid)); } catch { /* exited already */ }
  }

  /** Removes a pod's cgroup once its processes are gone. */
  releasePod(uid: string): void {
    if (!this.nodeDir) return;
    for (const parent of [this.nodeDir, join(this.nodeDir, 'besteffort'), join(this.nodeDir, 'burstable')]) {
      if (tryRmdir(join(parent, `pod${uid}`)) && parent.endsWith('burstable')) {
        try { this.setShares(parent, this.childShares(parent)); } catch { /* gone */ }
      }
    }
  }

  /** Removes the node's whole hierarchy (pod cgroups left by a dead agent too); processes must be gone. */
  removeAll(): void {
    if (!this.nodeDir) return;
    removeTree(this.nodeDir);
    tryRmdir(join(this.root!.dir, 'kubesvc'));
  }

  private ensure(dir: string, shares?: number): void {
    if (!existsSync(dir)) {
      mkdirSync(dir);
      if (shares !== undefined) this.setShares(dir, shares);
    }
    // v2 hands the cpu controller down only where asked to.
    if (this.root!.v2 && dir !== this.root!.dir) {
      const up = join(dir, '..');
      try { writeFileSync(join(up, 'cgroup.subtree_control'), '+cpu'); } catch { /* already, or refused */ }
      if (shares !== undefined) this.setShares(dir, shares);
    }
  }

  private setShares(dir: string, shares: number): void {
    if (this.root!.v2) writeFileSync(join(dir, 'cpu.weight'), String(sharesToWeight(shares)));
    else writeFileSync(join(dir, 'cpu.shares'), String(shares));
  }

  private childShares(dir: string): number {
    let sum = 0;
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      if (!d.isDirectory() || !d.name.startsWith('pod')) continue;
      const v = Number(readFileSync(join(dir, d.name, this.root!.v2 ? 'cpu.weight' : 'cpu.shares'), 'utf8'));
      sum += this.root!.v2 ? Math.round(((v - 1) * 262142) / 9999 + 2) : v;
    }
    return Math.max(MIN_SHARES, sum);
  }
}

function tryRmdir(dir: string): boolean {
  try { rmdirSync(dir); return true; } catch { return false; }
}

/** cgroup directories go bottom-up; their files are not real files and go with them. */
export function removeTree(dir: string): void {
  let entries;
  try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return; }
  for (const e of entries) if (e.isDirectory()) removeTree(join(dir, e.name));
  tryRmdir(dir);
}
