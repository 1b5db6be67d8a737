// The lifecycle of one pod on this node: network sandbox, containers, status
// writes, graceful termination and clean-up.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RestClient } from '../../client/rest.js';
import { isConflictError, isNotFoundError } from '../../client/rest.js';
import { Pods, resourcePath } from '../../client/resources.js';
import type { EventSink } from './event-queue.js';
import { jsonEqual } from '../../api/object.js';
import { rfc3339 } from '../../util/time.js';
import type { NetNS } from '../net/netns.js';
import { gatewayIP, type Cidr } from '../net/cidr.js';
import { netnsPath, podNetnsName, podVethName, BRIDGE } from '../net/names.js';
import type { ProcessRunner } from '../runtime/process.js';
import { asUser, identityOf, withTty } from '../runtime/argv.js';
import type { Backoff } from './backoff.js';
import { containerProgram, STANDIN_HOLDER } from './command.js';
import { ContainerRunner, type Launch } from './container.js';
import { hostsFile, podHostname, podResolvConf, renderResolvConf } from './dns.js';
import { containerEnv, expand, serviceEnv, servicesForPod, type EnvSources, type ServiceLike } from './envvars.js';
import { envSourceRefs, fetchEnvSources, hasEnvSources } from './env-sources.js';
import type { ProbeExecutor } from './probe-exec.js';
import { computePodStatus, initDone, isSidecar } from './status.js';
import { containerNice } from './cpu-priority.js';
import type { FifoLimiter } from '../../util/fifo-limiter.js';
import type { StandinService } from '../standin/host-client.js';
import { which } from '../../util/which.js';
import type { QuietGate } from '../../util/quiet-gate.js';

/** How long a pod's sandbox may take, from its turn, before a first (Pending) status is written. */
const FIRST_STATUS_MS = 500;
/** The longest a pod counts as starting (its events wait meanwhile) when a stand-in host does not answer. */
const START_HOLD_MS = 10_000;
/** How long a stopping agent waits for a pod's last status write. */
const SHUTDOWN_STATUS_MS = 1000;

/** Why a pod's worker stops: its pod is being deleted, the agent stops, or the pod is already gone from the API. */
export type StopReason = 'deleted' | 'agent-stopping' | 'gone';

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface WorkerDeps {
  client: RestClient;
  netns: NetNS;
  runner: ProcessRunner;
  probes: ProbeExecutor;
  backoff: Backoff;
  ipam: { allocate(uid: string): string; release(uid: string): void };
  events?: EventSink;
  nodeName: string;
  nodeIP: string;
  podCIDR: Cidr;
  netnsPrefix: string;
  clusterDNS: string[];
  clusterDomain: string;
  nodeResolvConf: string;
  dataDir: string;
  /** Root of /etc/netns (tests may point elsewhere). */
  etcNetns: string;
  allocatable: { cpu: string; memory: string };
  /** Limits how many pod networks are wired at once (in arrival order); unlimited when absent. */
  sandboxes?: FifoLimiter;
  /** Held from a pod's start until its containers were tried (the agent's events wait for it). */
  starting?: QuietGate;
  services(): ServiceLike[];
  standins: StandinService;
  onDone(uid: string): void;
}

// The holder by absolute path, so a container's own PATH cannot hide it.
let holderPath: string | undefined;
const standinHolder = (): string[] => [(holderPath ??= which(STANDIN_HOLDER[0], process.env.PATH ?? DEFAULT_PATH) ?? STANDIN_HOLDER[0]), ...STANDIN_HOLDER.slice(1)];

