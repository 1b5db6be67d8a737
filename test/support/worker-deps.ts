// A pod worker's dependencies against a real API server, with the node's
// network, processes and stand-in host faked.
import { join } from 'node:path';
import type { RestClient } from '../../src/client/rest.js';
import { Pods, resourcePath } from '../../src/client/resources.js';
import type { FakeNetNS } from '../../src/agent/net/fake-netns.js';
import { FakeProcessRunner } from '../../src/agent/runtime/fake-process.js';
import { RealProbeExecutor } from '../../src/agent/pod/probe-exec.js';
import { Backoff } from '../../src/agent/pod/backoff.js';
import { Ipam } from '../../src/agent/net/ipam.js';
import { parseCidr } from '../../src/agent/net/cidr.js';
import type { FifoLimiter } from '../../src/util/fifo-limiter.js';
import { FakeStandins } from '../../src/agent/standin/fake-host.js';
import { PodWorker, type WorkerDeps } from '../../src/agent/pod/worker.js';

export async function fakeNodeWorker(client: RestClient, dir: string, netns: FakeNetNS, podSpec: any, o: { name: string; sandboxes?: FifoLimiter }) {
  const pod = await client.create(resourcePath(Pods, 'default'), { apiVersion: 'v1', kind: 'Pod', metadata: { name: o.name }, spec: { nodeName: 'n1', ...podSpec } });
  const ipam = Ipam.empty('10.244.1.0/24');
  const runner = new FakeProcessRunner();
  const standins = new FakeStandins();
  await netns.setupNode({ bridge: 'cbr0', gatewayCidr: '10.244.1.1/24' });
  const deps: WorkerDeps = {
    client, netns, runner, probes: new RealProbeExecutor(runner), backoff: new Backoff(), ipam, nodeName: 'n1', nodeIP: '172.30.9.11',
    podCIDR: parseCidr('10.244.1.0/24'), netnsPrefix: 'ksvc-t-n1', clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', nodeResolvConf: '',
    dataDir: dir, etcNetns: join(dir, 'etc-netns'), allocatable: { cpu: '1', memory: '1Gi' }, sandboxes: o.sandboxes,
    services: () => [], standins, onDone: () => undefined,
  };
  return { worker: new PodWorker(pod, deps), ipam, runner, standins };
}
