// `kubesvc up` end to end (root): a 2-node cluster as a child process, checked with
// the real kubectl; Ctrl-C (SIGINT) and a crash (SIGKILL of the process group) +
// `down` must leave no namespace, link, bridge, state file or process behind.
// Node readiness is asserted when this build has a node agent; without one, `up`
// warns and the rest still runs.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kubectlRunner } from '../support/kubectl.js';
import { ExecIpCommand, findProgram } from '../../src/cluster/ip.js';
import { HostNet } from '../../src/cluster/host-net.js';
import { clusterNames } from '../../src/cluster/names.js';
import { indexFile } from '../../src/cluster/state.js';
import { cliCommand } from '../../src/cluster/self.js';
import { claimTestNet } from '../support/net-claim.js';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const skip = !isRoot ? 'needs root' : !findProgram('ip') || !findProgram('nft') ? 'needs iproute2 and nftables' : false;

const here = fileURLToPath(new URL('.', import.meta.url));
const fromTs = import.meta.url.endsWith('.ts');
const repo = join(here, '..', '..', ...(fromTs ? [] : ['..']));
const [node, ...launchArgv] = cliCommand();

const rand = (n: number): number => Math.floor(Math.random() * n);

interface Run {
  name: string;
  dataDir: string;
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exited: Promise<number | null>;
}

/** Address flags unlikely to collide with another cluster on this machine. */
function flagsFor(): string[] {
  const third = claimTestNet();
  return [
    '--node-cidr', `172.30.${third}.0/24`, '--lb-pool', `172.30.${third}.200-172.30.${third}.250`,
    '--cluster-cidr', `10.${200 + rand(40)}.0.0/16`, '--api-port', String(20000 + rand(20000)),
  ];
}