export class PodWorker {
  readonly uid: string;
  readonly netnsName: string;
  readonly veth: string;
  readonly containers: ContainerRunner[];
  /** spec.initContainers, run one after another before the regular containers start. */
  readonly initContainers: ContainerRunner[];
  /** spec.ephemeralContainers (kubectl debug), each started once as it appears; they never restart. */
  readonly ephemeralContainers: ContainerRunner[] = [];
  private regularStarted = false;
  podIP: string | undefined;
  private sandboxReady = false;
  /** The pod's network was made once: its IP is published from then on (kept through termination, as the kubelet does). */
  private wired = false;
  private startTime: string;
  private terminating: Promise<void> | undefined;
  private graceDeadline = Infinity;
  private lastWritten: unknown;
  private writing = false;
  private dirty = false;
  private finished = false;
  private retry: NodeJS.Timeout | undefined;
  private startHold: (() => void) | undefined;
  /** The pod's resolv.conf and hosts are written (see writePodEtc). */
  private etcWritten = false;

  constructor(public pod: any, private readonly d: WorkerDeps) {
    this.uid = pod.metadata.uid;
    this.netnsName = podNetnsName(d.netnsPrefix, this.uid);
    this.veth = podVethName(this.uid);
    this.startTime = pod.status?.startTime ?? rfc3339();
    const prev = new Map<string, any>((pod.status?.containerStatuses ?? []).map((s: any) => [s.name, s]));
    this.containers = (pod.spec?.containers ?? []).map((c: any) => new ContainerRunner(c, this.host(), prev.get(c.name)));
    const prevInit = new Map<string, any>((pod.status?.initContainerStatuses ?? []).map((s: any) => [s.name, s]));
    this.initContainers = (pod.spec?.initContainers ?? []).map((c: any) => new ContainerRunner(c, this.host(() => this.initRestartPolicy(c)), prevInit.get(c.name)));
    if (this.initContainers.length) for (const c of this.containers) c.rt.state = { waiting: { reason: 'PodInitializing' } };
  }

  get key(): string {
    return `${this.pod.metadata.namespace}/${this.pod.metadata.name}`;
  }

  get logPrefix(): string {
    return join(this.d.dataDir, 'pods', `${this.pod.metadata.namespace}_${this.pod.metadata.name}_${this.uid}`);
  }

  /** A sidecar restarts always; another init container on failure, unless the pod's policy is Never. */
  private initRestartPolicy(spec: any): string {
    if (isSidecar(spec)) return 'Always';
    return this.pod.spec?.restartPolicy === 'Never' ? 'Never' : 'OnFailure';
  }

  private get allContainers(): ContainerRunner[] {
    return [...this.initContainers, ...this.containers, ...this.ephemeralContainers];
  }

  private startEphemeral(): void {
    if (this.terminating || !this.sandboxReady) return;
    for (const spec of this.pod.spec?.ephemeralContainers ?? []) {
      if (this.ephemeralContainers.some((c) => c.spec.name === spec.name)) continue;
      // Its program runs through `ip netns exec`, which reads the pod's resolv.conf and hosts.
      this.writePodEtc();
      const c = new ContainerRunner(spec, this.host(() => 'Never'));
      this.ephemeralContainers.push(c);
      c.start();
    }
  }

  /** Init containers one at a time, each to its end (a sidecar: to its start), then the regular containers. */
  private advanceInit(): void {
    if (this.regularStarted || this.terminating || !this.sandboxReady) return;
    for (const c of this.initContainers) {
      if (initDone(c.rt, isSidecar(c.spec))) continue;
      if (!c.tried) c.start();
      return;
    }
    this.regularStarted = true;
    for (const c of this.containers) c.start();
  }

