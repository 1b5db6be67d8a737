// The `up`, `down` and `client` commands: flags, help, signals, exit codes.
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { cleanupCluster } from './cleanup.js';
import { runInClient } from './client.js';
import { ExecIpCommand, ExecNftCommand } from './ip.js';
import { DEFAULT_CLUSTER_NAME, validateClusterName } from './names.js';
import { DEFAULTS } from './plan.js';
import { preflight } from './preflight.js';
import { isAlive, readState } from './state.js';
import { AbortedError, startCluster, type ControllerStarter } from './up.js';
import { terminate } from './cleanup.js';
import { durationFlag } from '../util/time.js';

export const DEFAULT_DATA_ROOT = '/var/lib/kubesvc';
export const defaultDataDir = (name: string): string => join(DEFAULT_DATA_ROOT, name);

export const upHelp = `Usage: kubesvc up [flags]

Runs a whole cluster in the foreground: a bridge on the host, one network namespace
per node with its agent, the control plane in this process, and cluster DNS.
Ctrl-C / SIGTERM removes everything it created. Needs root, iproute2 and nftables.

Flags:
  --nodes N                        Number of nodes (default: ${DEFAULTS.nodes})
  --name NAME                      Cluster name, letters and digits (default: ${DEFAULT_CLUSTER_NAME})
  --data-dir DIR                   State, certificates, kubeconfig, log (default: ${DEFAULT_DATA_ROOT}/NAME)
  --datastore URL                  sqlite://PATH (default: DIR/state.db) or etcd://HOST:PORT[,...]
  --node-cidr CIDR                 Node network on the cluster bridge (default: ${DEFAULTS.nodeCIDR})
  --cluster-cidr CIDR              Pod network, one /24 per node (default: ${DEFAULTS.clusterCIDR})
  --service-cidr CIDR              ClusterIP range (default: ${DEFAULTS.serviceCIDR})
  --lb-pool FIRST-LAST             LoadBalancer addresses (default: ${DEFAULTS.lbPool})
  --api-port PORT                  API server port on 127.0.0.1 and the bridge (default: ${DEFAULTS.apiPort})
  --service-node-port-range A-B    NodePort range (default: ${DEFAULTS.nodePortRange})
  --node-monitor-grace-period DUR  Silence after which a node's status turns Unknown and its pods stop being Ready (default: 50s)
  -h, --help                       Show this help

A second cluster next to the first needs its own --name, --node-cidr and --api-port.
`;

export const downHelp = `Usage: kubesvc down [flags]

Removes whatever a cluster left behind: its processes (only those recorded as ours or
running inside its namespaces), namespaces, links, bridge and state file. Stops a
running 'up' of that name first. Safe to run any number of times.

Flags:
  --name NAME        Cluster name (default: ${DEFAULT_CLUSTER_NAME})
  --data-dir DIR     Data directory of the cluster (default: from the running state, else ${DEFAULT_DATA_ROOT}/NAME)
  -h, --help         Show this help
`;

export const clientHelp = `Usage: kubesvc client [--name NAME] [--data-dir DIR] -- COMMAND [ARGS...]

Runs COMMAND in the external client namespace of a running cluster: a network
namespace on the node network outside every node (the last address of the node
CIDR, e.g. 172.30.0.254), the way a machine next to the nodes connects to NodePorts
and LoadBalancer IPs. The namespace is created on first use and removed by down.

Example: kubesvc client -- curl -s http://172.30.0.200/
`;

function nameOf(v: string | undefined): string {
  const name = v ?? DEFAULT_CLUSTER_NAME;
  const bad = validateClusterName(name);
  if (bad) throw new Error(bad);
  return name;
}

function intFlag(flag: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v)) throw new Error(`--${flag} must be a number, got "${v}"`);
  return Number(v);
}

export interface UpHooks {
  startControllers?: ControllerStarter;
}

