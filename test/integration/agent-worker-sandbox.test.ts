// A pod worker against a real API server, with the node's network and processes
// faked (FakeNetNS, FakeProcessRunner): a pod deleted while it waits for its turn
// to have its network made, or while that network is being made, leaves no
// namespace, veth or address behind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../support/server.js';
import { RestClient, loadKubeconfig } from '../../src/client/rest.js';
import { Pods, resourcePath } from '../../src/client/resources.js';
import { FakeNetNS } from '../../src/agent/net/fake-netns.js';
import { FakeProcessRunner } from '../../src/agent/runtime/fake-process.js';
import { RealProbeExecutor } from '../../src/agent/pod/probe-exec.js';
import { Backoff } from '../../src/agent/pod/backoff.js';
import { Ipam } from '../../src/agent/net/ipam.js';
import { parseCidr } from '../../src/agent/net/cidr.js';
import { FifoLimiter } from '../../src/util/fifo-limiter.js';
import { PodWorker, type WorkerDeps } from '../../src/agent/pod/worker.js';

let srv: TestServer;
let client: RestClient;
let dir: string;

before(async () => {
  srv = await startTestServer();
  client = new RestClient(loadKubeconfig(srv.kubeconfigPath));
  dir = mkdtempSync(join(tmpdir(), 'kubesvc-worker-'));
});
after(async () => { client?.close(); await srv?.stop(); rmSync(dir, { recursive: true, force: true }); });

async function setup(name: string, netns: FakeNetNS, sandboxes: FifoLimiter) {
  const pod = await client.create(resourcePath(Pods, 'default'), { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x', command: ['sleep', '1000'] }] } });
  const ipam = Ipam.empty('10.244.1.0/24');
  const runner = new FakeProcessRunner();
  await netns.setupNode({ bridge: 'cbr0', gatewayCidr: '10.244.1.1/24' });
  const deps: WorkerDeps = {
    client, netns, runner, probes: new RealProbeExecutor(runner), backoff: new Backoff(), ipam, nodeName: 'n1', nodeIP: '172.30.9.11',
    podCIDR: parseCidr('10.244.1.0/24'), netnsPrefix: 'ksvc-t-n1', clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', nodeResolvConf: '',
    dataDir: dir, etcNetns: join(dir, 'etc-netns'), allocatable: { cpu: '1', memory: '1Gi' }, sandboxes,
    services: () => [], standinArgv: () => ['standin'], onDone: () => undefined,
  };
  return { worker: new PodWorker(pod, deps), ipam, runner };
}

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
  const create = netns.createPod.bind(netns);
  let go!: () => void;
  netns.createPod = async (p, b) => { await new Promise<void>((r) => (go = r)); return create(p, b); };
  const started = worker.start();
  while (!go) await new Promise((r) => setTimeout(r, 5));
  await worker.terminate(0, 'gone');
  go();
  await started;
  assert.equal(netns.namespaces.size, 0, netns.log.join('; '));
  assert.equal(netns.links.size, 0);
  assert.deepEqual(ipam.state.allocated, {});
  assert.equal(runner.processes.length, 0, 'no container started');
});