  private host(restartPolicy?: () => string) {
    return {
      runner: this.d.runner, probes: this.d.probes, standins: this.d.standins, backoff: this.d.backoff, logPrefix: this.logPrefix,
      podIP: () => this.podIP ?? '',
      restartPolicy: restartPolicy ?? (() => this.pod.spec?.restartPolicy ?? 'Always'),
      podRef: () => `${this.pod.metadata.name}_${this.pod.metadata.namespace}(${this.uid})`,
      graceMs: () => (this.pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000,
      launch: (spec: any) => this.launch(spec),
      podEtc: () => this.writePodEtc(),
      changed: () => { this.syncStatus(); this.endStartIfTried(); this.advanceInit(); },
      event: (type: 'Normal' | 'Warning', reason: string, message: string) => this.d.events?.emit(this.pod, { type, reason, message }),
    };
  }

  async start(): Promise<void> {
    this.startHold ??= this.d.starting?.hold();
    // The node's stand-in host boots while the sandbox is made, not after it.
    if (this.allContainers.some((c) => containerProgram(c.spec).kind === 'standin')) this.d.standins.warm();
    // One status write once the containers run, instead of Pending then Running, unless the sandbox
    // is slow to make. Timed from its turn, not from the pod's arrival: in a burst, a write for each
    // pod still waiting its turn would only add to what every pod waits for.
    let early: NodeJS.Timeout | undefined;
    const sandbox = (): Promise<void> => {
      early = setTimeout(() => this.syncStatus(), FIRST_STATUS_MS);
      return this.setupSandbox();
    };
    try {
      await (this.d.sandboxes ? this.d.sandboxes.run(sandbox) : sandbox());
    } catch (e) {
      clearTimeout(early);
      this.endStart();
      if (this.terminating) return;
      this.syncStatus();
      this.d.events?.emit(this.pod, { type: 'Warning', reason: 'FailedCreatePodSandBox', message: `Failed to create pod sandbox: ${(e as Error).message}` });
      await this.d.netns.deletePod(this.netnsName, this.veth).catch(() => undefined);
      this.retry = setTimeout(() => void this.start(), 5000);
      return;
    }
    clearTimeout(early);
    if (this.terminating) {
      // Deleted while its network was being made: teardown ran before there was anything to remove.
      await this.teardown();
      return;
    }
    this.sandboxReady = true;
    this.wired = true;
    this.advanceInit();
    this.startEphemeral();
    // A stand-in writes its state once its ports are open (a container with ConfigMaps or Secrets
    // once they were fetched); a status before that (Pending) would be one more write per pod.
    // Unless the node's stand-in host (or the API server) is slow to answer.
    if (this.allContainers.some((c) => c.awaitingStart)) {
      setTimeout(() => this.syncStatus(), FIRST_STATUS_MS);
      // Its start ends once that finished (changed()), or here if no answer comes.
      setTimeout(() => this.endStart(), START_HOLD_MS).unref();
    } else {
      this.syncStatus();
    }
    this.endStartIfTried();
  }

  private async setupSandbox(): Promise<void> {
    // Deleted while it waited for its turn: make nothing.
    if (this.terminating) throw new Error('pod is terminating');
    const ip = (this.podIP = this.d.ipam.allocate(this.uid));
    const wiring = this.d.netns.createPod({ netns: this.netnsName, veth: this.veth, ip, prefixLen: this.d.podCIDR.bits, gateway: gatewayIP(this.d.podCIDR) }, BRIDGE);
    // Written while the node's ip session makes the network. Synchronously: for files this small,
    // fs.promises cost more CPU in all and as much of the event loop (measured in the agent).
    try {
      // Only a container run by `ip netns exec` reads them from its start; for a pod of stand-ins
      // (whose holders read no file) they wait for a first exec into it: each new file or
      // directory costs the kernel 0.1–0.3 ms on the ext4 disks measured, for every pod in a burst.
      if (this.allContainers.some((c) => containerProgram(c.spec).kind === 'exec')) this.writePodEtc();
    } finally {
      await wiring;
    }
  }

  /** /etc/netns/<netns>/{resolv.conf,hosts}, bind-mounted over /etc by `ip netns exec`; once per pod. */
  private writePodEtc(): void {
    if (this.etcWritten || !this.podIP) return;
    const dir = join(this.d.etcNetns, this.netnsName);
    const rc = podResolvConf(this.pod.spec, { namespace: this.pod.metadata.namespace, clusterDNS: this.d.clusterDNS, clusterDomain: this.d.clusterDomain, nodeResolvConf: this.d.nodeResolvConf });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'resolv.conf'), renderResolvConf(rc));
    writeFileSync(join(dir, 'hosts'), hostsFile(this.pod, [this.podIP], this.d.clusterDomain));
    this.etcWritten = true;
  }

  /** What a start runs; after fetching the ConfigMaps and Secrets its environment names, if it names any. */
  private launch(spec: any): Launch | Promise<Launch> {
    const refs = envSourceRefs(spec);
    if (!hasEnvSources(refs)) return this.launchWith(spec);
    return fetchEnvSources(this.d.client, this.pod.metadata.namespace, refs).then((sources) => this.launchWith(spec, sources));
  }

  private launchWith(spec: any, sources?: EnvSources): Launch {
    const ctx = { pod: this.pod, podIPs: this.podIP ? [this.podIP] : [], hostIPs: [this.d.nodeIP], nodeAllocatable: this.d.allocatable };
    const svc = serviceEnv(servicesForPod(this.d.services(), this.pod.metadata.namespace, this.pod.spec?.enableServiceLinks !== false));
    const hostname = podHostname(this.pod);
    const env: Record<string, string> = { PATH: DEFAULT_PATH, HOSTNAME: hostname, HOME: '/root' };
    for (const e of containerEnv(spec, ctx, svc, sources)) env[e.name] = e.value;
    let prog = containerProgram(spec, (s) => expand(s, (n) => env[n]));
    // A debugging container without a command gets a shell (its image's usual entrypoint), not a stand-in server.
    if (prog.kind === 'standin' && (this.pod.spec?.ephemeralContainers ?? []).some((e: any) => e.name === spec.name)) prog = { kind: 'exec', argv: ['sh'] };
    const identity = identityOf(this.pod, spec);
    if (identity.uid !== undefined && identity.uid !== 0 && !spec.env?.some((e: any) => e.name === 'HOME')) env.HOME = '/';
    const standin = prog.kind === 'standin'
      ? { nsPath: netnsPath(this.netnsName), ports: prog.ports, id: { pod: this.pod.metadata.name, namespace: this.pod.metadata.namespace, node: this.d.nodeName, podIP: this.podIP ?? '' } }
      : undefined;
    const argv = prog.kind === 'exec' ? prog.argv : standinHolder();
    // A stand-in's holder reads no file: it needs no view of the pod's resolv.conf and hosts.
    const pod = { netns: this.netnsName, hostname, podEtc: prog.kind === 'exec' };
    // tty: true (kubectl run -it) gives the program a terminal, as a runtime allocates one.
    const user = asUser(identity, argv);
    return { argv: spec.tty === true && prog.kind === 'exec' ? withTty(user) : user, pod, env, identity, nice: containerNice(spec), standin };
  }

  /** A newer copy of the pod from the informer. */
  update(pod: any): void {
    if (pod.metadata.uid !== this.uid) return;
    this.pod = pod;
    if (pod.metadata.deletionTimestamp) void this.terminate((pod.metadata.deletionGracePeriodSeconds ?? 30) * 1000, 'deleted');
    else this.startEphemeral();
  }

  /**
   * Graceful stop. A later call with a shorter grace period (a force delete)
   * shortens the wait. Why it stops decides the end: a pod being deleted ends
   * with the final DELETE, one the agent stops with its last status, one already
   * gone from the API with nothing written.
   */
  terminate(graceMs: number, why: StopReason): Promise<void> {
    const deadline = Date.now() + graceMs;
    if (this.terminating) {
      if (deadline < this.graceDeadline) {
        this.graceDeadline = deadline;
        void Promise.all(this.allContainers.map((c) => c.stop(graceMs, why === 'agent-stopping')));
      }
      return this.terminating;
    }
    this.graceDeadline = deadline;
    if (this.retry) clearTimeout(this.retry);
    this.endStart();
    this.terminating = (async () => {
      await Promise.all(this.allContainers.map((c) => c.stop(graceMs, why === 'agent-stopping')));
      await this.teardown();
      if (why === 'deleted') {
        this.syncStatus();
        await this.flushStatus();
        try {
          await this.d.client.delete(resourcePath(Pods, this.pod.metadata.namespace, this.pod.metadata.name), { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, preconditions: { uid: this.uid } });
        } catch (e) {
          if (!isNotFoundError(e) && !isConflictError(e)) console.error(`kubesvc agent: delete ${this.key}: ${(e as Error).message}`);
        }
      } else if (why === 'agent-stopping') {
        // The containers' last state goes out if the API server answers soon (not for a pod already
        // gone: a new pod of the same name could get the old one's status).
        this.syncStatus();
        await Promise.race([this.flushStatus(), new Promise((r) => setTimeout(r, SHUTDOWN_STATUS_MS).unref())]);
      }
      this.finished = true;
      for (const c of this.allContainers) for (const f of [c.logFile(false), c.logFile(true)]) if (f) rmSync(f, { force: true });
      this.d.onDone(this.uid);
    })();
    return this.terminating;
  }

  private async teardown(): Promise<void> {
    this.sandboxReady = false;
    // Anything a container left behind in the namespace (daemonised children).
    for (const pid of await this.d.netns.netnsPids(this.netnsName).catch(() => [])) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
    await this.d.netns.deletePod(this.netnsName, this.veth).catch((e) => console.error(`kubesvc agent: teardown ${this.key}: ${(e as Error).message}`));
    rmSync(join(this.d.etcNetns, this.netnsName), { recursive: true, force: true });
    this.etcWritten = false;
    this.d.ipam.release(this.uid);
  }

  computeStatus(): Record<string, unknown> {
    return computePodStatus(this.pod, { containers: this.containers.map((c) => c.rt), initContainers: this.initContainers.map((c) => c.rt), ephemeralContainers: this.ephemeralContainers.map((c) => c.rt), podIP: this.wired ? this.podIP : undefined, hostIP: this.d.nodeIP, startTime: this.startTime, sandboxReady: this.sandboxReady, now: rfc3339() });
  }

  /** Writes the status when it differs from what was last written; writes never overlap. */
  syncStatus(): void {
    if (this.finished) return;
    this.dirty = true;
    if (this.writing) return;
    this.writing = true;
    void (async () => {
      // Changes made in the same tick (every container of a pod starting) go out as one write.
      await null;
      while (this.dirty && !this.finished) {
        this.dirty = false;
        const status = this.computeStatus();
        if (jsonEqual(status, this.lastWritten)) continue;
        try {
          const out = await this.d.client.patch(resourcePath(Pods, this.pod.metadata.namespace, this.pod.metadata.name, 'status'), { metadata: { uid: this.uid }, status }, 'merge');
          this.lastWritten = status;
          if (out?.metadata?.uid === this.uid && !this.pod.metadata.deletionTimestamp) this.pod = { ...this.pod, status: out.status };
        } catch (e) {
          // Gone, or replaced by a new pod of the same name (the uid in the patch is a precondition): not ours to write.
          if (isNotFoundError(e) || (isConflictError(e) && /UID in precondition/.test((e as Error).message))) break;
          console.error(`kubesvc agent: status ${this.key}: ${(e as Error).message}`);
          // Unref'd: a write failing as the agent shuts down must not keep it running.
          await new Promise((r) => setTimeout(r, 1000).unref());
          this.dirty = true;
        }
      }
      this.writing = false;
      this.flushWaiters.splice(0).forEach((w) => w());
    })();
  }

  /**
   * A pod's start ends once its network is made and every container was tried: started, failed,
   * or unable to start (a missing Secret keeps a pod Pending until it exists); not while a stand-in
   * waits for its ports or a container for its ConfigMaps and Secrets.
   */
  private endStartIfTried(): void {
    if (this.wired && !this.allContainers.some((c) => c.awaitingStart)) this.endStart();
  }

  private endStart(): void {
    this.startHold?.();
    this.startHold = undefined;
  }

  private flushWaiters: (() => void)[] = [];
  private flushStatus(): Promise<void> {
    if (!this.writing) return Promise.resolve();
    return new Promise((r) => this.flushWaiters.push(r));
  }

  findContainer(name?: string): ContainerRunner | undefined {
    return name ? this.allContainers.find((c) => c.spec.name === name) : this.containers[0];
  }
}
