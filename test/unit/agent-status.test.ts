// Pod status computation, CrashLoopBackOff timing and the probe state machine.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { computePodStatus, podPhase, type ContainerRuntime } from '../../src/agent/pod/status.js';
import { Backoff } from '../../src/agent/pod/backoff.js';
import { initialProbeState, observe, probeTiming } from '../../src/agent/pod/probe-state.js';
import { Ipam } from '../../src/agent/net/ipam.js';
import { podNetnsName, podVethName } from '../../src/agent/net/names.js';

const T0 = '2025-01-01T00:00:00Z';
const running = (name: string, ready = true): ContainerRuntime => ({ name, image: 'img', state: { running: { startedAt: T0 } }, lastState: {}, restartCount: 0, ready, started: true });
const waiting = (name: string, reason = 'ContainerCreating', last: any = {}): ContainerRuntime => ({ name, image: 'img', state: { waiting: { reason } }, lastState: last, restartCount: 0, ready: false, started: false });
const term = (name: string, exitCode: number): ContainerRuntime => ({ name, image: 'img', state: { terminated: { exitCode, reason: exitCode ? 'Error' : 'Completed', startedAt: T0, finishedAt: T0 } }, lastState: {}, restartCount: 0, ready: false, started: false });

describe('podPhase', () => {
  const crashed = waiting('a', 'CrashLoopBackOff', { terminated: { exitCode: 1, reason: 'Error', startedAt: T0, finishedAt: T0 } });
  const cases = [
    { name: 'creating', policy: 'Always', cs: [waiting('a')], want: 'Pending' },
    { name: 'running', policy: 'Always', cs: [running('a'), running('b', false)], want: 'Running' },
    { name: 'crash loop stays Running', policy: 'Always', cs: [crashed], want: 'Running' },
    { name: 'all succeeded, Never', policy: 'Never', cs: [term('a', 0), term('b', 0)], want: 'Succeeded' },
    { name: 'one failed, Never', policy: 'Never', cs: [term('a', 0), term('b', 2)], want: 'Failed' },
    { name: 'failed, OnFailure restarts', policy: 'OnFailure', cs: [term('a', 2)], want: 'Running' },
    { name: 'one running one waiting', policy: 'Always', cs: [running('a'), waiting('b')], want: 'Pending' },
  ];
  for (const c of cases) it(c.name, () => assert.equal(podPhase(c.policy, c.cs), c.want));
});

describe('computePodStatus', () => {
  it('conditions as kubectl shows them, transition times kept when unchanged', () => {
    const pod = { spec: { containers: [{ name: 'a' }, { name: 'b' }] }, status: {} as any };
    const s1: any = computePodStatus(pod, { containers: [running('a'), running('b', false)], podIP: '10.244.1.5', hostIP: '172.30.0.11', startTime: T0, sandboxReady: true, now: T0 });
    assert.equal(s1.phase, 'Running');
    assert.deepEqual(s1.conditions.map((c: any) => [c.type, c.status]), [['PodReadyToStartContainers', 'True'], ['Initialized', 'True'], ['Ready', 'False'], ['ContainersReady', 'False'], ['PodScheduled', 'True']]);
    assert.equal(s1.conditions[2].reason, 'ContainersNotReady');
    assert.equal(s1.conditions[2].message, 'containers with unready status: [b]');
    assert.deepEqual(s1.podIPs, [{ ip: '10.244.1.5' }]);
    assert.deepEqual(s1.hostIPs, [{ ip: '172.30.0.11' }]);
    assert.equal(s1.qosClass, 'BestEffort');
    assert.equal(s1.containerStatuses[0].started, true);
    pod.status = s1;
    const later = '2025-01-01T00:01:00Z';
    const s2: any = computePodStatus(pod, { containers: [running('a'), running('b')], podIP: '10.244.1.5', hostIP: '172.30.0.11', startTime: T0, sandboxReady: true, now: later });
    assert.equal(s2.conditions[0].lastTransitionTime, T0);
    assert.equal(s2.conditions[2].status, 'True');
    assert.equal(s2.conditions[2].lastTransitionTime, later);
    assert.equal(s2.conditions[2].reason, undefined);
  });
});

