// Issue 5 end to end (root, real namespaces): `kubesvc up --nodes 2`, a 3-replica
// Deployment of the stand-in image, a client pod, and everything a user sees of pods:
// distinct IPs on both nodes reachable from the client, logs, service environment
// variables, a readiness probe that flips, a killed process that restarts, a deleted
// pod replaced by its ReplicaSet, init containers in order, lifecycle hooks, environment
// from ConfigMaps and Secrets, and Ctrl-C
// leaving nothing behind.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { KUBECTL } from '../support/kubectl.js';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  clientPod, clusterSkip, deployment, pods, readyPods, replies, service, standinSpec, startTestCluster, waitUntil,
  type PodInfo, type TestCluster, destroyCluster,
} from '../support/cluster-harness.js';

const ipInCIDR = (ip: string, cidr: string): boolean => {
  const [base, len] = cidr.split('/');
  const n = (s: string): number => s.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  const mask = Number(len) === 0 ? 0 : 2 ** 32 - 2 ** (32 - Number(len));
  return (n(ip) & mask) >>> 0 === (n(base) & mask) >>> 0;
};

/** Requests until the pod answers (at most ~5 s, 1 s per timeout); reports how many tries it took and how long. */
const serveScript = (ip: string): string =>
  `s=$(date +%s%N); n=0; until curl -s --max-time 1 http://${ip}:8080/; do n=$((n + 1)); [ $n -ge 5 ] && break; sleep 0.1; done; e=$(date +%s%N); echo "tries=$n ms=$(( (e - s) / 1000000 ))"`;

