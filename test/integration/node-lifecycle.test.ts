// A node whose agent goes silent (as after kill -9), against a real server with
// its controllers: the node turns Unknown and gets the unreachable taints, its
// pods stop being Ready so their endpoints leave the Service's EndpointSlice, a
// pod tolerating the taint for 1 s is evicted while one with the default 300 s
// stays, and a node that posts status again loses the taints; a cordoned node gets the
// unschedulable taint and loses it when uncordoned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../support/server.js';
import { kubectlSession } from '../support/kubectl-session.js';
import { RestClient, loadKubeconfig } from '../../src/client/rest.js';
import { rfc3339, rfc3339Micro } from '../../src/util/time.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** A server with its controllers (fast node monitoring) and a client, closed after fn even when it fails. */
async function withServer(graceMs: number, fn: (srv: Awaited<ReturnType<typeof startTestServer>>, c: RestClient) => Promise<void>): Promise<void> {
  const srv = await startTestServer({ controllers: true, nodeMonitorGracePeriodMs: graceMs, nodeMonitorPeriodMs: 200 });
  const c = new RestClient(loadKubeconfig(srv.kubeconfigPath), 'node-lifecycle-test');
  try {
    await fn(srv, c);
  } finally {
    c.close();
    await srv.stop();
  }
}

const readyConditions = (now: string): any[] => [
  { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'ok', lastHeartbeatTime: now, lastTransitionTime: now },
  { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'ok', lastHeartbeatTime: now, lastTransitionTime: now },
  { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'ok', lastHeartbeatTime: now, lastTransitionTime: now },
  { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now },
];

test('a silent node goes Unknown, its pods leave endpoints, short tolerations are evicted, taints go when it returns', async () => {
  await withServer(1500, async (_srv, c) => {
    await c.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: { podCIDR: '10.244.9.0/24' } });
    const beat = (): Promise<unknown> => c.patch('/api/v1/nodes/n1/status', { status: { conditions: readyConditions(rfc3339()), addresses: [{ type: 'InternalIP', address: '172.30.9.11' }] } }, 'merge');
    await beat();
    await c.create('/api/v1/namespaces/default/services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
    const pod = async (name: string, ip: string, tolerationSeconds?: number): Promise<void> => {
      const tolerations = tolerationSeconds === undefined ? undefined : [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds }];
      await c.create('/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'web' } }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x' }], tolerations } });
      const now = rfc3339();
      await c.patch(`/api/v1/namespaces/default/pods/${name}/status`, { status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }, { type: 'ContainersReady', status: 'True', lastTransitionTime: now }] } }, 'merge');
    };
    await pod('stays', '10.244.9.2');
    await pod('leaves', '10.244.9.3', 1);
    const readyEndpoints = async (): Promise<string[]> => {
      const l = await c.get<{ items: any[] }>('/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dweb');
      return l.items.flatMap((s) => (s.endpoints ?? []).filter((e: any) => e.conditions?.ready).map((e: any) => e.addresses[0])).sort();
    };
    // Heartbeats keep it Ready past the grace period.
    await waitFor('both endpoints ready', async () => ((await readyEndpoints()).length === 2 ? true : undefined));
    for (let i = 0; i < 6; i++) { await beat(); await sleep(400); }
    let n = await c.get('/api/v1/nodes/n1');
    assert.equal(n.status.conditions.find((x: any) => x.type === 'Ready').status, 'True', 'a heartbeating node stays Ready');
    assert.equal(n.spec.taints, undefined);

    // Silence.
    n = await waitFor('Ready Unknown', async () => {
      const x = await c.get('/api/v1/nodes/n1');
      return x.status.conditions.find((y: any) => y.type === 'Ready').status === 'Unknown' && x.spec.taints?.length === 2 ? x : undefined;
    });
    const ready = n.status.conditions.find((y: any) => y.type === 'Ready');
    assert.equal(ready.reason, 'NodeStatusUnknown');
    assert.equal(ready.message, 'Kubelet stopped posting node status.');
    assert.deepEqual(n.spec.taints.map((t: any) => `${t.key}:${t.effect}`).sort(), ['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
    assert.ok(n.spec.taints.find((t: any) => t.effect === 'NoExecute').timeAdded);
    await waitFor('no ready endpoints', async () => ((await readyEndpoints()).length === 0 ? true : undefined));
    const stays = await c.get('/api/v1/namespaces/default/pods/stays');
    assert.equal(stays.status.conditions.find((x: any) => x.type === 'Ready').status, 'False');
    // tolerationSeconds 1: evicted (graceful delete: Terminating, as its agent is gone); the default 300 s: not yet.
    await waitFor('eviction of the 1 s pod', async () => ((await c.get('/api/v1/namespaces/default/pods/leaves')).metadata.deletionTimestamp ? true : undefined));
    assert.equal((await c.get('/api/v1/namespaces/default/pods/stays')).metadata.deletionTimestamp, undefined);
    const events = await c.get<{ items: any[] }>('/api/v1/namespaces/default/events');
    assert.ok(events.items.some((e) => e.reason === 'TaintManagerEviction' && e.involvedObject.name === 'leaves' && e.message === 'Marking for deletion Pod default/leaves'));
    assert.ok(events.items.some((e) => e.reason === 'NodeNotReady' && e.involvedObject.kind === 'Node' && e.message === 'Node n1 status is now: NodeNotReady'));

    // The agent is back: Ready, taints gone.
    await beat();
    await waitFor('taints removed', async () => ((await c.get('/api/v1/nodes/n1')).spec.taints?.length ? undefined : true));
  });
});