export async function runUp(args: string[], hooks: UpHooks = {}): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      nodes: { type: 'string' }, name: { type: 'string' }, 'data-dir': { type: 'string' }, datastore: { type: 'string' },
      'node-cidr': { type: 'string' }, 'cluster-cidr': { type: 'string' }, 'service-cidr': { type: 'string' },
      'lb-pool': { type: 'string' }, 'api-port': { type: 'string' }, 'service-node-port-range': { type: 'string' },
      'node-monitor-grace-period': { type: 'string' },
    },
    strict: true,
  });
  const name = nameOf(values.name);
  preflight();
  const ac = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) process.stderr.write(`kubesvc up: ${sig} again; still cleaning up, please wait\n`);
    ac.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  try {
    const t0 = Date.now();
    const cluster = await startCluster({
      name,
      nodes: intFlag('nodes', values.nodes, DEFAULTS.nodes),
      dataDir: resolve(values['data-dir'] ?? defaultDataDir(name)),
      datastore: values.datastore,
      nodeCIDR: values['node-cidr'] ?? DEFAULTS.nodeCIDR,
      clusterCIDR: values['cluster-cidr'] ?? DEFAULTS.clusterCIDR,
      serviceCIDR: values['service-cidr'] ?? DEFAULTS.serviceCIDR,
      lbPool: values['lb-pool'] ?? DEFAULTS.lbPool,
      apiPort: intFlag('api-port', values['api-port'], DEFAULTS.apiPort),
      nodePortRange: values['service-node-port-range'] ?? DEFAULTS.nodePortRange,
      nodeMonitorGracePeriodMs: durationFlag(values['node-monitor-grace-period'], 'node-monitor-grace-period'),
      startControllers: hooks.startControllers,
      signal: ac.signal,
      say: (l) => process.stderr.write(`kubesvc up: ${l}\n`),
    });
    const p = cluster.plan;
    process.stdout.write(`export KUBECONFIG=${cluster.kubeconfigPath}\n`);
    process.stdout.write(
      `kubesvc: cluster "${name}" is up in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${cluster.readyNodes.length}/${p.nodes.length} nodes Ready ` +
      `(${p.nodes.map((n) => `${n.name} ${n.ip}`).join(', ')}), API ${cluster.server.urls.join(' ')}, DNS ${p.dnsIP}${cluster.dnsReady ? '' : ' (not ready)'}; ` +
      `log ${cluster.logPath}; Ctrl-C to stop\n`,
    );
    if (!ac.signal.aborted) await new Promise<void>((r) => ac.signal.addEventListener('abort', () => r(), { once: true }));
    process.stderr.write(`kubesvc up: stopping cluster "${name}"\n`);
    await cluster.stop();
    process.stderr.write(`kubesvc up: cluster "${name}" removed\n`);
    return 0;
  } catch (e) {
    if (e instanceof AbortedError) {
      process.stderr.write(`kubesvc up: interrupted; cluster "${name}" removed\n`);
      return 0;
    }
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  }
}

export async function runDown(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { name: { type: 'string' }, 'data-dir': { type: 'string' } }, strict: true });
  const name = nameOf(values.name);
  preflight();
  const given = values['data-dir'] ? resolve(values['data-dir']) : undefined;
  const state = readState(name, given ?? defaultDataDir(name));
  const dataDir = given ?? state?.dataDir ?? defaultDataDir(name);
  // A running `up` cleans up after itself when asked to stop; give it the chance.
  if (state && state.up.pid !== process.pid && isAlive(state.up)) {
    process.stderr.write(`kubesvc down: stopping the running 'up' of "${name}" (pid ${state.up.pid})\n`);
    await terminate([state.up.pid], 20_000, undefined, () => isAlive(state.up));
  }
  const r = await cleanupCluster(name, { ip: new ExecIpCommand(), nft: new ExecNftCommand(), dataDir, log: (l) => process.stderr.write(`kubesvc down: ${l}\n`) });
  const parts = [
    r.killed.length ? `${r.killed.length} process(es)` : '',
    r.netns.length ? `netns ${r.netns.join(' ')}` : '',
    r.links.length ? `links ${r.links.join(' ')}` : '',
    r.etcDirs.length ? `/etc/netns/{${r.etcDirs.join(',')}}` : '',
    r.nftTables.length ? `nft tables ${r.nftTables.join(', ')}` : '',
  ].filter(Boolean);
  process.stdout.write(parts.length ? `kubesvc: cluster "${name}": removed ${parts.join('; ')}\n` : `kubesvc: cluster "${name}": nothing to remove\n`);
  return 0;
}

export async function runClient(args: string[]): Promise<number> {
  const dd = args.indexOf('--');
  const own = dd >= 0 ? args.slice(0, dd) : args;
  const cmd = dd >= 0 ? args.slice(dd + 1) : [];
  const { values, positionals } = parseArgs({ args: own, options: { name: { type: 'string' }, 'data-dir': { type: 'string' } }, strict: true, allowPositionals: true });
  const argv = [...positionals, ...cmd];
  const name = nameOf(values.name);
  const { ip } = preflight();
  const given = values['data-dir'] ? resolve(values['data-dir']) : undefined;
  return runInClient({ name, dataDir: given ?? defaultDataDir(name), ip: new ExecIpCommand(ip), ipBin: ip }, argv);
}
