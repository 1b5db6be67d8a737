// Container CPU priority from QoS / CPU requests (kubelet cpu.shares → nice),
// the agent's event queue and its sandbox limiter.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { containerNice, cpuRequestMilli, milliCpuToShares, niceForShares } from '../../src/agent/pod/cpu-priority.js';
import { FifoLimiter } from '../../src/util/fifo-limiter.js';
import { EventQueue } from '../../src/agent/pod/event-queue.js';

describe('cpu priority', () => {
  const cases: { name: string; resources?: any; milli: number; shares: number; nice: number }[] = [
    { name: 'BestEffort: no resources', milli: 0, shares: 2, nice: 19 },
    { name: 'memory only (no CPU request)', resources: { requests: { memory: '64Mi' } }, milli: 0, shares: 2, nice: 19 },
    { name: '10m', resources: { requests: { cpu: '10m' } }, milli: 10, shares: 10, nice: 19 },
    { name: '100m', resources: { requests: { cpu: '100m' } }, milli: 100, shares: 102, nice: 10 },
    { name: '250m', resources: { requests: { cpu: '250m' } }, milli: 250, shares: 256, nice: 6 },
    { name: '0.5 CPU', resources: { requests: { cpu: '0.5' } }, milli: 500, shares: 512, nice: 3 },
    { name: 'limit only counts as the request', resources: { limits: { cpu: '500m' } }, milli: 500, shares: 512, nice: 3 },
    { name: '1 CPU stays below the node (nice 1)', resources: { requests: { cpu: '1' }, limits: { cpu: '1' } }, milli: 1000, shares: 1024, nice: 1 },
    { name: '4 CPUs', resources: { requests: { cpu: 4 } }, milli: 4000, shares: 4096, nice: 1 },
    { name: 'unparseable request is treated as none', resources: { requests: { cpu: 'lots' } }, milli: 0, shares: 2, nice: 19 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const container = { name: 'app', ...(c.resources ? { resources: c.resources } : {}) };
      assert.equal(cpuRequestMilli(container), c.milli);
      assert.equal(milliCpuToShares(c.milli), c.shares);
      assert.equal(containerNice(container), c.nice);
    });
  }
  it('more shares never mean a higher nice value', () => {
    let prev = 20;
    for (let s = 2; s <= 262144; s = Math.ceil(s * 1.1)) {
      const n = niceForShares(s);
      assert.ok(n <= prev && n >= 1 && n <= 19, `shares ${s} → nice ${n}`);
      prev = n;
    }
  });
});

describe('event queue', () => {
  it('sends at most `concurrency` at once and survives failures', async () => {
    const sent: string[] = [];
    let inFlight = 0, maxInFlight = 0;
    const recorder = {
      record: async (_o: any, e: any): Promise<void> => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
        sent.push(e.reason);
        if (e.reason === 'r2') throw new Error('api down');
      },
    };
    const q = new EventQueue(recorder, 'test', { concurrency: 2 });
    const errors: unknown[] = [];
    const orig = console.error;
    console.error = (...a: unknown[]) => errors.push(a);
    try {
      for (let i = 0; i < 7; i++) q.emit({ metadata: { name: 'p' } } as any, { type: 'Normal', reason: `r${i}`, message: '' });
      while (sent.length < 7) await new Promise((r) => setTimeout(r, 5));
    } finally {
      console.error = orig;
    }
    assert.equal(maxInFlight, 2);
    assert.deepEqual([...sent].sort(), ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
    assert.equal(errors.length, 1);
  });
});

describe('FifoLimiter', () => {
  it('runs at most N at once, starting them in arrival order', async () => {
    const lim = new FifoLimiter(2);
    let running = 0, peak = 0;
    const started: number[] = [];
    const gates: (() => void)[] = [];
    const all = [0, 1, 2, 3, 4].map((i) => lim.run(async () => {
      started.push(i);
      peak = Math.max(peak, ++running);
      await new Promise<void>((r) => gates.push(r));
      running--;
      return i;
    }));
    for (let k = 0; k < 5; k++) {
      await new Promise((r) => setImmediate(r));
      gates.shift()?.();
    }
    assert.deepEqual(await Promise.all(all), [0, 1, 2, 3, 4]);
    assert.deepEqual(started, [0, 1, 2, 3, 4]);
    assert.equal(peak, 2);
  });

  it('a failing task frees its slot', async () => {
    const lim = new FifoLimiter(1);
    await assert.rejects(lim.run(async () => { throw new Error('boom'); }), /boom/);
    assert.equal(await lim.run(async () => 7), 7);
  });
});
