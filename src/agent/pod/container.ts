// One container of a pod: starts its process, captures logs, runs its probes,
// restarts it under the restart policy with CrashLoopBackOff, and reports its
// state for the pod status.
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcessHandle, ProcessRunner } from '../runtime/process.js';
import { exitCodeOf } from '../runtime/process.js';
import { appendLogLine, captureLogs, logPath } from '../runtime/logs.js';
import { rfc3339 } from '../../util/time.js';
import type { Backoff } from './backoff.js';
import { initialProbeState, observe, probeTiming, type ProbeKind, type ProbeState } from './probe-state.js';
import type { ProbeExecutor } from './probe-exec.js';
import { shouldRestart, terminatedReason, type ContainerRuntime } from './status.js';
import type { ContainerTarget, Identity, PodPlacement } from '../runtime/argv.js';
import type { ServeRequest, StandinService } from '../standin/host-client.js';
import { AttachPoint } from './attach-point.js';
import { POST_START_TIMEOUT_MS, graceAfterPreStop, runHook } from './hooks.js';

/** Waits between tries of a start whose environment could not be built. */
const CONFIG_RETRY_MS = [500, 1000, 2000, 4000, 8000, 10_000];

export interface Launch {
  /** The program, as the container's user. */
  argv: string[];
  pod: PodPlacement;
  env: Record<string, string>;
  identity: Identity;
  /** CPU priority from the container's request (cpu-priority.ts). */
  nice: number;
  /** Ports the node's stand-in host serves while the process lives. */
  standin?: ServeRequest;
}

