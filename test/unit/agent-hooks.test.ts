// Lifecycle hooks: which handler runs, the time limits, and what a preStop hook leaves of the grace period.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MIN_GRACE_AFTER_PRESTOP_MS, graceAfterPreStop, runHook } from '../../src/agent/pod/hooks.js';
import type { ProbeExecutor, ProbeTarget } from '../../src/agent/pod/probe-exec.js';

const target: ProbeTarget = { podIP: '10.244.1.5', container: { pid: 1, pod: { netns: 'ns', hostname: 'h' } }, identity: {}, env: {}, ports: [] };

function recorder(ok: boolean): ProbeExecutor & { calls: { probe: any; timeoutMs: number }[] } {
  const calls: { probe: any; timeoutMs: number }[] = [];
  return { calls, run: async (probe, _t, timeoutMs) => { calls.push({ probe, timeoutMs }); return ok ? { ok } : { ok, message: 'exit status 1' }; } };
}

describe('lifecycle hooks', () => {
  it('exec and httpGet go through the probe executor with the time limit; a failure comes back as its message', async () => {
    const good = recorder(true), bad = recorder(false);
    assert.equal(await runHook({ exec: { command: ['true'] } }, good, target, 5000), undefined);
    assert.deepEqual(good.calls, [{ probe: { exec: { command: ['true'] }, httpGet: undefined }, timeoutMs: 5000 }]);
    assert.equal(await runHook({ httpGet: { path: '/quit', port: 8080 } }, bad, target, 100), 'exit status 1');
    assert.deepEqual(bad.calls[0].probe.httpGet, { path: '/quit', port: 8080 });
  });

  it('sleep waits its seconds, cut short by the time limit, without the executor', async () => {
    const r = recorder(true);
    const t0 = Date.now();
    assert.equal(await runHook({ sleep: { seconds: 30 } }, r, target, 150), undefined);
    const took = Date.now() - t0;
    assert.ok(took >= 140 && took < 1000, `slept ${took} ms`);
    assert.equal(r.calls.length, 0);
  });

  it('refuses a handler it cannot run (tcpSocket is not a lifecycle handler) and a container that is not running', async () => {
    assert.match((await runHook({ tcpSocket: { port: 80 } }, recorder(true), target, 100))!, /needs exec, httpGet or sleep/);
    assert.equal(await runHook({ exec: { command: ['x'] } }, recorder(true), undefined, 100), 'the container is not running');
  });

  it('SIGTERM gets what the hook left of the grace period, and never less than 2 s', () => {
    assert.equal(graceAfterPreStop(30_000, 5_000), 25_000);
    assert.equal(graceAfterPreStop(3_000, 2_500), MIN_GRACE_AFTER_PRESTOP_MS);
    assert.equal(graceAfterPreStop(1_000, 4_000), MIN_GRACE_AFTER_PRESTOP_MS);
  });
});
