// Issues 6, 7 and 8 end to end (root, real nftables, real namespaces) on one
// `kubesvc up --nodes 2` with an LB pool of two addresses: every Service type reached
// the way users reach it — from a pod (kubectl exec), from the external client
// namespace (`kubesvc client`) and from the host on the cluster bridge — plus cluster
// DNS from a pod, LB pool exhaustion, loadBalancerSourceRanges, and ExternalName ⇄
// ClusterIP. Traffic only ever goes to this cluster's node, LB and pod addresses.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  clientPod, clusterSkip, deployment, readyPods, replies, run, service, standinSpec, startTestCluster, waitUntil,
  type PodInfo, type RunResult, type TestCluster, destroyCluster,
} from '../support/cluster-harness.js';
import { apiClient, kubeconfigTarget } from '../support/http.js';
import { Timeline } from '../support/timeline.js';

const CURL = `curl -s --noproxy '*' --max-time 2`;
/** n requests, each on a new connection; one reply line each (a failure leaves an empty line). */
const loop = (n: number, url: string): string => `for i in $(seq ${n}); do ${CURL} ${url}; echo; done`;
/** One request: "<curl exit code> <ms>", timed inside the namespace. */
const timed = (url: string, max = 5): string =>
  `s=$(date +%s%N); curl -s --noproxy '*' --max-time ${max} -o /dev/null ${url}; rc=$?; e=$(date +%s%N); echo "$rc $(( (e - s) / 1000000 ))"`;
const podsOf = (r: RunResult): string[] => [...new Set(replies(r.stdout).map((x) => x.pod))].sort();
const sorted = (xs: string[]): string[] => [...xs].sort();
const DNS_WATCH = fileURLToPath(new URL('../support/dns-watch.js', import.meta.url));