export interface ContainerHost {
  runner: ProcessRunner;
  probes: ProbeExecutor;
  standins: StandinService;
  backoff: Backoff;
  /** Where the pod's log files start (see logPath). */
  logPrefix: string;
  podIP(): string;
  restartPolicy(): string;
  podRef(): string;
  /** terminationGracePeriodSeconds, for kills after failed probes. */
  graceMs(): number;
  /**
   * Builds argv and env at each start (service variables are those of that moment); a promise
   * when the environment names ConfigMaps or Secrets to fetch first. Throws (rejects) when the
   * environment cannot be built: the start is then retried.
   */
  launch(spec: any): Launch | Promise<Launch>;
  /** Makes the pod's resolv.conf and hosts if they are not yet (a stand-in pod's wait for a first exec). */
  podEtc(): void;
  changed(): void;
  event(type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export class ContainerRunner {
  readonly rt: ContainerRuntime;
  attempt = 0;
  private handle: ProcessHandle | undefined;
  private attachable: AttachPoint | undefined;
  private everStarted = false;
  /** Started, its postStart hook still running: exec works, the status still says ContainerCreating. */
  private postStarting = false;
  private launched: Launch | undefined;
  private terminating = false;
  private timers: NodeJS.Timeout[] = [];
  private restartTimer: NodeJS.Timeout | undefined;
  private probeState = new Map<ProbeKind, ProbeState>();
  private probing = new Set<ProbeKind>();
  private exitWaiters: (() => void)[] = [];
  private killing = false;
  private readonly reaped = new WeakSet<ProcessHandle>();
  private readonly lostBeforeStart = new Set<string>();

  constructor(readonly spec: any, private readonly host: ContainerHost, prev?: any) {
    // After an agent restart the container starts again; its history carries over.
    const ran = prev && (prev.state?.running || prev.state?.terminated || prev.lastState?.terminated);
    this.rt = {
      name: spec.name, image: spec.image ?? '', state: { waiting: { reason: 'ContainerCreating' } },
      lastState: prev?.lastState ?? {}, restartCount: (prev?.restartCount ?? 0) + (ran && prev.state?.running ? 1 : 0), ready: false, started: false,
    };
    this.attempt = this.rt.restartCount;
  }

  get pid(): number | undefined {
    return this.handle && ('running' in this.rt.state || this.postStarting) ? this.handle.pid : undefined;
  }

  get env(): Record<string, string> {
    return this.launched?.env ?? {};
  }

  get nice(): number | undefined {
    return this.launched?.nice;
  }

  get identity(): Identity {
    return this.launched?.identity ?? {};
  }

  /** What exec and exec probes join while the container runs. */
  private get target(): ContainerTarget | undefined {
    const pid = this.pid;
    return pid && this.launched ? { pid, pod: this.launched.pod } : undefined;
  }

  /** The target for a command run in the container (exec, exec probes), with the pod's files made for it. */
  execTarget(): ContainerTarget | undefined {
    const t = this.target;
    if (t?.pod.podEtc === false) this.host.podEtc();
    return t;
  }

  /** The running process for attach, or undefined. */
  attachPoint(): AttachPoint | undefined {
    return this.isRunning() && this.handle && !this.reaped.has(this.handle) ? this.attachable : undefined;
  }

  isRunning(): boolean {
    return 'running' in this.rt.state;
  }

  /**
   * Between a start and its outcome: a stand-in waiting for its ports, or a container whose
   * ConfigMaps and Secrets are being fetched. Its state changes (and is written) once that ends.
   */
  get awaitingStart(): boolean {
    return this.serving || this.fetching;
  }
  private serving = false;
  private fetching = false;

  logFile(previous: boolean): string | undefined {
    if (!previous) return logPath(this.host.logPrefix, this.spec.name, this.attempt);
    return this.attempt > 0 ? logPath(this.host.logPrefix, this.spec.name, this.attempt - 1) : undefined;
  }

  private get backoffKey(): string {
    return `${this.host.podRef()}/${this.spec.name}`;
  }

  /** Whether start() ran at least once (an init container is started once, then restarts on its own). */
  get tried(): boolean {
    return this.everStarted;
  }

  start(): void {
    if (this.terminating) return;
    this.everStarted = true;
    let l: Launch | Promise<Launch>;
    try {
      l = this.host.launch(this.spec);
    } catch (e) {
      this.configError(e as Error);
      return;
    }
    if (l instanceof Promise) {
      this.fetching = true;
      l.then(
        (launch) => { this.fetching = false; if (!this.terminating) this.beginOrFail(launch); },
        (e: Error) => { this.fetching = false; if (!this.terminating) this.configError(e); },
      );
      return;
    }
    this.beginOrFail(l);
  }

  /** A launch the process cannot be started with (a NUL byte in a value from a Secret, a workingDir that cannot be made) waits and is retried like a config error. */
  private beginOrFail(l: Launch): void {
    const nul = Object.entries(l.env).find(([, v]) => v.includes('\0'));
    if (nul) { this.configError(new Error(`environment variable ${nul[0]} contains a NUL byte`)); return; }
    try {
      this.begin(l);
    } catch (e) {
      this.configError(e as Error);
    }
  }

  /**
   * The environment could not be built (a ConfigMap or Secret is missing): the container waits in
   * CreateContainerConfigError and the start is tried again, sooner than the kubelet's 10 s pod
   * resync at first, so a source created just after its pod is picked up within a second or two.
   */
  private configError(e: Error): void {
    this.rt.state = { waiting: { reason: 'CreateContainerConfigError', message: e.message } };
    this.host.event('Warning', 'Failed', `Error: ${e.message}`);
    this.host.changed();
    const wait = CONFIG_RETRY_MS[Math.min(this.configRetries++, CONFIG_RETRY_MS.length - 1)];
    this.restartTimer = setTimeout(() => this.start(), wait);
  }
  private configRetries = 0;

  private begin(l: Launch): void {
    this.configRetries = 0;
    this.launched = l;
    const id = `kubesvc://${randomBytes(16).toString('hex')}`;
    const req = l.standin;
    if (!req) {
      this.run(l, id);
      return;
    }
    // A stand-in's ports listen before its process starts, so a Ready stand-in answers.
    // (Nothing restarts it meanwhile: without a process there is no exit; only a stop can intervene.)
    const fail = (e: Error): void => {
      // As a server that cannot open its port: it logs why and exits with 1.
      const log = logPath(this.host.logPrefix, this.spec.name, this.attempt);
      mkdirSync(join(log, '..'), { recursive: true });
      appendLogLine(log, 'stderr', `stand-in: ${e.message}`);
      this.handle = undefined;
      this.rt.containerID = id;
      this.exited(1);
    };
    this.serving = true;
    this.host.standins.serve(id, req, () => this.lost(id)).finally(() => { this.serving = false; }).then(
      () => {
        if (this.terminating) { this.host.standins.close(id); return; }
        if (this.lostBeforeStart.delete(id)) { fail(new Error('the stand-in host exited before the container started')); return; }
        const log = this.run(l, id);
        appendLogLine(log, 'stdout', `stand-in for pod ${req.id.pod} listening on ${req.ports.map((p) => `${p.port}/${p.protocol}`).join(', ')}`);
      },
      (e: Error) => { if (!this.terminating) fail(e); },
    );
  }

  /** Starts the container's process; returns its log file. */
  private run(l: Launch, id: string): string {
    if (this.spec.workingDir) mkdirSync(this.spec.workingDir, { recursive: true });
    this.handle = this.host.runner.start({ argv: l.argv, pod: l.pod, env: l.env, cwd: this.spec.workingDir, nice: l.nice, stdin: this.spec.stdin === true });
    const h = this.handle;
    const log = logPath(this.host.logPrefix, this.spec.name, this.attempt);
    const logs = captureLogs(log, h.stdout, h.stderr);
    this.attachable = new AttachPoint(h, this.spec);
    // As the kubelet keeps one dead container per container: this start's log and the one before
    // (`--previous`), not every restart's since the pod began.
    if (this.attempt >= 2) rmSync(logPath(this.host.logPrefix, this.spec.name, this.attempt - 2), { force: true });
    this.rt.containerID = id;
    const startedAt = rfc3339();
    this.host.event('Normal', 'Created', `Created container ${this.spec.name}`);
    this.host.event('Normal', 'Started', `Started container ${this.spec.name}`);
    const post = this.spec.lifecycle?.postStart;
    if (post) void this.postStart(h, post, startedAt);
    else this.running(startedAt);
    void h.exited.then(async (info) => {
      this.reaped.add(h);
      if (l.standin) {
        this.host.standins.close(id);
        // The stand-in program ends cleanly when asked to: SIGTERM to its holder is an exit with 0.
        if (info.signal === 'SIGTERM') info = { code: 0, signal: null };
      }
      // The last output may still be in the pipe; a child that kept it open must not hold the exit (or the agent's own) for long.
      await Promise.race([logs, new Promise((r) => setTimeout(r, 1000).unref())]);
      this.onExit(h, exitCodeOf(info), info.signal ?? undefined);
    });
    return log;
  }

  private running(startedAt: string): void {
    this.rt.state = { running: { startedAt } };
    this.rt.started = !this.spec.startupProbe;
    this.rt.ready = this.rt.started && !this.spec.readinessProbe;
    this.startProbes();
    this.host.changed();
  }

  private hookTarget(handler: any) {
    const container = handler?.exec ? this.execTarget() : this.target;
    return container && { podIP: this.host.podIP(), container, identity: this.identity, nice: this.nice, env: this.env, ports: this.spec.ports ?? [] };
  }

  /** The container counts as running once its postStart hook succeeds; a failed hook kills it (and the restart policy decides). */
  private async postStart(h: ProcessHandle, hook: any, startedAt: string): Promise<void> {
    this.postStarting = true;
    const err = await runHook(hook, this.host.probes, this.hookTarget(hook), POST_START_TIMEOUT_MS);
    this.postStarting = false;
    if (h !== this.handle || this.reaped.has(h) || this.terminating) return;
    if (!err) return this.running(startedAt);
    this.host.event('Warning', 'FailedPostStartHook', 'PostStartHook failed');
    h.kill('SIGKILL');
  }

  /** The stand-in host died: the holder of the ports it served goes too (not one already reaped: its pid may be another's now). */
  private lost(id: string): void {
    const h = this.handle;
    if (h && this.rt.containerID === id) {
      if (!this.reaped.has(h)) h.kill('SIGKILL');
    } else {
      this.lostBeforeStart.add(id); // served, but its process not started yet
    }
  }

  private onExit(h: ProcessHandle, exitCode: number, signal?: string): void {
    if (h === this.handle) this.exited(exitCode, signal);
  }

  private exited(exitCode: number, signal?: string): void {
    this.stopProbes();
    const startedAt = 'running' in this.rt.state ? this.rt.state.running.startedAt : rfc3339();
    this.rt.state = {
      terminated: { exitCode, ...(signal ? { signal: signalNumber(signal) } : {}), reason: terminatedReason(exitCode), startedAt, finishedAt: rfc3339(), containerID: this.rt.containerID },
    };
    this.rt.ready = false;
    this.rt.started = false;
    for (const w of this.exitWaiters.splice(0)) w();
    if (this.terminating || !shouldRestart(this.host.restartPolicy(), exitCode)) {
      this.host.changed();
      return;
    }
    const wait = this.host.backoff.remaining(this.backoffKey, Date.now(), Date.now());
    if (wait === 0) {
      this.restart();
      return;
    }
    const secs = Math.round(this.host.backoff.current(this.backoffKey, Date.now()) / 1000);
    this.rt.lastState = this.rt.state;
    this.rt.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${secs}s restarting failed container=${this.spec.name} pod=${this.host.podRef()}` } };
    this.host.event('Warning', 'BackOff', `Back-off restarting failed container ${this.spec.name} in pod ${this.host.podRef()}`);
    this.host.changed();
    this.restartTimer = setTimeout(() => this.restart(), wait);
  }

  private restart(): void {
    if (this.terminating) return;
    this.host.backoff.next(this.backoffKey, Date.now());
    if ('terminated' in this.rt.state) this.rt.lastState = this.rt.state;
    this.rt.restartCount++;
    this.attempt++;
    this.start();
  }

  /** Stops for good (pod deletion): SIGTERM, then SIGKILL after the grace period; `quiet` skips the Killing event (agent shutdown). */
  async stop(graceMs: number, quiet = false): Promise<void> {
    const first = !this.terminating;
    this.terminating = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.stopProbes();
    if (first && !quiet && (this.isRunning() || this.postStarting)) this.host.event('Normal', 'Killing', `Stopping container ${this.spec.name}`);
    const pre = this.spec.lifecycle?.preStop;
    if (first && pre && graceMs > 0 && this.isRunning()) {
      // The hook runs inside the grace period; what it leaves (at least 2 s) is SIGTERM's.
      const t0 = Date.now();
      const err = await runHook(pre, this.host.probes, this.hookTarget(pre), graceMs);
      if (err) this.host.event('Warning', 'FailedPreStopHook', 'PreStopHook failed');
      graceMs = graceAfterPreStop(graceMs, Date.now() - t0);
    }
    await this.kill(graceMs);
  }

  /** Kills the current process; the exit handler decides about a restart. */
  private async kill(graceMs: number): Promise<void> {
    const h = this.handle;
    if (!h || this.reaped.has(h) || !('running' in this.rt.state || this.postStarting)) return;
    const exited = new Promise<void>((r) => this.exitWaiters.push(r));
    h.kill('SIGTERM');
    const t = setTimeout(() => h.kill('SIGKILL'), Math.max(0, graceMs));
    await exited;
    clearTimeout(t);
  }

  private startProbes(): void {
    for (const kind of ['startup', 'readiness', 'liveness'] as const) {
      const p = this.spec[`${kind}Probe`];
      if (!p) continue;
      const t = probeTiming(kind, p);
      this.probeState.set(kind, initialProbeState(kind));
      const tick = (): void => void this.probeOnce(kind, p, t);
      this.timers.push(setTimeout(() => {
        tick();
        this.timers.push(setInterval(tick, t.periodSeconds * 1000));
      }, t.initialDelaySeconds * 1000));
    }
  }

  private stopProbes(): void {
    for (const t of this.timers.splice(0)) clearTimeout(t);
    this.probeState.clear();
  }

  private async probeOnce(kind: ProbeKind, p: any, t: ReturnType<typeof probeTiming>): Promise<void> {
    if (this.probing.has(kind) || !this.isRunning() || this.terminating) return;
    if (kind !== 'startup' && this.spec.startupProbe && !this.rt.started) return;
    if (kind === 'startup' && this.rt.started) return;
    const container = (p.exec ? this.execTarget() : this.target)!, h = this.handle;
    this.probing.add(kind);
    let outcome;
    try {
      outcome = await this.host.probes.run(p, { podIP: this.host.podIP(), container, identity: this.identity, nice: this.nice, env: this.env, ports: this.spec.ports ?? [] }, t.timeoutSeconds * 1000);
    } finally {
      this.probing.delete(kind);
    }
    const before = this.probeState.get(kind);
    if (!before || h !== this.handle || !this.isRunning()) return;
    const after = observe(before, outcome.ok ? 'success' : 'failure', t);
    this.probeState.set(kind, after);
    const label = kind[0].toUpperCase() + kind.slice(1);
    if (!outcome.ok) this.host.event('Warning', 'Unhealthy', `${label} probe failed: ${outcome.message ?? ''}`);
    if (kind === 'readiness') {
      if (after.result !== before.result) {
        this.rt.ready = after.result === 'success';
        this.host.changed();
      }
    } else if (kind === 'startup' && after.result === 'success') {
      this.rt.started = true;
      this.rt.ready = !this.spec.readinessProbe;
      this.host.changed();
    } else if (after.result === 'failure' && !this.killing) {
      this.killing = true;
      this.host.event('Normal', 'Killing', `Container ${this.spec.name} failed ${kind} probe, will be restarted`);
      void this.kill(this.host.graceMs()).finally(() => (this.killing = false));
    }
  }
}

function signalNumber(s: string): number {
  return ({ SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[s] ?? 0;
}
