// Node agents as children of `up`: `ip netns exec <node-ns> kubesvc agent ...`,
// their output prefixed into up's log, their exits recorded.
import { spawn, type ChildProcess } from 'node:child_process';
import type { NodePlan, ClusterPlan } from './plan.js';
import { procCmdline, procRecord, type ProcRecord } from './state.js';
import type { UpLog } from './log.js';

export interface AgentSpec {
  ipBin: string;
  self: string[];
  kubeconfig: string;
  dataDir: string;
  kubeletPort: number;
}

export function agentArgs(plan: ClusterPlan, node: NodePlan, s: AgentSpec): string[] {
  return [
    'agent',
    '--kubeconfig', s.kubeconfig,
    '--node-name', node.name,
    '--node-ip', node.ip,
    '--pod-cidr', node.podCIDR,
    '--cluster-cidr', plan.clusterCIDR,
    '--service-cidr', plan.serviceCIDR,
    '--cluster-dns', plan.dnsIP,
    '--cluster-domain', plan.clusterDomain,
    '--data-dir', s.dataDir,
    '--kubelet-port', String(s.kubeletPort),
  ];
}

export class AgentProcess {
  readonly child: ChildProcess;
  exitCode: number | null | undefined = undefined;
  exitSignal: NodeJS.Signals | null = null;
  /** The last lines of output, for error messages. */
  readonly tail: string[] = [];
  readonly exited: Promise<void>;

  constructor(readonly node: NodePlan, argv: string[], env: NodeJS.ProcessEnv, log: UpLog) {
    const [cmd, ...args] = argv;
    this.child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    const sink = log.sink(node.name);
    const keep = (c: Buffer): void => {
      sink(c);
      for (const l of String(c).split('\n').filter(Boolean)) this.tail.push(l);
      while (this.tail.length > 20) this.tail.shift();
    };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, sig) => {
        this.exitCode = code;
        this.exitSignal = sig;
        log.line('up', `agent ${node.name} (pid ${this.child.pid}) exited: ${sig ?? `code ${code}`}`);
        resolve();
      });
      this.child.on('error', (e) => {
        this.exitCode = -1;
        this.tail.push(e.message);
        resolve();
      });
    });
  }

  get pid(): number | undefined { return this.child.pid; }
  get running(): boolean { return this.exitCode === undefined; }

  /** The process record once `ip netns exec` has exec'd the agent (its cmdline no longer starts with ip). */
  async record(ipBin: string): Promise<ProcRecord | undefined> {
    const pid = this.child.pid;
    if (!pid) return undefined;
    for (let i = 0; i < 50 && this.running; i++) {
      const c = procCmdline(pid);
      if (c !== undefined && !c.startsWith(ipBin) && !c.startsWith('ip ')) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.running ? procRecord(pid, `agent ${this.node.name}`) : undefined;
  }
}