describe('computePodStatus with init containers', () => {
  const base = { hostIP: '172.30.0.11', startTime: T0, sandboxReady: true, now: T0 };
  const pod = (restartPolicy = 'Always', sidecar = false) => ({
    spec: { restartPolicy, initContainers: [{ name: 'i1' }, { name: 'i2', ...(sidecar ? { restartPolicy: 'Always' } : {}) }], containers: [{ name: 'a' }] }, status: {} as any,
  });
  const cond = (s: any, type: string) => s.conditions.find((c: any) => c.type === type);
  const failedOnce = (name: string) => waiting(name, 'CrashLoopBackOff', { terminated: { exitCode: 1, reason: 'Error', startedAt: T0, finishedAt: T0 } });

  it('while the first runs: Pending, not Initialized (the incomplete ones named), regular containers PodInitializing', () => {
    const s: any = computePodStatus(pod(), { ...base, initContainers: [running('i1'), waiting('i2', 'PodInitializing')], containers: [waiting('a', 'PodInitializing')] });
    assert.equal(s.phase, 'Pending');
    assert.deepEqual([cond(s, 'Initialized').status, cond(s, 'Initialized').reason, cond(s, 'Initialized').message], ['False', 'ContainersNotInitialized', 'containers with incomplete status: [i1 i2]']);
    assert.deepEqual(s.initContainerStatuses.map((c: any) => c.name), ['i1', 'i2']);
    assert.equal(s.containerStatuses[0].state.waiting.reason, 'PodInitializing');
    assert.equal(s.initContainerStatuses[0].ready, false, 'a running init container is not Ready');
  });

  it('all completed: Initialized, and the phase is the regular containers\'', () => {
    const s: any = computePodStatus(pod(), { ...base, initContainers: [term('i1', 0), term('i2', 0)], containers: [running('a')] });
    assert.equal(s.phase, 'Running');
    assert.equal(cond(s, 'Initialized').status, 'True');
    assert.equal(cond(s, 'Ready').status, 'True');
  });

  it('a failed init container: Failed under restartPolicy Never, Pending (restarting) otherwise', () => {
    const never: any = computePodStatus(pod('Never'), { ...base, initContainers: [term('i1', 2), waiting('i2', 'PodInitializing')], containers: [waiting('a', 'PodInitializing')] });
    assert.equal(never.phase, 'Failed');
    const always: any = computePodStatus(pod('Always'), { ...base, initContainers: [failedOnce('i1'), waiting('i2', 'PodInitializing')], containers: [waiting('a', 'PodInitializing')] });
    assert.equal(always.phase, 'Pending');
  });

  it('a sidecar counts as initialized once started and takes part in readiness', () => {
    const s: any = computePodStatus(pod('Always', true), { ...base, initContainers: [term('i1', 0), running('i2', false)], containers: [running('a')] });
    assert.equal(s.phase, 'Running');
    assert.equal(cond(s, 'Initialized').status, 'True');
    assert.deepEqual([cond(s, 'Ready').status, cond(s, 'Ready').message], ['False', 'containers with unready status: [i2]']);
  });
});

describe('computePodStatus with ephemeral containers', () => {
  it('reports them, never Ready, without touching phase or readiness', () => {
    const pod = { spec: { containers: [{ name: 'a' }], ephemeralContainers: [{ name: 'dbg' }] }, status: {} as any };
    const s: any = computePodStatus(pod, { containers: [running('a')], ephemeralContainers: [running('dbg')], hostIP: '172.30.0.11', sandboxReady: true, now: T0 });
    assert.equal(s.phase, 'Running');
    assert.equal(s.conditions.find((c: any) => c.type === 'Ready').status, 'True');
    assert.deepEqual(s.ephemeralContainerStatuses.map((c: any) => [c.name, c.ready, !!c.state.running]), [['dbg', false, true]]);
    const done: any = computePodStatus(pod, { containers: [running('a')], ephemeralContainers: [term('dbg', 1)], hostIP: '172.30.0.11', sandboxReady: true, now: T0 });
    assert.equal(done.phase, 'Running', 'a debug container\'s failure is not the pod\'s');
  });
});

describe('CrashLoopBackOff', () => {
  it('restarts at once, then waits 10s, 20s, 40s … capped at 5m, and forgets after 10m quiet', () => {
    const b = new Backoff();
    let now = 0;
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      const w = b.remaining('k', now, now);
      waits.push(w);
      now += w;
      b.next('k', now);
    }
    assert.deepEqual(waits.map((w) => w / 1000), [0, 10, 20, 40, 80, 160, 300, 300]);
    assert.equal(b.remaining('k', now + 600_001, now + 600_001), 0);
  });
});

describe('probe state machine', () => {
  it('readiness: starts failed, flips after successThreshold, back after failureThreshold', () => {
    const t = probeTiming('readiness', { successThreshold: 2, failureThreshold: 3 });
    let s = initialProbeState('readiness');
    const seq: string[] = [];
    for (const o of ['success', 'success', 'failure', 'failure', 'success', 'failure', 'failure', 'failure'] as const) {
      s = observe(s, o, t);
      seq.push(s.result);
    }
    assert.deepEqual(seq, ['failure', 'success', 'success', 'success', 'success', 'success', 'success', 'failure']);
  });
  it('liveness starts success; startup unknown; liveness successThreshold forced to 1', () => {
    assert.equal(initialProbeState('liveness').result, 'success');
    assert.equal(initialProbeState('startup').result, 'unknown');
    assert.equal(probeTiming('liveness', { successThreshold: 5 }).successThreshold, 1);
    assert.deepEqual(probeTiming('readiness', {}), { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 });
  });
});

describe('ipam and names', () => {
  it('round-robin, stable per uid, skips gateway', () => {
    const ipam = Ipam.empty('10.244.1.0/29');
    assert.equal(ipam.allocate('a'), '10.244.1.2');
    assert.equal(ipam.allocate('b'), '10.244.1.3');
    assert.equal(ipam.allocate('a'), '10.244.1.2');
    ipam.release('a');
    assert.equal(ipam.allocate('c'), '10.244.1.4');
    assert.equal(ipam.allocate('d'), '10.244.1.5');
    assert.equal(ipam.allocate('e'), '10.244.1.6');
    assert.equal(ipam.allocate('f'), '10.244.1.2');
    assert.throws(() => ipam.allocate('g'), /exhausted/);
  });
  it('link names fit in 15 characters', () => {
    assert.ok(podVethName('0b7e8d0c-4d7a-4a3e-9a55-0123456789ab').length <= 15);
    assert.match(podNetnsName('ksvc-c1-node-1', 'uid'), /^ksvc-c1-node-1-p[0-9a-f]{8}$/);
  });
});