describe('kubesvc up: workloads end to end', { skip: clusterSkip, timeout: 240_000 }, () => {
  let c: TestCluster;
  let gateFile = '';
  let web: PodInfo[] = [];
  let client: PodInfo;
  let earlyIP = '';

  before(async () => {
    c = await startTestCluster({ prefix: 'w', nodes: 2 });
    gateFile = `/tmp/kubesvc-e2e-${c.name}-gate`;
    // A Service that exists before the client pod starts, and one created after.
    await c.apply(service('early', { selector: { app: 'nobody' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'dns', port: 53, protocol: 'UDP' }] }));
    earlyIP = (await c.k(['get', 'svc', 'early', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    await c.apply(
      deployment('web', 3, standinSpec(8080)),
      clientPod('client', ['sh', '-c', 'echo client-up; env | sort; exec sleep 3600']),
    );
    [client] = await readyPods(c, 'role=client', 1);
    await c.apply(service('late', { selector: { app: 'nobody' }, ports: [{ port: 81, targetPort: 8080 }] }));
  });

  after(async () => {
    if (gateFile) rmSync(gateFile, { force: true });
    await destroyCluster(c);
  });

  it('a 3-replica Deployment gets 3 Ready pods with distinct IPs from each node\'s pod CIDR, on both nodes', async () => {
    web = await readyPods(c, 'app=web', 3);
    const ips = web.map((p) => p.ip);
    assert.equal(new Set(ips).size, 3, `pod IPs not distinct: ${ips.join(' ')}`);
    assert.deepEqual([...new Set(web.map((p) => p.node))].sort(), ['node-1', 'node-2'], `pods not spread: ${web.map((p) => `${p.name}@${p.node}`).join(' ')}`);
    const nodes = JSON.parse(await c.k(['get', 'nodes', '-o', 'json'])).items as any[];
    const podCIDR = new Map(nodes.map((n) => [n.metadata.name as string, n.spec.podCIDR as string]));
    for (const p of web) {
      assert.ok(ipInCIDR(p.ip, podCIDR.get(p.node)!), `${p.name} ${p.ip} is not in ${p.node}'s pod CIDR ${podCIDR.get(p.node)}`);
      assert.ok(ipInCIDR(p.ip, c.clusterCIDR), `${p.ip} not in ${c.clusterCIDR}`);
    }
    const wide = await c.k(['get', 'pods', '-l', 'app=web', '-o', 'wide']);
    for (const p of web) assert.match(wide, new RegExp(`${p.name}\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+${p.ip.replace(/\./g, '\\.')}\\s+${p.node}`), wide);
  });

  it('kubectl exec into the client pod reaches every pod IP on both nodes, which sees the client pod\'s own IP', async () => {
    assert.ok(web.length === 3, 'needs the pods of the first test');
    // One request each: a Ready stand-in answers at once (its ports listen before its process starts).
    const script = web.map((p) => `curl -s --max-time 3 http://${p.ip}:8080/`).join('; ');
    const r = await c.sh(client.name, script);
    assert.equal(r.code, 0, r.stderr);
    const got = replies(r.stdout);
    assert.deepEqual(got.map((x) => x.pod), web.map((p) => p.name), r.stdout);
    for (const g of got) assert.equal(g.clientIP, client.ip, `pod-to-pod traffic must not be NATed: ${r.stdout}`);
    // And the exec plumbing itself: stdout, stderr and exit codes come back.
    const e = await c.sh(client.name, 'echo out; echo err >&2; exit 3');
    assert.equal(e.code, 3, 'kubectl exec passes the exit code through');
    assert.equal(e.stdout, 'out\n');
    assert.match(e.stderr, /err\n/);
    assert.match(e.stderr, /command terminated with exit code 3/);
    // -i: stdin reaches the command and its end ends the command's input.
    const i = await c.kubectl(['exec', '-i', client.name, '--', 'sh', '-c', 'tr a-z A-Z; echo end'], { input: 'hello\n' });
    assert.equal(i.code, 0, i.stderr);
    assert.equal(i.stdout, 'HELLO\nend\n');
    // -t: kubectl wants a terminal of its own, so it runs under script; the command gets a pseudo-terminal and its exit code comes back.
    const cache = mkdtempSync(join(tmpdir(), 'kubesvc-kcache-'));
    const tty = spawnSync('script', ['-qfec', `${KUBECTL} --kubeconfig=${c.kubeconfig} --cache-dir=${cache} exec -it ${client.name} -- sh -c 'tty; exit 4'`, '/dev/null'], { encoding: 'utf8', timeout: 30_000 });
    rmSync(cache, { recursive: true, force: true });
    assert.match(tty.stdout, /\/dev\/pts\/\d+/, `${tty.stdout} ${tty.stderr}`);
    assert.equal(tty.status, 4, `${tty.stdout} ${tty.stderr}`);
  });

  it('kubectl logs shows the output of the client and of a stand-in pod', async () => {
    const cl = await c.k(['logs', client.name]);
    assert.match(cl, /^client-up$/m);
    const sl = await c.k(['logs', web[0].name]);
    assert.match(sl, new RegExp(`stand-in for pod ${web[0].name} listening on 8080/TCP`), sl);
    const tail = await c.k(['logs', client.name, '--tail', '1']);
    assert.equal(tail.trim().split('\n').length, 1, tail);
  });

  it('service environment variables: present for a Service created before the pod, absent for one created after', async () => {
    const want: Record<string, string> = {
      EARLY_SERVICE_HOST: earlyIP, EARLY_SERVICE_PORT: '80', EARLY_SERVICE_PORT_HTTP: '80', EARLY_SERVICE_PORT_DNS: '53',
      EARLY_PORT: `tcp://${earlyIP}:80`, EARLY_PORT_80_TCP: `tcp://${earlyIP}:80`, EARLY_PORT_80_TCP_PROTO: 'tcp',
      EARLY_PORT_80_TCP_PORT: '80', EARLY_PORT_80_TCP_ADDR: earlyIP, EARLY_PORT_53_UDP: `udp://${earlyIP}:53`, EARLY_PORT_53_UDP_PROTO: 'udp',
    };
    const parse = (s: string): Map<string, string> => new Map(s.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    // The container's own environment (it printed it at start) ...
    const logged = parse(await c.k(['logs', client.name]));
    // ... and what kubectl exec sees, as with a kubelet.
    const r = await c.exec(client.name, ['env']);
    assert.equal(r.code, 0, r.stderr);
    const execd = parse(r.stdout);
    for (const [src, env] of [['container env (kubectl logs)', logged], ['kubectl exec env', execd]] as const) {
      for (const [k, v] of Object.entries(want)) assert.equal(env.get(k), v, `${src}: ${k}`);
      const late = [...env.keys()].filter((k) => k.startsWith('LATE_'));
      assert.deepEqual(late, [], `${src}: variables of a Service created after the pod: ${late.join(' ')}`);
    }
  });

  it('a failing readiness probe takes the pod out of Ready and out of the Service\'s endpoints; passing again brings it back', async () => {
    rmSync(gateFile, { force: true });
    await c.apply(
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'gate', labels: { app: 'gate' } }, spec: standinSpec(8080, { readinessProbe: { exec: { command: ['test', '-f', gateFile] }, periodSeconds: 1, failureThreshold: 1, successThreshold: 1 } }) },
      service('gate', { selector: { app: 'gate' }, ports: [{ port: 80, targetPort: 8080 }] }),
    );
    const readyOf = async (): Promise<{ ready: boolean; phase: string; ep: { ready: string[]; notReady: string[] } }> => {
      const [p] = await pods(c, 'app=gate');
      const ep = JSON.parse(await c.k(['get', 'endpoints', 'gate', '-o', 'json']));
      const subsets = (ep.subsets ?? []) as any[];
      return {
        ready: !!p?.ready, phase: p?.phase ?? '',
        ep: { ready: subsets.flatMap((s) => (s.addresses ?? []).map((a: any) => a.ip)), notReady: subsets.flatMap((s) => (s.notReadyAddresses ?? []).map((a: any) => a.ip)) },
      };
    };
    // Running but never Ready while the probe fails.
    const s0 = await waitUntil('gate Running', async () => { const s = await readyOf(); return s.phase === 'Running' && s.ep.notReady.length === 1 ? s : undefined; }, 30_000);
    assert.equal(s0.ready, false);
    assert.deepEqual(s0.ep.ready, []);
    // The probe passes: Ready, in the endpoints.
    const t = await c.sh(client.name, `touch ${gateFile}`);
    assert.equal(t.code, 0, t.stderr);
    await c.k(['wait', '--for=condition=Ready', 'pod/gate', '--timeout=20s'], { timeoutMs: 25_000 });
    await waitUntil('gate in ready endpoints', async () => (await readyOf()).ep.ready.length === 1, 10_000);
    // It fails again: out of Ready and out of the ready addresses, though still Running.
    rmSync(gateFile, { force: true });
    await c.k(['wait', '--for=condition=Ready=false', 'pod/gate', '--timeout=20s'], { timeoutMs: 25_000 });
    const s2 = await waitUntil('gate out of ready endpoints', async () => { const s = await readyOf(); return s.ep.ready.length === 0 && s.ep.notReady.length === 1 ? s : undefined; }, 10_000);
    assert.equal(s2.phase, 'Running');
    const [gp] = await pods(c, 'app=gate');
    assert.equal(gp.restarts, 0, 'a readiness failure must not restart the container');
  });

  it('killing a pod\'s process restarts the container: restartCount rises, lastState records the kill, and it serves again', async () => {
    const victim = web[0];
    const before = (await pods(c, 'app=web')).find((p) => p.name === victim.name)!;
    // No PID namespace here: from inside the pod, the container's process is the one other than this shell in the pod's network namespace.
    const r = await c.sh(victim.name, 'self=$(readlink /proc/$$/ns/net); pids=; for p in /proc/[0-9]*; do n=${p#/proc/}; [ "$n" = "$$" ] && continue; ' +
      '[ "$(readlink $p/ns/net 2>/dev/null)" = "$self" ] && pids="$pids $n"; done; set -- $pids; [ $# -eq 1 ] || { echo "candidates:$pids"; exit 9; }; echo $1; kill -9 $1');
    assert.equal(r.code, 0, `could not find or kill the stand-in: ${r.stdout} ${r.stderr}`);
    const after = await waitUntil('restartCount to rise', async () => {
      const p = (await pods(c, 'app=web')).find((x) => x.name === victim.name);
      return p && p.restarts > before.restarts && p.ready ? p : undefined;
    }, 30_000);
    const cs = after.raw.status.containerStatuses[0];
    assert.equal(cs.lastState?.terminated?.exitCode, 137, JSON.stringify(cs.lastState));
    assert.ok(cs.state?.running, JSON.stringify(cs.state));
    assert.equal(after.ip, victim.ip, 'a container restart keeps the pod IP');
    // Restarted and Ready: it answers at once, its ports opened again before its new process started.
    const got = await c.sh(client.name, `curl -s --max-time 3 http://${victim.ip}:8080/`);
    assert.equal(replies(got.stdout)[0]?.pod, victim.name, `the restarted container does not answer from the client pod: ${got.stdout} ${got.stderr}`);
    const wide = await c.k(['get', 'pod', victim.name]);
    assert.match(wide, new RegExp(`${victim.name}\\s+1/1\\s+Running\\s+${after.restarts}\\b`), wide);
  });

  it('deleting a pod: the ReplicaSet replaces it with a new Ready pod', async (t) => {
    const gone = web[1];
    const rsOf = (p: PodInfo): string => (p.raw.metadata.ownerReferences ?? []).find((o: any) => o.kind === 'ReplicaSet')?.name ?? '';
    await c.k(['delete', 'pod', gone.name, '--timeout=30s'], { timeoutMs: 35_000 });
    const now = await readyPods(c, 'app=web', 3, 30_000);
    const names = now.map((p) => p.name);
    assert.ok(!names.includes(gone.name), `deleted pod still listed: ${names.join(' ')}`);
    const fresh = now.filter((p) => !web.some((w) => w.name === p.name));
    assert.equal(fresh.length, 1, names.join(' '));
    assert.equal(rsOf(fresh[0]), rsOf(gone), 'the replacement belongs to the same ReplicaSet');
    assert.equal(new Set(now.map((p) => p.ip)).size, 3);
    const reused = gone.ip === fresh[0].ip;
    const got = await c.sh(client.name, serveScript(fresh[0].ip));
    t.diagnostic(`replacement ${fresh[0].name} ${fresh[0].ip} on ${fresh[0].node} (deleted ${gone.ip} on ${gone.node}${reused ? ', IP reused' : ''}; client on ${client.node}): ${got.stdout.trim().split('\n').pop()}`);
    if (!replies(got.stdout).length) {
      const ss = await c.exec(fresh[0].name, ['ss', '-ltnp']);
      const curl = await c.sh(client.name, `curl -sS --max-time 1 http://${fresh[0].ip}:8080/; echo rc=$?`);
      const logs = await c.kubectl(['logs', fresh[0].name]);
      const st = await c.kubectl(['get', 'pod', fresh[0].name, '-o', 'jsonpath={.status}']);
      t.diagnostic(`not answering: ss in pod: ${ss.stdout} ${ss.stderr} | curl: ${curl.stdout} ${curl.stderr} | logs: ${logs.stdout} ${logs.stderr} | status: ${st.stdout}`);
    }
    assert.equal(replies(got.stdout)[0]?.pod, fresh[0].name, `the Ready replacement does not answer from the client pod${reused ? ' (it reuses the deleted pod\'s IP)' : ''}: ${got.stdout} ${got.stderr}`);
    const rs = JSON.parse(await c.k(['get', 'rs', rsOf(gone), '-o', 'json']));
    assert.equal(rs.status.readyReplicas, 3, JSON.stringify(rs.status));
  });

  it('init containers run one after another to completion before the regular container; a failing one under Never fails the pod', async () => {
    const trail = `/tmp/kubesvc-e2e-${c.name}-init`;
    rmSync(trail, { force: true });
    try {
      const step = (name: string, script: string): Record<string, unknown> => ({ name, image: 'busybox', command: ['sh', '-c', script] });
      await c.apply({
        apiVersion: 'v1', kind: 'Pod', metadata: { name: 'inits', labels: { app: 'inits' } },
        spec: {
          terminationGracePeriodSeconds: 1,
          initContainers: [step('first', `sleep 1; echo first >> ${trail}; echo first-ran`), step('second', `echo second >> ${trail}`)],
          containers: [step('main', `cat ${trail}; exec sleep 3600`)],
        },
      });
      const early = await c.k(['get', 'pod', 'inits', '--no-headers']);
      assert.match(early, /^inits\s+0\/1\s+(Init:0\/2|Init:1\/2|PodInitializing|Pending)\s/, early);
      const [p] = await readyPods(c, 'app=inits', 1, 30_000);
      assert.deepEqual(p.raw.status.initContainerStatuses.map((s: any) => [s.name, s.state.terminated?.exitCode]), [['first', 0], ['second', 0]]);
      assert.equal(p.raw.status.conditions.find((x: any) => x.type === 'Initialized').status, 'True');
      assert.equal((await c.k(['logs', 'inits'])).trim(), 'first\nsecond', 'main started after both, in order');
      assert.equal((await c.k(['logs', 'inits', '-c', 'first'])).trim(), 'first-ran');
      await c.apply({
        apiVersion: 'v1', kind: 'Pod', metadata: { name: 'init-fails', labels: { app: 'init-fails' } },
        spec: { restartPolicy: 'Never', initContainers: [step('broken', 'exit 3')], containers: [step('main', 'sleep 3600')] },
      });
      const failed = await waitUntil('init-fails Failed', async () => {
        const [q] = await pods(c, 'app=init-fails');
        return q?.phase === 'Failed' ? q : undefined;
      }, 20_000);
      assert.equal(failed.raw.status.initContainerStatuses[0].state.terminated.exitCode, 3);
      assert.equal(failed.raw.status.containerStatuses[0].state.waiting?.reason, 'PodInitializing', 'the regular container never started');
      assert.match(await c.k(['get', 'pod', 'init-fails', '--no-headers']), /^init-fails\s+0\/1\s+Init:Error\s/);
    } finally {
      rmSync(trail, { force: true });
      await c.k(['delete', 'pod', 'inits', 'init-fails', '--wait=false']).catch(() => undefined);
    }
  });

  it('lifecycle hooks: postStart runs before the container counts as running, preStop before SIGTERM; a failing postStart restarts the container', async () => {
    const trail = `/tmp/kubesvc-e2e-${c.name}-hooks`;
    rmSync(trail, { force: true });
    try {
      await c.apply({
        apiVersion: 'v1', kind: 'Pod', metadata: { name: 'hooks', labels: { app: 'hooks' } },
        spec: {
          terminationGracePeriodSeconds: 10,
          containers: [{
            name: 'main', image: 'busybox',
            command: ['sh', '-c', `trap 'echo TERM >> ${trail}; exit 0' TERM; echo main >> ${trail}; while true; do sleep 0.1; done`],
            lifecycle: {
              postStart: { exec: { command: ['sh', '-c', `sleep 0.5; echo postStart >> ${trail}`] } },
              preStop: { exec: { command: ['sh', '-c', `echo preStop >> ${trail}; sleep 1`] } },
            },
          }],
        },
      });
      const [p] = await readyPods(c, 'app=hooks', 1, 30_000);
      assert.ok(existsSync(trail) && readFileSync(trail, 'utf8').includes('postStart'), 'Running only once postStart is done');
      const started = Date.parse(p.raw.status.containerStatuses[0].state.running.startedAt);
      assert.ok(Number.isFinite(started));
      const t0 = Date.now();
      await c.k(['delete', 'pod', 'hooks', '--timeout=20s'], { timeoutMs: 25_000 });
      assert.ok(Date.now() - t0 >= 1000, 'the delete waited for the preStop hook');
      assert.deepEqual(readFileSync(trail, 'utf8').trim().split('\n'), ['main', 'postStart', 'preStop', 'TERM']);
      const killing = await waitUntil('Killing event', async () => {
        const out = await c.k(['get', 'events', '--field-selector', 'involvedObject.name=hooks,reason=Killing', '-o', 'jsonpath={.items[*].message}']);
        return out.trim() ? out : undefined;
      }, 10_000, 200);
      assert.equal(killing, 'Stopping container main');

      await c.apply({
        apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bad-hook', labels: { app: 'bad-hook' } },
        spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: 'busybox', command: ['sleep', '3600'], lifecycle: { postStart: { exec: { command: ['sh', '-c', 'exit 1'] } } } }] },
      });
      await waitUntil('bad-hook restarted', async () => ((await pods(c, 'app=bad-hook'))[0]?.restarts ?? 0) >= 1, 20_000);
      // Events are written in batches: poll for it.
      const events = await waitUntil('FailedPostStartHook event', async () => {
        const out = await c.k(['get', 'events', '--field-selector', 'involvedObject.name=bad-hook,reason=FailedPostStartHook', '-o', 'jsonpath={.items[*].message}']);
        return out.trim() ? out : undefined;
      }, 10_000, 200);
      assert.match(events, /PostStartHook failed/);
    } finally {
      rmSync(trail, { force: true });
      await c.k(['delete', 'pod', 'hooks', 'bad-hook', '--wait=false', '--ignore-not-found']).catch(() => undefined);
    }
  });

  it('environment from ConfigMaps and Secrets: envFrom with a prefix, key references, optional sources; a missing ConfigMap holds the container in CreateContainerConfigError until it exists', async () => {
    await c.k(['create', 'configmap', 'app-config', '--from-literal=MODE=prod', '--from-literal=LEVEL=debug']);
    await c.k(['create', 'secret', 'generic', 'db', '--from-literal=password=s3cr=t', '--from-literal=user=admin']);
    const printEnv = { name: 'main', image: 'busybox', command: ['sh', '-c', 'env | sort; exec sleep 3600'] };
    await c.apply({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'env-sources', labels: { app: 'env-sources' } },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [{
          ...printEnv,
          envFrom: [{ configMapRef: { name: 'app-config' } }, { prefix: 'DB_', secretRef: { name: 'db' } }, { configMapRef: { name: 'absent', optional: true } }],
          env: [
            { name: 'LEVEL', value: 'info' },
            { name: 'PASS', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
            { name: 'URL', value: 'db://$(DB_user)@$(MODE)' },
            { name: 'MAYBE', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'nope', optional: true } } },
          ],
        }],
      },
    });
    await readyPods(c, 'app=env-sources', 1, 30_000);
    const env = new Map((await c.k(['logs', 'env-sources'])).split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    assert.deepEqual(['MODE', 'LEVEL', 'DB_password', 'DB_user', 'PASS', 'URL'].map((k) => env.get(k)), ['prod', 'info', 's3cr=t', 'admin', 's3cr=t', 'db://admin@prod']);
    assert.equal(env.has('MAYBE'), false, 'an optional key that is absent sets no variable');

    await c.apply({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'env-later', labels: { app: 'env-later' } },
      spec: { terminationGracePeriodSeconds: 1, containers: [{ ...printEnv, env: [{ name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'later', key: 'greeting' } } }] }] },
    });
    const waiting = await waitUntil('env-later in CreateContainerConfigError', async () => {
      const [p] = await pods(c, 'app=env-later');
      return p?.raw.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError' ? p : undefined;
    }, 20_000);
    assert.equal(waiting.raw.status.containerStatuses[0].state.waiting.message, 'configmap "later" not found');
    assert.equal(waiting.phase, 'Pending');
    assert.match(await c.k(['get', 'pod', 'env-later', '--no-headers']), /^env-later\s+0\/1\s+CreateContainerConfigError\s/);
    // The agent's events go out behind its status writes (event-queue.ts).
    await waitUntil('the Failed event', async () => {
      const events = await c.k(['get', 'events', '--field-selector', 'involvedObject.name=env-later', '-o', 'jsonpath={range .items[*]}{.type} {.reason} {.message}{"\\n"}{end}']);
      return /^Warning Failed Error: configmap "later" not found$/m.test(events);
    }, 10_000);
    await c.k(['create', 'configmap', 'later', '--from-literal=greeting=hello']);
    await readyPods(c, 'app=env-later', 1, 30_000);
    assert.match(await c.k(['logs', 'env-later']), /^GREETING=hello$/m);
    await c.k(['delete', 'pod', 'env-sources', 'env-later', '--wait=false']);
  });

  it('Ctrl-C (SIGINT) removes every namespace, link, route, nft table and process of the cluster', async (t) => {
    const seen = await c.snapshot();
    // 2 nodes + the pods (3 web, client, gate, 2 DNS) at least; their processes are checked after.
    assert.ok(seen.netns >= 9 && seen.processes >= 9, JSON.stringify(seen));
    t.diagnostic(`before SIGINT: ${seen.netns} namespaces, ${seen.processes} processes in them`);
    const t0 = Date.now();
    const code = await c.interrupt(60_000);
    t.diagnostic(`up exited ${Date.now() - t0} ms after SIGINT`);
    assert.equal(code, 0, c.output().stderr.slice(-2000));
    assert.deepEqual(await c.leftovers(), [], c.exitReport());
  });
});
