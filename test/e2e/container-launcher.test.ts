// Container launchers with real processes: the shim the agent uses and the
// in-process one must start a process with its output in the CRI log file,
// report its pid and exit, and deliver signals. If the shim dies, its
// containers are killed and reported as exited, and the next launch starts a
// new shim.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ShimLauncher } from '../../src/agent/runtime/shim.js';
import { InProcessLauncher, type ContainerLauncher } from '../../src/agent/runtime/launcher.js';
import { RealProcessRunner } from '../../src/agent/runtime/process.js';
import { parseLogLine } from '../../src/agent/runtime/logfmt.js';

const dir = mkdtempSync(join(tmpdir(), 'kubesvc-launcher-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Running, not a zombie waiting for a reaper it no longer has. */
const alive = (pid: number): boolean => {
  try { return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; }
};
const env = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' };

for (const [name, make] of [['shim', () => new ShimLauncher()], ['in-process', () => new InProcessLauncher(new RealProcessRunner())]] as const) {
  describe(`${name} launcher`, () => {
    const launcher: ContainerLauncher = make();
    after(() => launcher.close());

    it('runs the process, logs both streams, reports pid and exit code', async () => {
      const logPath = join(dir, name, 'app', '0.log');
      const p = launcher.launch({ argv: ['/bin/sh', '-c', 'echo out; echo err >&2; exit 3'], env, logPath, nice: 5 });
      const pid = await p.started;
      assert.ok(pid > 0);
      assert.deepEqual(await p.exited, { code: 3, signal: null });
      const lines = readFileSync(logPath, 'utf8').split('\n').map(parseLogLine).filter((l) => !!l);
      assert.deepEqual(lines.map((l) => [l!.stream, l!.text]).sort(), [['stderr', 'err'], ['stdout', 'out']]);
    });

    it('signals the process group', async () => {
      // The shell's child must get the signal too.
      const p = launcher.launch({ argv: ['/bin/sh', '-c', 'sleep 30; echo never'], env, logPath: join(dir, name, 'sleeper', '0.log') });
      const pid = await p.started;
      assert.ok(alive(pid));
      p.kill('SIGTERM');
      assert.deepEqual(await p.exited, { code: null, signal: 'SIGTERM' });
      assert.ok(!alive(pid));
    });

    it('reports a program that cannot start', async () => {
      const p = launcher.launch({ argv: ['/nonexistent/program'], env, logPath: join(dir, name, 'missing', '0.log') });
      await p.started;
      assert.equal((await p.exited).code, 127);
    });
  });
}

describe('shim failure', () => {
  it('kills and reports the containers of a dead shim; the next launch starts a new one', async () => {
    const launcher = new ShimLauncher();
    try {
      const p = launcher.launch({ argv: ['sleep', '30'], env, logPath: join(dir, 'dead', '0.log') });
      const pid = await p.started;
      const shimPid = launcher.pid!;
      process.kill(shimPid, 'SIGKILL');
      assert.deepEqual(await p.exited, { code: null, signal: 'SIGKILL' });
      for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20));
      assert.ok(!alive(pid), 'the container of the dead shim is killed');
      const q = launcher.launch({ argv: ['true'], env, logPath: join(dir, 'dead', '1.log') });
      assert.ok((await q.started) > 0);
      assert.equal((await q.exited).code, 0);
      assert.notEqual(launcher.pid, shimPid);
    } finally {
      launcher.close();
    }
  });

  it('the shim exits when the agent lets it go, and ignores Ctrl-C meant for the agent', async () => {
    const launcher = new ShimLauncher();
    const p = launcher.launch({ argv: ['true'], env, logPath: join(dir, 'close', '0.log') });
    await p.exited;
    const shimPid = launcher.pid!;
    process.kill(shimPid, 'SIGINT');
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(alive(shimPid), 'SIGINT does not end the shim');
    launcher.close();
    for (let i = 0; i < 100 && alive(shimPid); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(!alive(shimPid));
  });
});
