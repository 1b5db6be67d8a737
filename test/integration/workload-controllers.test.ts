// Scheduler, ReplicaSet and Deployment controllers against a real API server,
// with a fake kubelet that runs every bound pod at once (Running + Ready, a
// pod IP) and finishes pods being deleted. Driven through the API and kubectl.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/server.js';
import { kubectlRunner } from '../support/kubectl.js';
import { RestClient, loadKubeconfig, isNotFoundError } from '../../src/client/rest.js';
import { Informer } from '../../src/client/informer.js';
import { Deployments, Events, Nodes, Pods, ReplicaSets, resourcePath } from '../../src/client/resources.js';
import type { KubeObject } from '../../src/api/object.js';
import { rfc3339 } from '../../src/util/time.js';
import { Scheduler } from '../../src/controllers/scheduler/scheduler.js';
import { ReplicaSetController } from '../../src/controllers/replicaset/controller.js';
import { DeploymentController } from '../../src/controllers/deployment/controller.js';
import { EndpointSliceController } from '../../src/controllers/endpointslice/controller.js';
import { EndpointSlices, Services } from '../../src/client/resources.js';

let srv: TestServer;
let client: RestClient;
let kubectl: ReturnType<typeof kubectlRunner>;
const stops: (() => unknown)[] = [];
const NS = 'default';

/** Marks bound pods Running and Ready (unless held); removes pods whose deletion was requested. recheck() looks again at every pod. */
function startFakeKubelet(c: RestClient, pods: Informer, opts: { hold?: (p: KubeObject) => boolean } = {}): { recheck(): void } {
  let ip = 10;
  const busy = new Set<string>();
  const handle = async (p: KubeObject): Promise<void> => {
    const key = `${p.metadata.namespace}/${p.metadata.name}`;
    if (busy.has(key)) return;
    busy.add(key);
    try {
      if (p.metadata.deletionTimestamp) {
        await c.delete(resourcePath(Pods, p.metadata.namespace, p.metadata.name), { gracePeriodSeconds: 0 });
      } else if (p.spec?.nodeName && !p.status?.podIP && !opts.hold?.(p)) {
        const now = rfc3339();
        const conds = (p.status?.conditions ?? []).filter((x: { type: string }) => x.type === 'PodScheduled');
        for (const type of ['Initialized', 'ContainersReady', 'Ready']) conds.push({ type, status: 'True', lastProbeTime: null, lastTransitionTime: now });
        await c.update(resourcePath(Pods, p.metadata.namespace, p.metadata.name, 'status'), {
          ...p,
          status: { ...p.status, phase: 'Running', podIP: `10.244.1.${ip++ % 250}`, hostIP: '172.30.0.11', startTime: now, conditions: conds },
        });
      }
    } catch (e) {
      if (!isNotFoundError(e) && !/Conflict|modified/i.test(String(e))) console.error('fake kubelet:', e);
    } finally {
      busy.delete(key);
    }
  };
  pods.on({ add: (p) => void handle(p), update: (_o, p) => void handle(p) });
  return { recheck: () => { for (const p of pods.list()) void handle(p); } };
}

async function node(name: string, labels: Record<string, string> = {}, spec: Record<string, unknown> = {}, ready = true): Promise<void> {
  const n = await client.create(resourcePath(Nodes), { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } }, spec });
  await client.update(resourcePath(Nodes, undefined, name, 'status'), {
    ...n, status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', reason: 'KubeletReady', message: 'ok', lastHeartbeatTime: rfc3339(), lastTransitionTime: rfc3339() }] },
  });
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let pods: Informer;
let kubelet: { recheck(): void };
/** Pods with this image are not started until it is cleared (and kubelet.recheck() runs). */
let heldImage: string | undefined;

before(async () => {
  srv = await startTestServer();
  const kc = loadKubeconfig(srv.kubeconfigPath);
  client = new RestClient(kc);
  kubectl = kubectlRunner(srv.kubeconfigPath);
  await node('node-1', { disk: 'ssd' });
  await node('node-2');
  pods = new Informer(client, Pods);
  const rss = new Informer(client, ReplicaSets);
  const deps = new Informer(client, Deployments);
  const nodes = new Informer(client, Nodes);
  kubelet = startFakeKubelet(client, pods, { hold: (p) => p.metadata.labels?.hold === 'true' || (heldImage !== undefined && p.spec?.containers?.[0]?.image === heldImage) });
  await Promise.all([pods.start(), rss.start(), deps.start(), nodes.start()]);
  stops.push(() => pods.stop(), () => rss.stop(), () => deps.stop(), () => nodes.stop());
  const sched = new Scheduler(client, { pods, nodes, unschedulableRetryMs: 1000 });
  const rsc = new ReplicaSetController(client, { pods, replicaSets: rss });
  const dc = new DeploymentController(client, { pods, replicaSets: rss, deployments: deps });
  await Promise.all([sched.start(), rsc.start(), dc.start()]);
  stops.unshift(() => sched.stop(), () => rsc.stop(), () => dc.stop());
});