describe('kubesvc up: Services, DNS and load balancers end to end', { skip: clusterSkip, timeout: 300_000 }, () => {
  let c: TestCluster;
  let web: PodInfo[] = [];
  let client: PodInfo;
  let webIP = '';

  const svcJson = async (name: string): Promise<any> => JSON.parse(await c.k(['get', 'svc', name, '-o', 'json']));
  const lbIP = (name: string, timeoutMs = 15_000): Promise<string> =>
    waitUntil(`an ingress IP for ${name}`, async () => (await svcJson(name)).status?.loadBalancer?.ingress?.[0]?.ip as string | undefined, timeoutMs);
  /** Which node holds (answers ARP for) an external address: read from the node namespaces. */
  const announcerOf = (ip: string): Promise<string> =>
    waitUntil(`a node announcing ${ip}`, async () => {
      for (let i = 1; i <= c.nodeIPs.length; i++) {
        const r = await run(['ip', '-n', c.nodeNs(i), '-j', '-4', 'addr', 'show', 'dev', 'eth0']);
        const addrs = (JSON.parse(r.stdout || '[]') as any[]).flatMap((l) => l.addr_info ?? []).map((a: any) => a.local);
        if (addrs.includes(ip)) return `node-${i}`;
      }
      return undefined;
    }, 10_000);
  const fromClient = (script: string, timeoutMs = 30_000): Promise<RunResult> => c.client(['sh', '-c', script], { timeoutMs });
  const fromHost = (script: string, timeoutMs = 30_000): Promise<RunResult> => c.host(['sh', '-c', script], { timeoutMs });
  const fromPod = (script: string, timeoutMs = 30_000): Promise<RunResult> => c.sh(client.name, script, { timeoutMs });
  /** Polls a single request until a stand-in answers. */
  const untilServed = (what: string, via: (s: string) => Promise<RunResult>, url: string, timeoutMs = 10_000): Promise<string> =>
    waitUntil(`${what} to answer`, async () => replies((await via(`${CURL} ${url}`)).stdout)[0]?.pod, timeoutMs, 200);
  const del = (...names: string[]): Promise<string> => c.k(['delete', 'svc', ...names, '--ignore-not-found']);
  const dig = async (args: string): Promise<string[]> => {
    const r = await fromPod(`dig +short +time=2 +tries=2 ${args}`);
    assert.equal(r.code, 0, `dig ${args}: ${r.stderr}`);
    return r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  };

  let apiC: ReturnType<typeof apiClient> | undefined;
  const api = (): ReturnType<typeof apiClient> => (apiC ??= apiClient(kubeconfigTarget(c.kubeconfig)));
  /**
   * Starts test/support/dns-watch in the client pod against the cluster DNS Service
   * and waits for its first answers: a Timeline per name of the answers as they
   * change ("-" for none), stamped with the pod's clock, which is the host's.
   */
  const watchDns = async (names: string[], seconds: number): Promise<{ answers: Map<string, Timeline<string>>; done: Promise<RunResult> }> => {
    const server = (await c.k(['get', 'svc', '-n', 'kube-system', 'kube-dns', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    const answers = new Map(names.map((n) => [n, new Timeline<string>()]));
    let isReady = (): void => {};
    const ready = new Promise<void>((r) => (isReady = r));
    const done = c.shStream(client.name, `exec ${process.execPath} ${DNS_WATCH} ${server} ${seconds} ${names.join(' ')}`, (line) => {
      if (line === 'ready') return isReady();
      const [name, at, ips] = line.split(' ');
      answers.get(name)?.push(ips, Number(at));
    }, { timeoutMs: (seconds + 20) * 1000 });
    const failed = done.then((r) => { throw new Error(`dns-watch ended before answering (${r.code}): ${r.stdout} ${r.stderr}`); });
    await Promise.race([ready, failed]);
    failed.catch(() => {});
    return { answers, done };
  };
  /** Every event of a watch, stamped when it arrived here, until the stream ends. */
  const recordWatch = async <T>(path: string, map: (e: any) => T): Promise<{ events: Timeline<T>; close(): void }> => {
    const events = new Timeline<T>();
    const stream = await api().watch(path);
    void (async () => { for (let e = await stream.next(600_000).catch(() => undefined); e; e = await stream.next(600_000).catch(() => undefined)) events.push(map(e)); })();
    return { events, close: () => stream.close() };
  };

  before(async () => {
    c = await startTestCluster({ prefix: 's', nodes: 2, lbPoolSize: 2 });
    // The client also times DNS propagation (dns-watch runs in it). A BestEffort container runs at
    // nice 19, so on a busy machine the measuring side would be the last to run; a CPU request
    // (nice 1: agent/pod/cpu-priority.ts) keeps the clock on the answer, not on the scheduler.
    const measuring = clientPod('client') as { spec: { containers: Record<string, unknown>[] } };
    measuring.spec.containers[0].resources = { requests: { cpu: '1' } };
    await c.apply(
      deployment('web', 3, standinSpec(8080)),
      service('web', { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] }),
      measuring,
    );
    web = await readyPods(c, 'app=web', 3);
    [client] = await readyPods(c, 'role=client', 1);
    webIP = (await svcJson('web')).spec.clusterIP;
  });

  after(async () => {
    apiC?.close();
    await destroyCluster(c);
  });

  // ---- Proxy: ClusterIP, NodePort, LoadBalancer, externalIPs (issues 6, 8) ----

  it('ClusterIP: curl from a pod by DNS name and by IP reaches all 3 pods', async (t) => {
    await untilServed('web by ClusterIP', fromPod, `http://${webIP}/`);
    for (const url of ['http://web/', `http://${webIP}/`]) {
      const r = await fromPod(loop(30, url));
      assert.equal(replies(r.stdout).length, 30, `${url}: ${r.stdout} ${r.stderr}`);
      assert.deepEqual(podsOf(r), sorted(web.map((p) => p.name)), `${url} must spread over every pod`);
      t.diagnostic(`${url}: client address seen by the pods: ${[...new Set(replies(r.stdout).map((x) => x.clientIP))].join(' ')} (client pod ${client.ip})`);
    }
  });

  it('an unallocated address of the service CIDR is rejected by the proxy, not routed on', async (t) => {
    const unused = webIP.replace(/\.\d+$/, '.254') === webIP ? webIP.replace(/\.\d+$/, '.253') : webIP.replace(/\.\d+$/, '.254');
    // curl words refused and unroutable alike ("Couldn't connect to server"), so ask the socket for its errno.
    const probe = `require('net').connect(80, '${unused}').on('connect', () => { console.log('errno=CONNECTED'); process.exit(0); }).on('error', (e) => { console.log('errno=' + e.code); process.exit(0); })`;
    const r = await fromPod(`${process.execPath} -e ${JSON.stringify(probe)}`);
    t.diagnostic(`unused service IP ${unused} (service CIDR ${c.serviceCIDR}): ${r.stdout.trim()} ${r.stderr.trim()}`);
    // Rejected by the proxy (ICMP port unreachable → ECONNREFUSED), not merely unroutable from the node.
    assert.match(r.stdout, /errno=ECONNREFUSED/, `traffic to an unallocated address of --service-cidr ${c.serviceCIDR} is not rejected by the proxy: ${r.stdout} ${r.stderr}`);
  });

  it('NodePort: reachable on both node IPs from the external client and from the host', async () => {
    await c.apply(service('web-np', { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] }));
    const np = (await svcJson('web-np')).spec.ports[0].nodePort as number;
    assert.ok(np >= 30000 && np <= 32767, String(np));
    for (const [who, via] of [['external client', fromClient], ['host', fromHost]] as const) {
      const seen = new Set<string>();
      for (const ip of c.nodeIPs) {
        await untilServed(`${ip}:${np} from the ${who}`, via, `http://${ip}:${np}/`);
        const r = await via(loop(15, `http://${ip}:${np}/`));
        assert.equal(replies(r.stdout).length, 15, `${who} → ${ip}:${np}: ${r.stdout} ${r.stderr}`);
        for (const p of podsOf(r)) seen.add(p);
      }
      assert.deepEqual([...seen].sort(), sorted(web.map((p) => p.name)), `${who}: NodePort must reach every pod`);
    }
  });

  it('LoadBalancer: an IP from the pool, shown as EXTERNAL-IP, reaching all pods from the external client and the host', async () => {
    try {
      await c.apply(service('web-lb', { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] }));
      const ip = await lbIP('web-lb');
      assert.ok(c.lbPool.includes(ip), `${ip} not in the pool ${c.lbPool.join(',')}`);
      const row = await c.k(['get', 'svc', 'web-lb', '--no-headers']);
      assert.match(row, new RegExp(`^web-lb\\s+LoadBalancer\\s+\\S+\\s+${ip.replace(/\./g, '\\.')}\\s+80:\\d+/TCP`), row);
      await announcerOf(ip);
      await untilServed(`LB ${ip} from the client`, fromClient, `http://${ip}/`);
      const r = await fromClient(loop(30, `http://${ip}/`));
      assert.equal(replies(r.stdout).length, 30, r.stdout + r.stderr);
      assert.deepEqual(podsOf(r), sorted(web.map((p) => p.name)));
      await untilServed(`LB ${ip} from the host`, fromHost, `http://${ip}/`);
      const h = await fromHost(loop(20, `http://${ip}/`));
      assert.equal(replies(h.stdout).length, 20, h.stdout + h.stderr);
    } finally {
      await del('web-lb');
    }
  });

  it('externalIPs: an address of the node network outside the pool is served to the external client and the host', async () => {
    const ext = `${c.net}.150`;
    try {
      await c.apply(service('web-ext', { selector: { app: 'web' }, externalIPs: [ext], ports: [{ port: 80, targetPort: 8080 }] }));
      await announcerOf(ext);
      await untilServed(`externalIP ${ext}`, fromClient, `http://${ext}/`);
      const r = await fromClient(loop(30, `http://${ext}/`));
      assert.equal(replies(r.stdout).length, 30, r.stdout + r.stderr);
      assert.deepEqual(podsOf(r), sorted(web.map((p) => p.name)));
      await untilServed(`externalIP ${ext} from the host`, fromHost, `http://${ext}/`);
    } finally {
      await del('web-ext');
    }
  });

  it('sessionAffinity ClientIP keeps one pod for 20 requests', async () => {
    await c.apply(service('web-aff', { selector: { app: 'web' }, sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } }, ports: [{ port: 80, targetPort: 8080 }] }));
    const ip = (await svcJson('web-aff')).spec.clusterIP;
    await untilServed('web-aff', fromPod, `http://${ip}/`);
    const r = await fromPod(loop(20, `http://${ip}/`));
    assert.equal(replies(r.stdout).length, 20, r.stdout + r.stderr);
    assert.equal(podsOf(r).length, 1, `affinity broken: ${podsOf(r).join(' ')}`);
    await del('web-aff');
  });

  it('externalTrafficPolicy Local: the pods see the external client\'s real address and only the announcing node\'s pods answer', async (t) => {
    try {
      await c.apply(service('lb-local', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] }));
      const ip = await lbIP('lb-local');
      const node = await announcerOf(ip);
      const local = web.filter((p) => p.node === node).map((p) => p.name);
      assert.ok(local.length > 0, `announcing node ${node} has no web pod`);
      await untilServed(`Local LB ${ip}`, fromClient, `http://${ip}/`);
      const r = await fromClient(loop(20, `http://${ip}/`));
      const got = replies(r.stdout);
      assert.equal(got.length, 20, r.stdout + r.stderr);
      for (const g of got) assert.equal(g.clientIP, c.clientIP, `source address not preserved: ${r.stdout}`);
      for (const p of podsOf(r)) assert.ok(local.includes(p), `${p} is not on the announcing node ${node} (local: ${local.join(' ')})`);
      t.diagnostic(`${ip} announced by ${node}; answered by ${podsOf(r).join(' ')}`);
      // The health check node port reports the local endpoints per node.
      const hc = (await svcJson('lb-local')).spec.healthCheckNodePort as number;
      assert.ok(hc > 0, 'a Local LoadBalancer gets a healthCheckNodePort');
      for (let i = 0; i < c.nodeIPs.length; i++) {
        const want = web.some((p) => p.node === `node-${i + 1}`) ? '200' : '503';
        const h = await fromClient(`curl -s --noproxy '*' --max-time 2 -o /dev/null -w '%{http_code}' http://${c.nodeIPs[i]}:${hc}/healthz`);
        assert.equal(h.stdout, want, `health check on node-${i + 1}: ${h.stdout} ${h.stderr}`);
      }
    } finally {
      await del('lb-local');
    }
  });

  it('LB pool exhaustion: the third LoadBalancer stays <pending> with an event; deleting one frees its IP for it', async () => {
    const lb = (name: string): unknown => service(name, { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] });
    try {
      await c.apply(lb('lb-a'), lb('lb-b'));
      const a = await lbIP('lb-a'), b = await lbIP('lb-b');
      assert.deepEqual([a, b].sort(), [...c.lbPool].sort());
      await c.apply(lb('lb-c'));
      const ev = await waitUntil('an AllocationFailed event for lb-c', async () => {
        const out = await c.k(['get', 'events', '--field-selector', 'involvedObject.name=lb-c', '-o', 'json']);
        return (JSON.parse(out).items as any[]).find((e) => e.type === 'Warning' && e.reason === 'AllocationFailed');
      }, 10_000);
      assert.match(ev.message, /lb-c/);
      const row = await c.k(['get', 'svc', 'lb-c', '--no-headers']);
      assert.match(row, /^lb-c\s+LoadBalancer\s+\S+\s+<pending>\s+/, row);
      const desc = await c.k(['describe', 'svc', 'lb-c']);
      assert.match(desc, /AllocationFailed/, desc);
      await del('lb-a');
      const got = await lbIP('lb-c', 10_000);
      assert.equal(got, a, 'lb-c takes the address lb-a released');
      await announcerOf(got);
      await untilServed(`lb-c ${got}`, fromClient, `http://${got}/`);
    } finally {
      await del('lb-a', 'lb-b', 'lb-c');
    }
  });

  it('loadBalancerSourceRanges: the external client is served inside the range and blocked outside it', async () => {
    const inRange = [`${c.clientIP}/32`], outRange = ['10.0.0.0/8'];
    try {
      await c.apply(service('lb-src', { type: 'LoadBalancer', loadBalancerSourceRanges: inRange, selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] }));
      const ip = await lbIP('lb-src');
      await announcerOf(ip);
      await untilServed(`lb-src ${ip} inside the range`, fromClient, `http://${ip}/`);
      const blocked = (n: number): string => `for i in $(seq ${n}); do curl -s --noproxy '*' --max-time 1 http://${ip}/; echo; done`;
      // The host (the bridge address) is outside the range.
      const h = await fromHost(blocked(1));
      assert.equal(replies(h.stdout).length, 0, `host outside the range was served: ${h.stdout}`);
      await c.k(['patch', 'svc', 'lb-src', '--type=merge', '-p', JSON.stringify({ spec: { loadBalancerSourceRanges: outRange } })]);
      await waitUntil('the external client to be blocked', async () => replies((await fromClient(blocked(1))).stdout).length === 0, 10_000, 100);
      const r = await fromClient(blocked(2));
      assert.equal(replies(r.stdout).length, 0, `blocked client was served: ${r.stdout}`);
      await c.k(['patch', 'svc', 'lb-src', '--type=merge', '-p', JSON.stringify({ spec: { loadBalancerSourceRanges: inRange } })]);
      await untilServed(`lb-src ${ip} inside the range again`, fromClient, `http://${ip}/`);
    } finally {
      await del('lb-src');
    }
  });

  // ---- Cluster DNS (issue 7) ----

  it('DNS: getent by short name, <svc>.<ns>, <svc>.<ns>.svc and FQDN; SRV; PTR', async () => {
    for (const n of ['web', 'web.default', 'web.default.svc', 'web.default.svc.cluster.local']) {
      const r = await fromPod(`getent hosts ${n}`);
      assert.equal(r.code, 0, `getent hosts ${n}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^${webIP.replace(/\./g, '\\.')}\\s+web\\.default\\.svc\\.cluster\\.local\\b`, 'm'), `${n}: ${r.stdout}`);
    }
    const curl = await fromPod(`${CURL} http://web.default.svc.cluster.local/`);
    assert.ok(replies(curl.stdout).length === 1, curl.stdout + curl.stderr);
    assert.deepEqual(await dig('web.default.svc.cluster.local A'), [webIP]);
    assert.deepEqual(await dig('SRV _http._tcp.web.default.svc.cluster.local'), ['0 100 80 web.default.svc.cluster.local.']);
    assert.deepEqual(await dig(`-x ${webIP}`), ['web.default.svc.cluster.local.']);
    const nx = await fromPod('dig +time=2 +tries=2 nosuch.default.svc.cluster.local A');
    assert.match(nx.stdout, /status: NXDOMAIN/, nx.stdout);
    const kd = await fromPod('getent hosts kube-dns.kube-system');
    assert.equal(kd.code, 0, kd.stderr);
  });

  it('DNS: headless Service A records per ready pod, and an ExternalName CNAME to a name in the zone', async () => {
    await c.apply(
      service('web-headless', { clusterIP: 'None', selector: { app: 'web' }, ports: [{ name: 'http', port: 8080 }] }),
      service('alias', { type: 'ExternalName', externalName: 'web.default.svc.cluster.local' }),
    );
    const want = sorted(web.map((p) => p.ip));
    await waitUntil('headless A records', async () => JSON.stringify(sorted(await dig('web-headless.default.svc.cluster.local A'))) === JSON.stringify(want), 5_000, 100);
    const cname = await dig('alias.default.svc.cluster.local A');
    assert.deepEqual(cname, ['web.default.svc.cluster.local.', webIP]);
    const g = await fromPod('getent hosts alias');
    assert.match(g.stdout, new RegExp(`^${webIP.replace(/\./g, '\\.')}\\s`), g.stdout + g.stderr);
    const curl = await fromPod(`${CURL} http://alias/`);
    assert.equal(replies(curl.stdout).length, 1, curl.stdout + curl.stderr);
  });

  // Propagation through the real cluster: dns-watch asks every 2 ms from inside the
  // client pod, so a try costs a packet, not a kubectl exec or a dig. The times are
  // reported, not held to issue 7's 100 ms here: DNS pods run at their QoS weight and
  // the suite loads the machine. bench/dns-propagation holds the target.
  it('DNS: a new Service answers once its create returns', async (t) => {
    const fqdn = 'fresh.default.svc.cluster.local';
    const { answers, done } = await watchDns([fqdn], 5);
    const t0 = Date.now();
    const res = await api().request('POST', '/api/v1/namespaces/default/services', { body: service('fresh', { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] }) as object });
    const t1 = Date.now();
    assert.equal(res.status, 201, res.text);
    const ip = res.json<any>().spec.clusterIP as string;
    const at = await answers.get(fqdn)!.when(`${fqdn} → ${ip}`, (ips) => ips === ip);
    await done;
    t.diagnostic(`service created → in DNS: ${at - t1} ms after the create returned (${at - t0} ms after it was sent)`);
  });

  it('DNS: headless A records follow a scale 3 → 2 → 3 of the EndpointSlice', async (t) => {
    const fqdn = 'web-headless.default.svc.cluster.local';
    const count = (ips: string): number => (ips === '-' ? 0 : ips.split(',').length);
    const { answers, done } = await watchDns([fqdn], 20);
    const dns = answers.get(fqdn)!;
    assert.equal(count(dns.last()!), 3, dns.last());
    // Ready endpoints of the Service's slice as a watcher on the host sees them change: the DNS pods' informers watch the same.
    const slices = await recordWatch('/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?watch=true&labelSelector=kubernetes.io%2Fservice-name%3Dweb-headless',
      (e) => ((e.object?.endpoints ?? []) as any[]).filter((x) => x.conditions?.ready !== false).length);
    const scale = async (n: number): Promise<number> => {
      const r = await api().request('PATCH', '/apis/apps/v1/namespaces/default/deployments/web/scale', { body: { spec: { replicas: n } }, contentType: 'application/merge-patch+json' });
      assert.equal(r.status, 200, r.text);
      return Date.now();
    };
    try {
      await slices.events.when('the initial slice', () => true);
      // Down: the Deployment, ReplicaSet and EndpointSlice controllers, then DNS, all from the scale's response on.
      const down = await scale(2);
      const sliceDown = await slices.events.when('2 ready endpoints', (n) => n === 2, 10_000);
      const gone = await dns.when(`${fqdn} with 2 addresses`, (ips) => count(ips) === 2, 10_000);
      t.diagnostic(`scale 3 → 2: 2 A records ${gone - down} ms after the scale returned (slice changed after ${sliceDown - down} ms, DNS ${gone - sliceDown} ms later)`);
      // Up: the new pod takes seconds to start, so DNS is timed from the slice listing it ready.
      await scale(3);
      const sliceUp = await slices.events.when('3 ready endpoints', (n) => n === 3, 30_000);
      const back = await dns.when(`${fqdn} with 3 addresses`, (ips) => count(ips) === 3, 10_000);
      t.diagnostic(`scale 2 → 3: 3 A records ${back - sliceUp} ms after the EndpointSlice showed the new pod ready`);
    } finally {
      slices.close();
      await c.k(['scale', 'deploy/web', '--replicas=3']);
    }
    web = await readyPods(c, 'app=web', 3, 60_000);
    assert.deepEqual(dns.last()!.split(','), sorted(web.map((p) => p.ip)));
    await done;
  });

  it('DNS: deleting the DNS pods one at a time keeps lookups working', async (t) => {
    const lookups = 25;
    const script = `ok=0; max=0; for i in $(seq ${lookups}); do s=$(date +%s%N); a=$(dig +short +time=1 +tries=3 web.default.svc.cluster.local A); e=$(date +%s%N); ms=$(( (e - s) / 1000000 )); [ $ms -gt $max ] && max=$ms; [ "$a" = "${webIP}" ] && ok=$((ok + 1)); sleep 0.1; done; echo "$ok $max"`;
    const dns = sorted((await readyPods(c, 'k8s-app=kube-dns', 2, 30_000, 'kube-system')).map((p) => p.name));
    for (const victim of dns) {
      await c.k(['delete', 'pod', '-n', 'kube-system', victim, '--wait=false']);
      const r = await fromPod(script, 60_000);
      const [ok, max] = r.stdout.trim().split(' ').map(Number);
      t.diagnostic(`after deleting ${victim}: ${ok}/${lookups} lookups answered, slowest ${max} ms`);
      assert.equal(ok, lookups, `lookups failed after deleting ${victim}: ${r.stdout} ${r.stderr}`);
      const now = await readyPods(c, 'k8s-app=kube-dns', 2, 30_000, 'kube-system');
      assert.ok(!now.some((p) => p.name === victim), `${victim} still there`);
    }
  });

  // ---- Scale to zero; ExternalName ⇄ ClusterIP ----

  it('scale to 0: new connections are refused at once (not timed out); scale back: served again, DNS follows', async (t) => {
    const np = (await svcJson('web-np')).spec.ports[0].nodePort as number;
    await c.k(['scale', 'deploy/web', '--replicas=0']);
    await waitUntil('web endpoints to empty', async () => {
      const ep = JSON.parse(await c.k(['get', 'endpoints', 'web', '-o', 'json']));
      return !(ep.subsets ?? []).some((s: any) => (s.addresses ?? []).length);
    }, 30_000);
    // Terminating pods that still serve stay in the slices, and the proxy uses them while
    // nothing else is left (as kube-proxy does): refusal is due once the last one is gone.
    await waitUntil('web slices without serving endpoints', async () => {
      const sl = JSON.parse(await c.k(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '-o', 'json']));
      return !(sl.items as any[]).some((x) => (x.endpoints ?? []).some((e: any) => e.conditions?.serving !== false));
    }, 30_000);
    const refusedFast = async (via: (s: string) => Promise<RunResult>, url: string, who: string): Promise<void> => {
      const [rc, ms] = await waitUntil(`${url} from ${who} to refuse`, async () => {
        const r = await via(timed(url));
        const v = r.stdout.trim().split(' ').map(Number);
        return v.length === 2 && v[0] !== 0 ? v : undefined;
      }, 5_000, 100);
      t.diagnostic(`${who} → ${url} with no endpoints: curl exit ${rc} in ${ms} ms`);
      assert.equal(rc, 7, `${who} → ${url}: curl exit ${rc} after ${ms} ms (7 = connection refused; 28 = timed out)`);
      assert.ok(ms < 1000, `${who} → ${url}: refused only after ${ms} ms`);
    };
    await refusedFast(fromPod, `http://${webIP}/`, 'a pod');
    await refusedFast(fromClient, `http://${c.nodeIPs[1]}:${np}/`, 'the external client');
    await c.k(['scale', 'deploy/web', '--replicas=3']);
    web = await readyPods(c, 'app=web', 3, 60_000);
    await untilServed('web after scaling back', fromPod, `http://${webIP}/`);
    const r = await fromPod(loop(30, 'http://web/'));
    assert.deepEqual(podsOf(r), sorted(web.map((p) => p.name)));
    const want = sorted(web.map((p) => p.ip));
    await waitUntil('headless records of the new pods', async () => JSON.stringify(sorted(await dig('web-headless.default.svc.cluster.local A'))) === JSON.stringify(want), 5_000, 100);
  });

  it('switching a Service between ExternalName and ClusterIP works both ways', async () => {
    const fqdn = 'sw.default.svc.cluster.local';
    await c.apply(service('sw', { type: 'ExternalName', externalName: 'web.default.svc.cluster.local' }));
    await waitUntil('sw CNAME', async () => (await dig(`${fqdn} A`))[0] === 'web.default.svc.cluster.local.', 5_000);
    // ExternalName → ClusterIP.
    await c.k(['patch', 'svc', 'sw', '--type=merge', '-p', JSON.stringify({ spec: { type: 'ClusterIP', externalName: null, selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } })]);
    const s1 = await svcJson('sw');
    const ip = s1.spec.clusterIP as string;
    assert.match(ip ?? '', /^\d+\.\d+\.\d+\.\d+$/, JSON.stringify(s1.spec));
    await waitUntil('sw A record', async () => JSON.stringify(await dig(`${fqdn} A`)) === JSON.stringify([ip]), 5_000);
    await untilServed('sw as ClusterIP', fromPod, 'http://sw/');
    // ClusterIP → ExternalName: the cluster IP is released and no longer served.
    await c.k(['patch', 'svc', 'sw', '--type=merge', '-p', JSON.stringify({ spec: { type: 'ExternalName', externalName: 'web-headless.default.svc.cluster.local', selector: null } })]);
    const s2 = await svcJson('sw');
    assert.equal(s2.spec.type, 'ExternalName');
    assert.ok(!s2.spec.clusterIP && !s2.spec.clusterIPs?.length, `clusterIP kept: ${JSON.stringify(s2.spec)}`);
    await waitUntil('sw CNAME again', async () => (await dig(`${fqdn} A`))[0] === 'web-headless.default.svc.cluster.local.', 5_000);
    await waitUntil(`the old cluster IP ${ip} to stop answering`, async () => {
      const r = await fromPod(timed(`http://${ip}/`, 2));
      return r.stdout.trim().split(' ')[0] !== '0';
    }, 5_000, 100);
  });

  it('LoadBalancer failover: stopping the announcing node\'s agent moves the IP to the other node; traffic resumes within 5 s', async (t) => {
    // One pod pinned to each node, so a live endpoint is left whichever node stops
    // (the web Deployment's pods may all sit on one node by now).
    for (const n of ['node-1', 'node-2']) await c.apply(deployment(`lbfo-${n}`, 1, { ...standinSpec(8080), nodeSelector: { 'kubernetes.io/hostname': n } }, { app: 'lbfo', at: n }));
    const placed = await readyPods(c, 'app=lbfo', 2, 30_000);
    assert.deepEqual(placed.map((p) => p.node).sort(), ['node-1', 'node-2']);
    await c.apply(service('lb-fo', { type: 'LoadBalancer', selector: { app: 'lbfo' }, ports: [{ port: 80, targetPort: 8080 }] }));
    const ip = await lbIP('lb-fo');
    await untilServed(`LB ${ip}`, fromClient, `http://${ip}/`);
    const before = await announcerOf(ip);
    const state = JSON.parse(readFileSync(join(c.dataDir, 'cluster-state.json'), 'utf8')) as { agents: { pid: number; cmdline: string }[] };
    const agent = state.agents.find((a) => a.cmdline.includes(`--node-name ${before} `));
    assert.ok(agent, `no agent process recorded for ${before}: ${JSON.stringify(state.agents)}`);
    const stoppedAt = Date.now();
    process.kill(agent.pid, 'SIGTERM');
    const other = before === 'node-1' ? 'node-2' : 'node-1';
    // Traffic resumes when the other node answers ARP for the IP and a live pod serves it.
    const resumed = await waitUntil(`${ip} served again after ${before} stopped`, async () => {
      const r = await fromClient(`curl -s --noproxy '*' --max-time 1 http://${ip}/`);
      return replies(r.stdout)[0] ? Date.now() - stoppedAt : undefined;
    }, 15_000, 100).catch(async (e: Error) => {
      const what = await Promise.all([['get', 'pods', '-o', 'wide', '-l', 'app=lbfo'], ['get', 'endpointslices', '-l', 'kubernetes.io/service-name=lb-fo', '-o', 'yaml'], ['get', 'nodes']].map((a) => c.k(a).catch((x: Error) => x.message)));
      throw new Error(`${e.message}; announced by ${await announcerOf(ip).catch(() => '?')}\n${what.join('\n')}`);
    });
    const after = await announcerOf(ip);
    t.diagnostic(`${ip}: announced by ${before}; after its agent stopped, by ${after}; traffic resumed after ${resumed} ms`);
    assert.equal(after, other, `the IP should move to ${other}`);
    assert.ok(resumed < 5000, `traffic resumed only after ${resumed} ms`);
  });

  it('Ctrl-C (SIGINT) removes everything of the cluster', async () => {
    const seen = await c.snapshot();
    assert.ok(seen.netns >= 3 && seen.processes >= 3, JSON.stringify(seen));
    const code = await c.interrupt(60_000);
    assert.equal(code, 0, c.output().stderr.slice(-2000));
    assert.deepEqual(await c.leftovers(), [], c.exitReport());
  });
});
