// Starts kubesvc and reference servers as child processes for benchmarks, and
// reads their resident memory.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface Child { proc: ChildProcess; url: string; stop(): Promise<void> }

export function startKubesvcServer(dataDir: string, extra: string[] = []): Promise<Child> {
  return startAndWaitFor(process.execPath, [join(repoRoot, 'bin', 'kubesvc.js'), 'server', '--data-dir', dataDir, '--listen', '127.0.0.1:0', ...extra], /ready at (https:\/\/\S+)/);
}

export function startAndWaitFor(cmd: string, args: string[], ready: RegExp, env: NodeJS.ProcessEnv = process.env): Promise<Child> {
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = ready.exec(out);
      if (m) {
        proc.stdout!.off('data', onData);
        resolve({
          proc,
          url: m[1],
          stop: () => new Promise((res) => {
            if (proc.exitCode !== null) return res();
            proc.once('exit', () => res());
            proc.kill('SIGTERM');
            setTimeout(() => proc.kill('SIGKILL'), 5000).unref();
          }),
        });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
    proc.once('exit', (code) => reject(new Error(`${cmd} exited with ${code}: ${out.slice(-2000)}`)));
  });
}

export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Proportional set size: shared pages (the node binary, libraries) split among the processes mapping them. */
export function pssMiB(pid: number): number {
  const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}
