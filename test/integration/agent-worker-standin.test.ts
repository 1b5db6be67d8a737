// A stand-in container through a pod worker against a real API server, with
// the node's network, processes and stand-in host faked: its process is the
// holder, its ports are served from the pod's namespace for as long as that
// process lives, and a host that dies restarts the containers it served. Also
// the pod's files: resolv.conf and hosts at a stand-in pod's first exec, and
// two logs per container across restarts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Backoff } from '../../src/agent/pod/backoff.js';
import { FakeNetNS } from '../../src/agent/net/fake-netns.js';
import { STANDIN_HOLDER } from '../../src/agent/pod/command.js';
import { fakeNode } from '../support/worker-deps.js';

const node = fakeNode('kubesvc-standin-');

async function until<T>(what: string, f: () => T | undefined | false): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const v = f();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const spec = { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 8080 }, { containerPort: 53, protocol: 'UDP' }] }] };

test('the holder runs in the pod; the ports are served from its namespace, with a log line, until the process ends; a restart serves them again', async () => {
  const netns = new FakeNetNS();
  const { worker, runner, standins } = await node.worker(netns, spec, { name: 'standin-life' });
  await worker.start();
  const [firstKey, first] = await until('the first serve and its holder', () => standins.serving.size === 1 && runner.processes.length === 1 && [...standins.serving][0]);
  const argv = runner.processes[0].spec.argv;
  assert.deepEqual(argv.slice(-STANDIN_HOLDER.length).map((a) => a.split('/').pop()), STANDIN_HOLDER);
  assert.match(argv.at(-STANDIN_HOLDER.length)!, /^\//, 'the holder by absolute path, whatever the container\'s PATH');
  assert.equal(runner.processes[0].spec.pod?.netns, worker.netnsName, 'the holder runs in the pod netns');
  assert.equal(first.req.nsPath, `/run/netns/${worker.netnsName}`);
  assert.deepEqual(first.req.id, { pod: 'standin-life', namespace: 'default', node: 'n1', podIP: worker.podIP });
  assert.deepEqual(first.req.ports, [{ port: 8080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }]);
  const log = worker.containers[0].logFile(false)!;
  await until('the log line', () => readFileSync(log, 'utf8').includes('stand-in for pod standin-life listening on 8080/TCP, 53/UDP'));

  runner.processes[0].handle.kill('SIGKILL');
  await until('the restart to be served', () => runner.processes.length === 2 && standins.serving.size === 1 && !standins.serving.has(firstKey));
  assert.deepEqual(standins.log, ['serve standin-life 8080/TCP,53/UDP', 'close', 'serve standin-life 8080/TCP,53/UDP']);
  assert.equal(worker.containers[0].rt.restartCount, 1);

  await worker.terminate(1000, 'gone');
  assert.equal(standins.serving.size, 0, 'nothing served once the pod is gone');
  assert.deepEqual(runner.processes.map((p) => p.alive), [false, false]);
});

test('the stand-in host dies: the holder is killed, so the container restarts and is served again', async () => {
  const { worker, runner, standins } = await node.worker(new FakeNetNS(), spec, { name: 'standin-lost' });
  await worker.start();
  await until('the first serve and its holder', () => standins.serving.size === 1 && runner.processes.length === 1);
  standins.die();
  await until('a second holder served', () => runner.processes.length === 2 && standins.serving.size === 1);
  assert.deepEqual(runner.processes[0].signals, ['SIGKILL']);
  assert.equal((worker.containers[0].rt.lastState as any).terminated?.exitCode, 137);
  await worker.terminate(1000, 'gone');
});

test('a port the host cannot open fails the container before any process starts, with the reason in its log', async () => {
  const { worker, runner, standins } = await node.worker(new FakeNetNS(), { ...spec, restartPolicy: 'Never' }, { name: 'standin-busy' });
  standins.fail = 'listen tcp 0.0.0.0:8080: bind: EADDRINUSE';
  await worker.start();
  assert.equal(standins.warmed, 1, 'the host is started while the sandbox is made');
  const rt = await until('the container to end', () => 'terminated' in worker.containers[0].rt.state && worker.containers[0].rt);
  assert.equal(runner.processes.length, 0, 'no holder without its ports');
  assert.equal((rt.state as any).terminated.exitCode, 1);
  assert.equal((rt.state as any).terminated.reason, 'Error');
  assert.match(readFileSync(worker.containers[0].logFile(false)!, 'utf8'), /stderr F stand-in: listen tcp 0\.0\.0\.0:8080: bind: EADDRINUSE/);
  await worker.terminate(1000, 'gone');
});

test('a stand-in is served before its process starts: Running and Ready come with its ports', async () => {
  const { worker, runner, standins } = await node.worker(new FakeNetNS(), spec, { name: 'standin-order' });
  let release!: () => void;
  const serve = standins.serve.bind(standins);
  standins.serve = async (k, r, l) => { await new Promise<void>((go) => (release = go)); return serve(k, r, l); };
  await worker.start();
  await until('the serve request', () => !!release);
  assert.equal(runner.processes.length, 0, 'no process before the ports listen');
  assert.ok('waiting' in worker.containers[0].rt.state && !worker.containers[0].rt.ready);
  release();
  await until('the holder', () => runner.processes.length === 1 && worker.containers[0].rt.ready);
  await worker.terminate(1000, 'gone');
  assert.equal(standins.serving.size, 0);
});

test('the host dies between serving and the process start: the container fails once and is served again', async () => {
  const { worker, runner, standins } = await node.worker(new FakeNetNS(), spec, { name: 'standin-race' });
  const serve = standins.serve.bind(standins);
  let calls = 0;
  standins.serve = async (k, r, l) => {
    const p = serve(k, r, l);
    if (++calls === 1) standins.die(); // after the host said serving, before the holder runs
    return p;
  };
  await worker.start();
  const rt = await until('a served holder after the failure', () => runner.processes.length === 1 && standins.serving.size === 1 && worker.containers[0].rt);
  assert.equal(calls, 2);
  assert.equal((rt.lastState as any).terminated?.exitCode, 1, JSON.stringify(rt.lastState));
  assert.match(readFileSync(worker.containers[0].logFile(true)!, 'utf8'), /stand-in: the stand-in host exited before the container started/);
  await worker.terminate(1000, 'gone');
});

test('a stand-in pod writes its status once, Running, after its ports opened: no Pending write while they open', async () => {
  const { worker, standins } = await node.worker(new FakeNetNS(), spec, { name: 'standin-once' });
  const statuses: any[] = [];
  const client = node.client();
  const list = await client.get('/api/v1/namespaces/default/pods?fieldSelector=metadata.name%3Dstandin-once');
  const w = client.watch(`/api/v1/namespaces/default/pods?watch=true&fieldSelector=metadata.name%3Dstandin-once&resourceVersion=${list.metadata.resourceVersion}`, (e) => {
    if (e.type === 'MODIFIED' && e.object.status?.containerStatuses) statuses.push(e.object.status);
  }, () => {});
  try {
    await worker.start();
    await until('the pod Running', () => statuses.some((s) => s.phase === 'Running'));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(standins.serving.size, 1);
    assert.deepEqual(statuses.map((s) => s.phase), ['Running'], JSON.stringify(statuses.map((s) => s.containerStatuses[0].state)));
  } finally {
    w.close();
    await worker.terminate(1000, 'gone');
  }
});

test('a stand-in pod\'s resolv.conf and hosts are made at its first exec; a command pod has them before its process starts', async () => {
  const web = await node.worker(new FakeNetNS(), spec, { name: 'standin-etc' });
  await web.worker.start();
  await until('the holder', () => web.runner.processes.length === 1);
  const dir = join(web.etcNetns, web.worker.netnsName);
  assert.equal(existsSync(dir), false, 'nothing written for a holder that reads no file');
  const target = web.worker.containers[0].execTarget();
  assert.equal(target?.pod.podEtc, false);
  assert.match(readFileSync(join(dir, 'resolv.conf'), 'utf8'), /^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local\nnameserver 10\.96\.0\.10\noptions ndots:5\n$/);
  assert.match(readFileSync(join(dir, 'hosts'), 'utf8'), new RegExp(`^${web.worker.podIP!.replace(/\./g, '\\.')}\tstandin-etc$`, 'm'));
  await web.worker.terminate(1000, 'gone');
  assert.equal(existsSync(dir), false, 'removed with the pod');

  const cmd = await node.worker(new FakeNetNS(), { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '1000'] }] }, { name: 'command-etc' });
  await cmd.worker.start();
  await until('its process', () => cmd.runner.processes.length === 1);
  assert.match(readFileSync(join(cmd.etcNetns, cmd.worker.netnsName, 'resolv.conf'), 'utf8'), /nameserver 10\.96\.0\.10/);
  await cmd.worker.terminate(1000, 'gone');
});

test('restarts keep two logs per container, this start\'s and the one before (--previous), as the kubelet does', async () => {
  const { worker, runner } = await node.worker(new FakeNetNS(), { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'exit 1'] }] }, { name: 'crashy', backoff: new Backoff(1, 2) });
  await worker.start();
  for (let n = 1; n <= 4; n++) {
    await until(`start ${n}`, () => runner.processes.length === n && runner.processes[n - 1].alive);
    runner.processes[n - 1].handle.kill('SIGKILL');
  }
  await until('the fifth start', () => runner.processes.length === 5);
  const c = worker.containers[0];
  assert.equal(c.rt.restartCount, 4);
  const dir = dirname(c.logFile(false)!);
  const mine = (): string[] => readdirSync(dir).filter((f) => f.includes(worker.uid)).sort();
  assert.deepEqual(mine(), [`default_crashy_${worker.uid}_c.3.log`, `default_crashy_${worker.uid}_c.4.log`]);
  assert.equal(c.logFile(true), join(dir, `default_crashy_${worker.uid}_c.3.log`));
  await worker.terminate(1000, 'gone');
  assert.deepEqual(mine(), [], 'the pod\'s logs go with it');
});
