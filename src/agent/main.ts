// `kubesvc agent`: flags → startAgent, until SIGTERM/SIGINT.
import { startAgent, type AgentOptions } from './agent.js';
import { startNodeServices } from './node-services.js';
import { DEFAULT_SERVICE_CIDR } from '../api/cluster-defaults.js';
import { markNodeNotReady } from './node/not-ready.js';

export const agentHelp = `Run a node agent (inside its node's network namespace).

Usage: kubesvc agent --kubeconfig PATH --node-name NAME --node-ip IP --pod-cidr CIDR [flags]

Flags:
  --kubeconfig PATH         credentials for the API server (required)
  --node-name NAME          Node object to register (required)
  --node-ip IP              this node's InternalIP; logs, exec, attach and port-forward are served here (required)
  --pod-cidr CIDR           this node's pod CIDR, e.g. 10.244.1.0/24 (required)
  --cluster-cidr CIDR       all pods' CIDR (default 10.244.0.0/16)
  --cluster-dns IP[,IP]     nameserver for ClusterFirst pods (default 10.96.0.10)
  --cluster-domain DOMAIN   cluster DNS domain (default cluster.local)
  --data-dir DIR            state: IP allocations, logs, serving cert (default /var/lib/kubesvc/agent-NAME)
  --kubelet-port PORT       HTTPS port for logs, exec, attach and port-forward (default 10250)
  --netns-prefix PREFIX     pod namespace name prefix (default: the node netns's name)
  --service-cidr CIDR       ClusterIP range the proxy serves (default 10.96.0.0/12)
  --no-proxy                do not program nftables or announce LoadBalancer IPs

Signals: SIGTERM/SIGINT stop the agent; SIGHUP restarts its proxy (pods keep running).
`;

export function parseAgentArgs(args: string[]): AgentOptions {
  const v: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument "${a}"`);
    const eq = a.indexOf('=');
    if (eq > 0) v[a.slice(2, eq)] = a.slice(eq + 1);
    else {
      if (i + 1 >= args.length) throw new Error(`flag ${a} needs a value`);
      v[a.slice(2)] = args[++i];
    }
  }
  const known = ['kubeconfig', 'node-name', 'node-ip', 'pod-cidr', 'cluster-cidr', 'cluster-dns', 'cluster-domain', 'data-dir', 'kubelet-port', 'netns-prefix'];
  for (const k of Object.keys(v)) if (!known.includes(k)) throw new Error(`unknown flag --${k}`);
  for (const k of ['kubeconfig', 'node-name', 'node-ip', 'pod-cidr']) if (!v[k]) throw new Error(`--${k} is required`);
  const port = v['kubelet-port'] ? Number(v['kubelet-port']) : undefined;
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new Error('--kubelet-port must be 0-65535');
  return {
    kubeconfig: v.kubeconfig, nodeName: v['node-name'], nodeIP: v['node-ip'], podCIDR: v['pod-cidr'],
    clusterCIDR: v['cluster-cidr'], clusterDNS: v['cluster-dns']?.split(','), clusterDomain: v['cluster-domain'],
    dataDir: v['data-dir'], kubeletPort: port, netnsPrefix: v['netns-prefix'],
  };
}

/** Pulls the flags the agent's core parser does not know: they configure node services. */
function takeServiceFlags(args: string[]): { rest: string[]; serviceCIDR: string; proxy: boolean } {
  const rest: string[] = [];
  let serviceCIDR = DEFAULT_SERVICE_CIDR, proxy = true;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--no-proxy') proxy = false;
    else if (args[i] === '--service-cidr') serviceCIDR = args[++i] ?? '';
    else if (args[i].startsWith('--service-cidr=')) serviceCIDR = args[i].slice('--service-cidr='.length);
    else rest.push(args[i]);
  }
  return { rest, serviceCIDR, proxy };
}

export async function runAgent(args: string[]): Promise<number> {
  let opts: AgentOptions;
  const svc = takeServiceFlags(args);
  try {
    opts = parseAgentArgs(svc.rest);
    if (svc.proxy) opts.startProxy = (o) => startNodeServices({ ...o, serviceCIDR: svc.serviceCIDR });
  } catch (e) {
    process.stderr.write(`kubesvc agent: ${(e as Error).message}\n\n${agentHelp}`);
    return 2;
  }
  const agent = await startAgent(opts);
  process.stderr.write(`kubesvc agent: node ${opts.nodeName} ready (pods ${opts.podCIDR}, kubelet https://${opts.nodeIP}:${agent.kubeletPort})\n`);
  // SIGHUP restarts the proxy alone (pods keep running), as restarting kube-proxy would.
  const onHup = (): void => {
    process.stderr.write('kubesvc agent: SIGHUP: restarting the proxy\n');
    agent.restartProxy().then((ran) => { if (!ran) process.stderr.write('kubesvc agent: no proxy to restart (--no-proxy)\n'); },
      (e: Error) => process.stderr.write(`kubesvc agent: proxy restart: ${e.message}\n`));
  };
  process.on('SIGHUP', onHup);
  // The handlers stay: a second SIGTERM while stopping (up's shutdown reaching an agent
  // already told to stop) must not kill it half-way with its children unreaped.
  await new Promise<void>((resolve) => {
    const done = (): void => resolve();
    process.on('SIGTERM', done);
    process.on('SIGINT', done);
  });
  process.off('SIGHUP', onHup);
  // A node that is shut down says so first, so LoadBalancer announcements move at once;
  // and again after stopping, in case a last heartbeat raced the first mark.
  const notReady = (): Promise<void> =>
    markNodeNotReady(opts.kubeconfig, opts.nodeName).catch((e: Error) => { process.stderr.write(`kubesvc agent: marking node NotReady: ${e.message}\n`); });
  await notReady();
  await agent.stop();
  await notReady();
  return 0;
}
