// kubectl for the integration suite: foreground runs (like kubectl.ts) and
// background processes (get -w, delete --wait) sharing one private --cache-dir,
// plus temp files for manifests and scripted editors.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KUBECTL, type KubectlResult } from './kubectl.js';

export interface RunOptions {
  input?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface BackgroundKubectl {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves with stdout once it matches re; rejects after timeoutMs or if kubectl exits first. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit result; kills the process after timeoutMs. */
  exited(timeoutMs?: number): Promise<KubectlResult>;
  stop(): Promise<void>;
}

export interface KubectlSession {
  run(args: string[], opts?: RunOptions): Promise<KubectlResult>;
  /** Runs and asserts exit code 0; returns stdout. */
  ok(args: string[], opts?: RunOptions): Promise<string>;
  /** Runs and asserts a non-zero exit code; returns stdout + stderr. */
  fails(args: string[], opts?: RunOptions): Promise<KubectlResult>;
  background(args: string[], opts?: { env?: Record<string, string> }): BackgroundKubectl;
  /** Writes a file into the session's temp dir and returns its path. */
  file(name: string, content: string, mode?: number): string;
  dir: string;
  close(): Promise<void>;
}

export function kubectlSession(kubeconfig: string): KubectlSession {
  const dir = mkdtempSync(join(tmpdir(), 'kubesvc-kubectl-'));
  const cacheDir = join(dir, 'cache');
  const bg = new Set<BackgroundKubectl>();
  const argv = (args: string[]): string[] => [`--kubeconfig=${kubeconfig}`, `--cache-dir=${cacheDir}`, ...args];
  const envOf = (extra?: Record<string, string>): NodeJS.ProcessEnv => ({ ...process.env, KUBECONFIG: kubeconfig, ...extra });

  const run = (args: string[], opts: RunOptions = {}): Promise<KubectlResult> =>
    new Promise((resolve, reject) => {
      const child = spawn(KUBECTL, argv(args), { env: envOf(opts.env), stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '', stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
      child.stdin.end(opts.input ?? '');
    });

  const show = (args: string[], r: KubectlResult): string =>
    `kubectl ${args.join(' ')}\n  exit ${r.code}\n  stdout: ${r.stdout}\n  stderr: ${r.stderr}`;

  return {
    dir,
    run,
    async ok(args, opts) {
      const r = await run(args, opts);
      if (r.code !== 0) throw new Error(`expected success: ${show(args, r)}`);
      return r.stdout;
    },
    async fails(args, opts) {
      const r = await run(args, opts);
      if (r.code === 0) throw new Error(`expected failure: ${show(args, r)}`);
      return r;
    },
    background(args, opts = {}) {
      const child = spawn(KUBECTL, argv(args), { env: envOf(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '', stderr = '';
      let exitCode: number | null = null;
      const listeners = new Set<() => void>();
      const notify = (): void => { for (const l of [...listeners]) l(); };
      child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); notify(); });
      child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); notify(); });
      const closed = new Promise<KubectlResult>((resolve) => {
        child.on('close', (code, signal) => {
          exitCode = code ?? (signal ? 128 : -1);
          notify();
          resolve({ code: exitCode, stdout, stderr });
        });
      });
      const handle: BackgroundKubectl = {
        child,
        get stdout() { return stdout; },
        get stderr() { return stderr; },
        waitFor(re, timeoutMs = 10_000) {
          return new Promise((resolve, reject) => {
            const check = (): void => {
              if (re.test(stdout)) { done(); resolve(stdout); return; }
              if (exitCode !== null) { done(); reject(new Error(`kubectl ${args.join(' ')} exited (${exitCode}) before printing ${re}\nstdout: ${stdout}\nstderr: ${stderr}`)); }
            };
            const timer = setTimeout(() => { done(); reject(new Error(`kubectl ${args.join(' ')}: ${re} not printed within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`)); }, timeoutMs);
            const done = (): void => { clearTimeout(timer); listeners.delete(check); };
            listeners.add(check);
            check();
          });
        },
        async exited(timeoutMs = 30_000) {
          const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
          const r = await closed;
          clearTimeout(timer);
          return r;
        },
        async stop() {
          if (exitCode === null) child.kill('SIGKILL');
          await closed;
          bg.delete(handle);
        },
      };
      bg.add(handle);
      return handle;
    },
    file(name, content, mode = 0o644) {
      const p = join(dir, name);
      writeFileSync(p, content);
      chmodSync(p, mode);
      return p;
    },
    async close() {
      for (const b of [...bg]) await b.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls fn until it returns a truthy value; returns it, or throws the last failure after timeoutMs. */
export async function eventually<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms${last ? `: ${last instanceof Error ? last.message : String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
