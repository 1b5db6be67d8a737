// Removes everything a cluster created, whether its run is stopping, crashed, or
// long gone: processes (recorded ones if still ours, and every process inside one
// of the cluster's namespaces), namespaces, host links, /etc/netns dirs, host nft
// tables with the prefix, and the state file. Idempotent.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { HostNet } from './host-net.js';
import type { IpCommand, NftCommand } from './ip.js';
import { clusterNames } from './names.js';
import { isAlive, isZombie, readState, removeState, type ProcRecord } from './state.js';

export interface CleanupOptions {
  ip: IpCommand;
  nft?: NftCommand;
  dataDir?: string;
  /** Directory holding per-netns config dirs (default /etc/netns). */
  etcNetnsDir?: string;
  /** PIDs never to signal (the calling process). */
  exclude?: number[];
  log?: (line: string) => void;
  /** Grace period between SIGTERM and SIGKILL. */
  graceMs?: number;
  signal?: (pid: number, sig: NodeJS.Signals) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function defaultSignal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch { /* already gone */ }
}

const exists = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return !isZombie(pid);
};

/** SIGTERM, wait up to graceMs for them to go, then SIGKILL whatever is left. */
export async function terminate(pids: number[], graceMs: number, signal = defaultSignal, alive: (pid: number) => boolean = exists): Promise<void> {
  const live = pids.filter(alive);
  if (!live.length) return;
  for (const p of live) signal(p, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && live.some(alive)) await sleep(50);
  for (const p of live.filter(alive)) signal(p, 'SIGKILL');
  const hard = Date.now() + 2000;
  while (Date.now() < hard && live.some(alive)) await sleep(20);
}

export interface CleanupReport {
  killed: number[];
  netns: string[];
  links: string[];
  etcDirs: string[];
  nftTables: string[];
}

export async function cleanupCluster(name: string, o: CleanupOptions): Promise<CleanupReport> {
  const names = clusterNames(name);
  const net = new HostNet(o.ip);
  const log = o.log ?? (() => {});
  const grace = o.graceMs ?? 3000;
  const signal = o.signal ?? defaultSignal;
  const exclude = new Set([process.pid, ...(o.exclude ?? [])]);
  const report: CleanupReport = { killed: [], netns: [], links: [], etcDirs: [], nftTables: [] };

  // 1. Recorded agents that are still ours.
  const state = readState(name, o.dataDir);
  const recorded: ProcRecord[] = state ? state.agents.filter((a) => !exclude.has(a.pid) && isAlive(a)) : [];
  if (recorded.length) {
    log(`stopping ${recorded.length} agent process(es) of a previous run: ${recorded.map((r) => r.pid).join(' ')}`);
    await terminate(recorded.map((r) => r.pid), grace, signal);
    report.killed.push(...recorded.map((r) => r.pid));
  }

  // 2. Every process inside one of our namespaces (agents, pods, client commands).
  const ours = (await net.listNetns()).filter((n) => names.ownsNetns(n));
  const inNs = new Set<number>();
  for (const ns of ours) for (const p of await net.netnsPids(ns)) if (!exclude.has(p)) inNs.add(p);
  if (inNs.size) {
    log(`stopping ${inNs.size} process(es) in the cluster's namespaces`);
    await terminate([...inNs], Math.min(grace, 2000), signal);
    report.killed.push(...[...inNs].filter((p) => !report.killed.includes(p)));
  }

  // 3. Namespaces: pods first, then nodes and the client (links inside go with them).
  const order = (n: string): number => (n === names.clientNs || /^node-\d+$/.test(n.slice(names.netnsPrefix.length)) ? 1 : 0);
  for (const ns of [...ours].sort((a, b) => order(a) - order(b))) {
    await net.delNetns(ns);
    report.netns.push(ns);
  }

  // 4. Host links: leftover veth ends, then the bridge (its routes go with it).
  const links = (await net.listLinks()).filter((l) => names.ownsLink(l.ifname));
  for (const l of [...links].sort((a, b) => Number(a.ifname === names.bridge) - Number(b.ifname === names.bridge))) {
    await net.delLink(l.ifname);
    report.links.push(l.ifname);
  }

  // 5. Per-netns resolv.conf/hosts dirs.
  const etc = o.etcNetnsDir ?? '/etc/netns';
  let dirs: string[] = [];
  try {
    dirs = readdirSync(etc).filter((d) => names.ownsNetns(d));
  } catch { /* no /etc/netns */ }
  for (const d of dirs) {
    rmSync(join(etc, d), { recursive: true, force: true });
    report.etcDirs.push(d);
  }

  // 6. Host nft tables named for the cluster (kubesvc adds none on the host; a crashed tool might have).
  if (o.nft) {
    try {
      const out = JSON.parse(await o.nft.run(['-j', 'list', 'tables'])) as { nftables?: { table?: { family: string; name: string } }[] };
      for (const t of (out.nftables ?? []).map((x) => x.table).filter((x): x is { family: string; name: string } => !!x)) {
        if (t.name === names.linkBase || names.ownsNetns(t.name) || t.name.startsWith(`${names.linkBase}-`)) {
          await o.nft.run(['delete', 'table', t.family, t.name]);
          report.nftTables.push(`${t.family} ${t.name}`);
        }
      }
    } catch (e) {
      log(`warning: could not list host nft tables: ${(e as Error).message}`);
    }
  }

  removeState(name, o.dataDir ?? state?.dataDir);
  return report;
}