after(async () => {
  for (const s of stops) await s();
  client?.close();
  await srv?.stop();
});

const deployment = (name: string, replicas: number, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1', kind: 'Deployment',
  metadata: { name, namespace: NS },
  spec: {
    replicas, selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } },
    ...extra,
  },
});

const podsOf = (app: string): KubeObject[] => pods.list().filter((p) => p.metadata.labels?.app === app && p.metadata.namespace === NS);
const live = (app: string): KubeObject[] => podsOf(app).filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Failed');
const readyLive = (app: string): KubeObject[] =>
  live(app).filter((p) => (p.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True'));

async function eventsFor(name: string): Promise<KubeObject[]> {
  const list = await client.get<{ items: KubeObject[] }>(resourcePath(Events, NS, undefined, undefined, { fieldSelector: `involvedObject.name=${name}` }));
  return list.items;
}

test('a Deployment scales 3 → 5 → 1 and its pods follow, spread over nodes', async () => {
  await client.create(resourcePath(Deployments, NS), deployment('web', 3));
  await waitFor('3 ready pods', () => readyLive('web').length === 3 && podsOf('web').length === 3);
  const byNode = new Map<string, number>();
  for (const p of live('web')) byNode.set(p.spec.nodeName, (byNode.get(p.spec.nodeName) ?? 0) + 1);
  assert.deepEqual([...byNode.values()].sort(), [1, 2]);
  const p0 = live('web')[0];
  assert.match(p0.metadata.name!, /^web-[bcdfghjklmnpqrstvwxz2456789]{1,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.equal(p0.metadata.ownerReferences?.[0].kind, 'ReplicaSet');
  assert.equal(p0.metadata.ownerReferences?.[0].controller, true);
  assert.equal(p0.metadata.ownerReferences?.[0].blockOwnerDeletion, true);
  assert.ok(p0.metadata.labels?.['pod-template-hash']);

  await client.patch(resourcePath(Deployments, NS, 'web'), { spec: { replicas: 5 } });
  await waitFor('5 ready pods', () => readyLive('web').length === 5);
  await client.patch(resourcePath(Deployments, NS, 'web'), { spec: { replicas: 1 } });
  await waitFor('1 pod', () => podsOf('web').length === 1 && readyLive('web').length === 1);
  const d = await waitFor('status settles', async () => {
    const d = await client.get(resourcePath(Deployments, NS, 'web'));
    return d.status?.availableReplicas === 1 && d.status?.replicas === 1 && d.status.observedGeneration === d.metadata.generation ? d : undefined;
  });
  assert.equal(d.status.updatedReplicas, 1);
  assert.equal(d.metadata.annotations['deployment.kubernetes.io/revision'], '1');
  const avail = d.status.conditions.find((c: { type: string }) => c.type === 'Available');
  assert.equal(avail.reason, 'MinimumReplicasAvailable');
  const prog = d.status.conditions.find((c: { type: string }) => c.type === 'Progressing');
  assert.equal(prog.reason, 'NewReplicaSetAvailable');
  assert.match(prog.message, /^ReplicaSet "web-[a-z0-9]+" has successfully progressed\.$/);
  const rsName = live('web')[0].metadata.ownerReferences![0].name;
  const rs = await client.get(resourcePath(ReplicaSets, NS, rsName));
  assert.equal(rs.metadata.annotations['deployment.kubernetes.io/desired-replicas'], '1');
  assert.equal(rs.metadata.annotations['deployment.kubernetes.io/max-replicas'], '2');
  const msgs = (await eventsFor('web')).map((e) => String(e.message));
  assert.ok(msgs.includes(`Scaled up replica set ${rsName} to 3 from 0`), msgs.join('\n'));
  assert.ok(msgs.includes(`Scaled up replica set ${rsName} to 5 from 3`), msgs.join('\n'));
  assert.ok(msgs.includes(`Scaled down replica set ${rsName} to 1 from 5`), msgs.join('\n'));
  const podScheduled = (await eventsFor(live('web')[0].metadata.name!)).find((e) => e.reason === 'Scheduled');
  assert.match(String(podScheduled?.message ?? ''), /^Successfully assigned default\/web-.+ to node-[12]$/);
});

test('EndpointSlices follow a Deployment scaled 3 → 5 → 1 (issue 4)', async () => {
  const slices = new EndpointSliceController(client, { pods });
  await slices.start();
  try {
    await client.create(resourcePath(Services, NS), {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'follow' },
      spec: { selector: { app: 'follow' }, ports: [{ port: 80, targetPort: 8080 }] },
    });
    await client.create(resourcePath(Deployments, NS), deployment('follow', 3));
    const readyEndpoints = async (): Promise<string[]> => {
      const list = await client.get(resourcePath(EndpointSlices, NS, undefined, undefined, { labelSelector: 'kubernetes.io/service-name=follow' }));
      return (list.items as KubeObject[]).flatMap((sl) => (sl.endpoints ?? []) as { addresses: string[]; conditions?: { ready?: boolean }; targetRef?: { name: string } }[])
        .filter((e) => e.conditions?.ready).map((e) => e.targetRef!.name).sort();
    };
    // The ready endpoints are exactly the live ready pods, at each size.
    for (const n of [3, 5, 1]) {
      await kubectl(['scale', 'deployment/follow', `--replicas=${n}`]);
      await waitFor(`${n} ready endpoints`, async () => {
        const want = readyLive('follow').map((p) => p.metadata.name!).sort();
        const got = await readyEndpoints();
        return want.length === n && JSON.stringify(got) === JSON.stringify(want);
      });
    }
  } finally {
    await slices.stop();
    await client.delete(resourcePath(Deployments, NS, 'follow')).catch(() => undefined);
    await client.delete(resourcePath(Services, NS, 'follow')).catch(() => undefined);
  }
});

test('a deleted pod and a Failed pod are replaced', async () => {
  await client.create(resourcePath(Deployments, NS), deployment('heal', 2));
  await waitFor('2 ready', () => readyLive('heal').length === 2);
  const [victim, failing] = live('heal');
  await client.delete(resourcePath(Pods, NS, victim.metadata.name));
  await waitFor('replacement after delete', () => readyLive('heal').length === 2 && !live('heal').some((p) => p.metadata.uid === victim.metadata.uid));
  await client.update(resourcePath(Pods, NS, failing.metadata.name, 'status'), { ...pods.get(NS, failing.metadata.name!), status: { ...failing.status, phase: 'Failed', conditions: [] } });
  await waitFor('replacement after failure', () => readyLive('heal').length === 2 && !live('heal').some((p) => p.metadata.uid === failing.metadata.uid));
  const rsName = victim.metadata.ownerReferences![0].name;
  const rsEvents = await eventsFor(rsName);
  assert.ok(rsEvents.filter((e) => e.reason === 'SuccessfulCreate').length >= 1);
  assert.ok(rsEvents.every((e) => e.reason !== 'SuccessfulCreate' || /^Created pod: heal-/.test(e.message as string)));
});

test('a ReplicaSet adopts orphans, releases pods that stop matching, and kubectl scale works', async () => {
  await client.create(resourcePath(Pods, NS), { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'orphan', labels: { app: 'rs1' } }, spec: { containers: [{ name: 'c', image: 'x' }] } });
  await client.create(resourcePath(ReplicaSets, NS), {
    apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs1' },
    spec: { replicas: 2, selector: { matchLabels: { app: 'rs1' } }, template: { metadata: { labels: { app: 'rs1' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
  });
  await waitFor('2 pods, orphan adopted', () => live('rs1').length === 2 && pods.get(NS, 'orphan')?.metadata.ownerReferences?.[0]?.name === 'rs1');
  const r = await kubectl(['scale', 'rs', 'rs1', '--replicas=4']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /replicaset.apps\/rs1 scaled/);
  await waitFor('4 ready', () => readyLive('rs1').length === 4);
  await client.patch(resourcePath(Pods, NS, 'orphan'), { metadata: { labels: { app: 'gone' } } });
  await waitFor('released and replaced', () => !pods.get(NS, 'orphan')?.metadata.ownerReferences?.length && readyLive('rs1').length === 4);
  const st = await waitFor('status', async () => {
    const rs = await client.get(resourcePath(ReplicaSets, NS, 'rs1'));
    return rs.status?.readyReplicas === 4 && rs.status?.availableReplicas === 4 ? rs : undefined;
  });
  assert.equal(st.status.replicas, 4);
  assert.equal(st.status.fullyLabeledReplicas, 4);
  assert.equal(st.status.observedGeneration, st.metadata.generation);
  await client.delete(resourcePath(Pods, NS, 'orphan'), { gracePeriodSeconds: 0 });
});

test('a rolling update keeps availability and kubectl rollout status/history/undo/restart work', async () => {
  const name = 'roll';
  await client.create(resourcePath(Deployments, NS), deployment(name, 4, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } }));
  let st = await kubectl(['rollout', 'status', `deploy/${name}`, '--timeout=30s']);
  assert.equal(st.code, 0, st.stderr);
  assert.match(st.stdout, new RegExp(`deployment "${name}" successfully rolled out`));

  let minReady = Infinity, maxTotal = 0;
  const observe = (): void => {
    minReady = Math.min(minReady, readyLive(name).length);
    maxTotal = Math.max(maxTotal, live(name).length);
  };
  pods.on({ add: observe, update: observe, delete: observe });
  // The new pods are held until kubectl has reported the rollout in progress, so it always sees one.
  heldImage = 'nginx:2';
  const set = await kubectl(['set', 'image', `deploy/${name}`, 'c=nginx:2']);
  assert.equal(set.code, 0, set.stderr);
  let progress = '';
  const status = kubectl(['rollout', 'status', `deploy/${name}`, '--timeout=30s'], { onStdout: (d) => (progress += d) });
  try {
    await waitFor('kubectl to report the rollout in progress', () => /Waiting for deployment/.test(progress));
  } finally {
    heldImage = undefined;
    kubelet.recheck();
  }
  st = await status;
  assert.equal(st.code, 0, st.stderr);
  assert.match(st.stdout, /Waiting for deployment "roll" rollout to finish: \d+ (out of 4 new replicas have been updated|old replicas are pending termination|of 4 updated replicas are available)\.\.\./);
  assert.match(st.stdout, /deployment "roll" successfully rolled out/);
  await waitFor('old pods gone', () => live(name).length === 4 && live(name).every((p) => p.spec.containers[0].image === 'nginx:2'));
  assert.ok(minReady >= 3, `ready dipped to ${minReady}`);
  assert.ok(maxTotal <= 5, `surged to ${maxTotal}`);

  await kubectl(['annotate', `deploy/${name}`, 'kubernetes.io/change-cause=image nginx:3']);
  assert.equal((await kubectl(['set', 'image', `deploy/${name}`, 'c=nginx:3'])).code, 0);
  assert.equal((await kubectl(['rollout', 'status', `deploy/${name}`, '--timeout=30s'])).code, 0);
  const hist = await kubectl(['rollout', 'history', `deploy/${name}`]);
  assert.equal(hist.code, 0, hist.stderr);
  assert.match(hist.stdout, /REVISION\s+CHANGE-CAUSE/);
  assert.match(hist.stdout, /^1\s+<none>$/m);
  assert.match(hist.stdout, /^3\s+image nginx:3$/m);

  const undo = await kubectl(['rollout', 'undo', `deploy/${name}`]);
  assert.equal(undo.code, 0, undo.stderr);
  assert.match(undo.stdout, /deployment.apps\/roll rolled back/);
  assert.equal((await kubectl(['rollout', 'status', `deploy/${name}`, '--timeout=30s'])).code, 0);
  await waitFor('back on nginx:2', () => live(name).length === 4 && live(name).every((p) => p.spec.containers[0].image === 'nginx:2'));
  const d = await client.get(resourcePath(Deployments, NS, name));
  assert.equal(d.metadata.annotations['deployment.kubernetes.io/revision'], '4');
  const rsList = (await client.get<{ items: KubeObject[] }>(resourcePath(ReplicaSets, NS))).items.filter((rs) => rs.metadata.name!.startsWith(`${name}-`));
  const back = rsList.find((rs) => rs.spec.template.spec.containers[0].image === 'nginx:2')!;
  assert.equal(back.metadata.annotations!['deployment.kubernetes.io/revision'], '4');
  assert.equal(back.metadata.annotations!['deployment.kubernetes.io/revision-history'], '2');
  assert.equal(rsList.length, 3);

  const restart = await kubectl(['rollout', 'restart', `deploy/${name}`]);
  assert.equal(restart.code, 0, restart.stderr);
  assert.match(restart.stdout, /deployment.apps\/roll restarted/);
  assert.equal((await kubectl(['rollout', 'status', `deploy/${name}`, '--timeout=30s'])).code, 0);
  await waitFor('restarted pods', () => live(name).length === 4 && live(name).every((p) => p.metadata.annotations?.['kubectl.kubernetes.io/restartedAt']));
  const hist2 = await kubectl(['rollout', 'history', `deploy/${name}`]);
  assert.match(hist2.stdout, /^5\s+/m);
  const desc = await kubectl(['describe', 'deploy', name]);
  assert.equal(desc.code, 0, desc.stderr);
  assert.match(desc.stdout, /NewReplicaSet:\s+roll-[a-z0-9]+ \(4\/4 replicas created\)/);
  assert.match(desc.stdout, /Progressing\s+True\s+NewReplicaSetAvailable/);
  assert.match(desc.stdout, /ScalingReplicaSet\s+.*Scaled (up|down) replica set roll-/);
});

test('revisionHistoryLimit removes old ReplicaSets; Recreate replaces all pods at once', async () => {
  const name = 'rec';
  await client.create(resourcePath(Deployments, NS), deployment(name, 2, { strategy: { type: 'Recreate' }, revisionHistoryLimit: 1 }));
  await waitFor('2 ready', () => readyLive(name).length === 2);
  let mixed = false;
  const check = (): void => {
    const imgs = new Set(live(name).map((p) => p.spec.containers[0].image));
    if (imgs.size > 1) mixed = true;
  };
  pods.on({ add: check, update: check });
  for (const img of ['nginx:2', 'nginx:3']) {
    assert.equal((await kubectl(['set', 'image', `deploy/${name}`, `c=${img}`])).code, 0);
    const st = await kubectl(['rollout', 'status', `deploy/${name}`, '--timeout=30s']);
    assert.equal(st.code, 0, st.stderr);
  }
  await waitFor('on nginx:3', () => readyLive(name).length === 2 && live(name).every((p) => p.spec.containers[0].image === 'nginx:3'));
  assert.equal(mixed, false, 'Recreate ran old and new pods together');
  await waitFor('one old RS kept', async () => {
    const items = (await client.get<{ items: KubeObject[] }>(resourcePath(ReplicaSets, NS))).items.filter((rs) => rs.metadata.name!.startsWith(`${name}-`));
    return items.length === 2;
  });
});

test('an unschedulable pod stays Pending with a condition and an event; nodeSelector is honoured', async () => {
  await client.create(resourcePath(Pods, NS), { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'picky' }, spec: { nodeSelector: { disk: 'hdd' }, containers: [{ name: 'c', image: 'x' }] } });
  const p = await waitFor('Unschedulable condition', () => {
    const p = pods.get(NS, 'picky');
    return p?.status?.conditions?.find((c: { type: string; reason?: string }) => c.type === 'PodScheduled' && c.reason === 'Unschedulable') ? p : undefined;
  });
  const cond = p.status.conditions.find((c: { type: string }) => c.type === 'PodScheduled');
  assert.equal(cond.status, 'False');
  assert.equal(cond.message, "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.");
  assert.equal(p.status.phase, 'Pending');
  const ev = await waitFor('FailedScheduling', async () => (await eventsFor('picky')).find((e) => e.reason === 'FailedScheduling'));
  assert.equal(ev.type, 'Warning');
  assert.equal(ev.message, cond.message);

  await client.create(resourcePath(Pods, NS), { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ssd-only' }, spec: { nodeSelector: { disk: 'ssd' }, containers: [{ name: 'c', image: 'x' }] } });
  await waitFor('ssd pod bound to node-1', () => pods.get(NS, 'ssd-only')?.spec?.nodeName === 'node-1');

  // A new node that fits: the waiting pod is retried and lands there.
  await node('node-3', { disk: 'hdd' });
  await waitFor('picky bound to node-3', () => pods.get(NS, 'picky')?.spec?.nodeName === 'node-3');
  for (const n of ['picky', 'ssd-only']) await client.delete(resourcePath(Pods, NS, n), { gracePeriodSeconds: 0 });
  await client.delete(resourcePath(Nodes, undefined, 'node-3'));
});