test('a node that only renews its Lease (status unchanged) stays Ready; when the renewals stop too, it goes Unknown', async () => {
  await withServer(1500, async (_srv, c) => {
    await c.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n2' } });
    await c.patch('/api/v1/nodes/n2/status', { status: { conditions: readyConditions(rfc3339()) } }, 'merge');
    const leases = '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases';
    await c.create(leases, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'n2' }, spec: { holderIdentity: 'n2', leaseDurationSeconds: 40, renewTime: rfc3339Micro() } });
    const ready = async (): Promise<string> => (await c.get('/api/v1/nodes/n2')).status.conditions.find((x: any) => x.type === 'Ready').status;
    // Three grace periods of lease renewals alone.
    for (let i = 0; i < 12; i++) {
      await c.patch(`${leases}/n2`, { spec: { renewTime: rfc3339Micro() } }, 'merge');
      await sleep(400);
    }
    assert.equal(await ready(), 'True', 'lease renewals are heartbeats');
    await waitFor('Ready Unknown once the renewals stop', async () => ((await ready()) === 'Unknown' ? true : undefined), 10_000);
  });
});

test('kubectl cordon taints the node unschedulable:NoSchedule, as describe shows; uncordon takes the taint away', async () => {
  await withServer(5000, async (srv, c) => {
    const k = kubectlSession(srv.kubeconfigPath);
    try {
      await c.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n3' } });
      await c.patch('/api/v1/nodes/n3/status', { status: { conditions: readyConditions(rfc3339()) } }, 'merge');
      assert.match(await k.ok(['cordon', 'n3']), /node\/n3 cordoned/);
      const taints = await waitFor('the unschedulable taint', async () => (await c.get('/api/v1/nodes/n3')).spec.taints, 5000);
      assert.deepEqual(taints.map((t: any) => [t.key, t.effect, typeof t.timeAdded]), [['node.kubernetes.io/unschedulable', 'NoSchedule', 'string']]);
      // A taint added with kubectl meanwhile survives the controller's writes.
      await k.ok(['taint', 'node', 'n3', 'dedicated=db:NoSchedule']);
      await sleep(600);
      assert.deepEqual((await c.get('/api/v1/nodes/n3')).spec.taints.map((t: any) => t.key).sort(), ['dedicated', 'node.kubernetes.io/unschedulable']);
      assert.match(await k.ok(['describe', 'node', 'n3']), /^Taints:\s+dedicated=db:NoSchedule\n\s+node\.kubernetes\.io\/unschedulable:NoSchedule$/m);
      await k.ok(['uncordon', 'n3']);
      await waitFor('the taint removed', async () => ((await c.get('/api/v1/nodes/n3')).spec.taints?.map((t: any) => t.key).join() === 'dedicated' ? true : undefined), 5000);
    } finally {
      await k.close();
    }
  });
});
