// A pod worker against a real API server, with the node's network and processes
// faked (FakeNetNS, FakeProcessRunner): a pod deleted while it waits for its turn
// to have its network made, or while that network is being made, leaves no
// namespace, veth or address behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeNetNS } from '../../src/agent/net/fake-netns.js';
import { FifoLimiter } from '../../src/util/fifo-limiter.js';
import { QuietGate } from '../../src/util/quiet-gate.js';
import { Pods, resourcePath } from '../../src/client/resources.js';
import { fakeNode, holdCreatePod } from '../support/worker-deps.js';

const node = fakeNode('kubesvc-worker-');

const setup = (name: string, netns: FakeNetNS, sandboxes: FifoLimiter) =>
  node.worker(netns, { containers: [{ name: 'c', image: 'x', command: ['sleep', '1000'] }] }, { name, sandboxes });

test('deleted while waiting for its turn: no network is made', async () => {
  const netns = new FakeNetNS();
  const sandboxes = new FifoLimiter(1);
  let release!: () => void;
  const busy = sandboxes.run(() => new Promise<void>((r) => (release = r)));
  const { worker, ipam, runner } = await setup('queued', netns, sandboxes);
  const started = worker.start();
  await worker.terminate(0, 'gone');
  release();
  await busy;
  await started;
  assert.equal(netns.namespaces.size, 0, netns.log.join('; '));
  assert.equal(netns.links.size, 0);
  assert.deepEqual(ipam.state.allocated, {});
  assert.equal(runner.processes.length, 0, 'no container started');
});

test('deleted while its network is being made: the network is removed once made', async () => {
  const netns = new FakeNetNS();
  const { worker, ipam, runner } = await setup('wiring', netns, new FifoLimiter(1));
  // createPod takes a while; the delete (and its teardown) comes in meanwhile.
  const slow = holdCreatePod(netns);
  const started = worker.start();
  await slow.entered();
  await worker.terminate(0, 'gone');
  slow.release();
  await started;
  assert.equal(netns.namespaces.size, 0, netns.log.join('; '));
  assert.equal(netns.links.size, 0);
  assert.deepEqual(ipam.state.allocated, {});
  assert.equal(runner.processes.length, 0, 'no container started');
});

test('a slow network: the early Pending status carries no pod IP; the IP comes once the network is made', async () => {
  const netns = new FakeNetNS();
  const { worker } = await setup('slow-net', netns, new FifoLimiter(1));
  const slow = holdCreatePod(netns);
  const started = worker.start();
  const path = resourcePath(Pods, 'default', 'slow-net');
  let early: any;
  for (let i = 0; i < 200 && !early?.status?.hostIP; i++) {
    await new Promise((r) => setTimeout(r, 10));
    early = await node.client().get(path);
  }
  assert.equal(early.status.phase, 'Pending', JSON.stringify(early.status));
  assert.equal(early.status.hostIP, '172.30.9.11', 'the agent wrote this status');
  assert.equal(early.status.podIP, undefined, 'no IP before there is a network behind it');
  slow.release();
  await started;
  let later: any;
  for (let i = 0; i < 200 && !later?.status?.podIP; i++) {
    await new Promise((r) => setTimeout(r, 10));
    later = await node.client().get(path);
  }
  assert.match(later.status.podIP ?? '', /^10\.244\.1\.\d+$/);
  await worker.terminate(0, 'gone');
});

test('a pod waiting its turn writes no early status; its first write comes with its containers running', async () => {
  const netns = new FakeNetNS();
  const sandboxes = new FifoLimiter(1);
  let release!: () => void;
  const busy = sandboxes.run(() => new Promise<void>((r) => (release = r)));
  const { worker } = await setup('waits-turn', netns, sandboxes);
  const path = resourcePath(Pods, 'default', 'waits-turn');
  const started = worker.start();
  // Well past the early-status delay, all of it spent waiting behind another pod's sandbox.
  await new Promise((r) => setTimeout(r, 800));
  assert.equal((await node.client().get(path)).status?.hostIP, undefined, 'no status was written while waiting');
  release();
  await busy;
  await started;
  let pod: any;
  for (let i = 0; i < 200 && pod?.status?.phase !== 'Running'; i++) {
    await new Promise((r) => setTimeout(r, 10));
    pod = await node.client().get(path);
  }
  assert.equal(pod.status.phase, 'Running', JSON.stringify(pod.status));
  await worker.terminate(0, 'gone');
});

test('a pod counts as starting until its containers were tried, even one that stays Pending (a missing Secret, looked up first)', async () => {
  const starting = new QuietGate();
  const { worker } = await node.worker(new FakeNetNS(), {
    containers: [{ name: 'c', image: 'x', command: ['sleep', '1000'], env: [{ name: 'PW', valueFrom: { secretKeyRef: { name: 'nope', key: 'pw' } } }] }],
  }, { name: 'config-error', starting });
  const started = worker.start();
  assert.equal(starting.quiet, false, 'starting while its sandbox is made');
  await started;
  // The Secret is looked up first: until the answer, the pod is still starting.
  for (let i = 0; i < 200 && !(worker.containers[0].rt.state as any).waiting?.reason?.startsWith('CreateContainerConfig'); i++) {
    assert.equal(starting.quiet, false, 'starting while its Secret is fetched');
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.equal((worker.containers[0].rt.state as any).waiting?.reason, 'CreateContainerConfigError');
  assert.equal((worker.containers[0].rt.state as any).waiting?.message, 'secret "nope" not found');
  assert.equal(starting.quiet, true, 'the agent\'s events no longer wait for this pod');
  // Its status (Pending, the container waiting) is written all the same.
  let pod: any;
  for (let i = 0; i < 200 && !pod?.status?.containerStatuses; i++) {
    await new Promise((r) => setTimeout(r, 10));
    pod = await node.client().get(resourcePath(Pods, 'default', 'config-error'));
  }
  assert.equal(pod.status.containerStatuses[0].state.waiting.reason, 'CreateContainerConfigError');
  await worker.terminate(0, 'gone');
});
