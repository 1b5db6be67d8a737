// A pod worker's dependencies against a real API server, with the node's
// network, processes and stand-in host faked.
import { before, after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from './server.js';
import { RestClient, loadKubeconfig } from '../../src/client/rest.js';
import { Pods, resourcePath } from '../../src/client/resources.js';
import type { FakeNetNS } from '../../src/agent/net/fake-netns.js';
import { FakeProcessRunner } from '../../src/agent/runtime/fake-process.js';
import { RealProbeExecutor } from '../../src/agent/pod/probe-exec.js';
import { Backoff } from '../../src/agent/pod/backoff.js';
import { Ipam } from '../../src/agent/net/ipam.js';
import { parseCidr } from '../../src/agent/net/cidr.js';
import type { FifoLimiter } from '../../src/util/fifo-limiter.js';
import type { QuietGate } from '../../src/util/quiet-gate.js';
import { FakeStandins } from '../../src/agent/standin/fake-host.js';
import { PodWorker, type WorkerDeps } from '../../src/agent/pod/worker.js';

interface WorkerOptions { name: string; sandboxes?: FifoLimiter; starting?: QuietGate; backoff?: Backoff }

async function fakeNodeWorker(client: RestClient, dir: string, netns: FakeNetNS, podSpec: any, o: WorkerOptions) {
  const pod = await client.create(resourcePath(Pods, 'default'), { apiVersion: 'v1', kind: 'Pod', metadata: { name: o.name }, spec: { nodeName: 'n1', ...podSpec } });
  const ipam = Ipam.empty('10.244.1.0/24');
  const runner = new FakeProcessRunner();
  const standins = new FakeStandins();
  await netns.setupNode({ bridge: 'cbr0', gatewayCidr: '10.244.1.1/24' });
  const deps: WorkerDeps = {
    client, netns, runner, probes: new RealProbeExecutor(runner), backoff: o.backoff ?? new Backoff(), ipam, nodeName: 'n1', nodeIP: '172.30.9.11',
    podCIDR: parseCidr('10.244.1.0/24'), netnsPrefix: 'ksvc-t-n1', clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', nodeResolvConf: '',
    dataDir: dir, etcNetns: join(dir, 'etc-netns'), allocatable: { cpu: '1', memory: '1Gi' }, sandboxes: o.sandboxes, starting: o.starting,
    services: () => [], standins, onDone: () => undefined,
  };
  return { worker: new PodWorker(pod, deps), ipam, runner, standins, etcNetns: deps.etcNetns };
}

/** A test file's fake node: an API server and a scratch directory, made before its tests and removed after. */
export function fakeNode(prefix: string) {
  let srv: TestServer | undefined;
  let client: RestClient | undefined;
  let dir = '';
  before(async () => {
    srv = await startTestServer();
    client = new RestClient(loadKubeconfig(srv.kubeconfigPath));
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  after(async () => { client?.close(); await srv?.stop(); if (dir) rmSync(dir, { recursive: true, force: true }); });
  return {
    client: (): RestClient => client!,
    worker: (netns: FakeNetNS, podSpec: any, o: WorkerOptions) => fakeNodeWorker(client!, dir, netns, podSpec, o),
  };
}

/** Holds the fake's createPod until released: a pod network that takes a while to make. */
export function holdCreatePod(netns: FakeNetNS): { entered(): Promise<void>; release(): void } {
  const create = netns.createPod.bind(netns);
  let go: (() => void) | undefined;
  netns.createPod = async (p, b) => { await new Promise<void>((r) => (go = r)); return create(p, b); };
  return {
    async entered() { while (!go) await new Promise((r) => setTimeout(r, 5)); },
    release() { go?.(); },
  };
}