function startUp(name: string, dataDir: string, extra: string[]): Run {
  const child = spawn(node, [...launchArgv, 'up', '--name', name, '--data-dir', dataDir, ...extra], { cwd: repo, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const run: Run = { name, dataDir, child, stdout: '', stderr: '', exited: new Promise((r) => child.on('exit', (code) => r(code))) };
  child.stdout!.on('data', (d) => (run.stdout += d));
  child.stderr!.on('data', (d) => (run.stderr += d));
  return run;
}

async function waitFor(run: Run, re: RegExp, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!re.test(run.stdout)) {
    if (run.child.exitCode !== null) throw new Error(`up exited (${run.child.exitCode}):\n${run.stdout}\n${run.stderr}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${re}:\n${run.stdout}\n${run.stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function runDown(name: string, dataDir: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const c = spawn(node, [...launchArgv, 'down', '--name', name, '--data-dir', dataDir], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (out += d));
    c.on('exit', (code) => resolve({ code, out }));
  });
}

/** Everything of cluster `name` still on the host. */
async function leftovers(name: string, dataDir: string): Promise<string[]> {
  const names = clusterNames(name);
  const net = new HostNet(new ExecIpCommand());
  const out: string[] = [];
  for (const ns of await net.listNetns()) if (names.ownsNetns(ns)) out.push(`netns ${ns}`);
  for (const l of await net.listLinks()) if (names.ownsLink(l.ifname)) out.push(`link ${l.ifname}`);
  try { for (const d of readdirSync('/etc/netns')) if (names.ownsNetns(d)) out.push(`/etc/netns/${d}`); } catch { /* none */ }
  if (existsSync(indexFile(name))) out.push(indexFile(name));
  if (existsSync(join(dataDir, 'cluster-state.json'))) out.push('state file');
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    if (Number(p) === process.pid) continue;
    let cmd = '';
    try { cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8'); } catch { continue; }
    if (cmd.includes(dataDir) || cmd.includes(names.netnsPrefix)) out.push(`process ${p}: ${cmd.split('\0').join(' ').slice(0, 120)}`);
  }
  return out;
}

describe('kubesvc up', { skip, timeout: 240_000 }, () => {
  const runs: Run[] = [];
  const dirs: string[] = [];

  after(async () => {
    for (const r of runs) {
      if (r.child.exitCode === null && r.child.signalCode === null) {
        try { process.kill(-r.child.pid!, 'SIGKILL'); } catch { /* gone */ }
      }
      await runDown(r.name, r.dataDir);
    }
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const newRun = (extra: string[] = [], name = `t${rand(1e8)}`, dataDir?: string): Run => {
    const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'kubesvc-up-'));
    if (!dataDir) dirs.push(dir);
    const r = startUp(name, dir, extra);
    runs.push(r);
    return r;
  };

  it('starts 2 nodes, answers kubectl, refuses a second up of the same name, and Ctrl-C removes everything', async (t) => {
    const flags = ['--nodes', '2', ...flagsFor()];
    const run = newRun(flags);
    await waitFor(run, /is up in/, 120_000);
    const kc = /export KUBECONFIG=(\S+)/.exec(run.stdout)![1];
    assert.equal(kc, join(run.dataDir, 'kubeconfig'));
    const kubectl = kubectlRunner(kc);
    const svc = await kubectl(['get', 'svc', '-n', 'kube-system', 'kube-dns', '-o', 'jsonpath={.spec.clusterIP}']);
    assert.equal(svc.code, 0, svc.stderr);
    assert.equal(svc.stdout, '10.96.0.10');
    const deploy = await kubectl(['get', 'deploy', '-n', 'kube-system', 'kube-dns', '-o', 'jsonpath={.spec.replicas}']);
    assert.equal(deploy.stdout, '2', deploy.stderr);
    if (/ 2\/2 nodes Ready/.test(run.stdout)) {
      const nodes = await kubectl(['get', 'nodes', '--no-headers']);
      assert.equal(nodes.code, 0, nodes.stderr);
      const lines = nodes.stdout.trim().split('\n');
      assert.equal(lines.length, 2, nodes.stdout);
      for (const l of lines) assert.match(l, /^node-[12]\s+Ready\b/);
    } else {
      t.diagnostic(`no node agent in this build: ${run.stderr.split('\n').filter((l) => /warning/.test(l)).join(' | ')}`);
    }
    // Node namespaces have eth0 on the node network and no default route.
    const net = new HostNet(new ExecIpCommand());
    const routes = await net.routes(clusterNames(run.name).nodeNs(1));
    assert.ok(!routes.some((r) => r.dst === 'default'), JSON.stringify(routes));

    // The same name again: a clear error, and the running cluster is untouched.
    const dup = newRun(flagsFor(), run.name);
    assert.equal(await dup.exited, 1);
    assert.match(dup.stderr, /already running/);
    assert.ok((await net.listLinks()).some((l) => l.ifname === clusterNames(run.name).bridge));

    process.kill(run.child.pid!, 'SIGINT');
    assert.equal(await run.exited, 0, run.stderr);
    assert.deepEqual(await leftovers(run.name, run.dataDir), []);
  });

  it('after kill -9 of the process tree, down removes everything and a new up starts clean', async () => {
    const flags = ['--nodes', '2', ...flagsFor()];
    const run = newRun(flags);
    await waitFor(run, /is up in/, 120_000);
    process.kill(-run.child.pid!, 'SIGKILL');
    await run.exited;
    assert.ok((await leftovers(run.name, run.dataDir)).some((l) => l.startsWith('link')), 'a crash leaves the bridge behind');
    const down = await runDown(run.name, run.dataDir);
    assert.equal(down.code, 0, down.out);
    assert.match(down.out, /removed/);
    assert.deepEqual(await leftovers(run.name, run.dataDir), []);
    const again = await runDown(run.name, run.dataDir);
    assert.equal(again.code, 0, again.out);
    assert.match(again.out, /nothing to remove/);

    const second = newRun(flags, run.name, run.dataDir);
    await waitFor(second, /is up in/, 120_000);
    assert.doesNotMatch(second.stderr, /reclaimed/);
    // Crash again and let `up` itself reclaim the leftovers this time.
    process.kill(-second.child.pid!, 'SIGKILL');
    await second.exited;
    const third = newRun(flags, run.name, run.dataDir);
    await waitFor(third, /is up in/, 120_000);
    assert.match(third.stderr, /reclaimed leftovers/);
    process.kill(third.child.pid!, 'SIGTERM');
    assert.equal(await third.exited, 0, third.stderr);
    assert.deepEqual(await leftovers(run.name, run.dataDir), []);
  });
});
