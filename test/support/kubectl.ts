// Runs the real kubectl against a test server, with a private discovery cache.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

const cacheDirs = new Set<string>();
process.once('exit', () => { for (const d of cacheDirs) rmSync(d, { recursive: true, force: true }); });

export const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';

export function kubectlRunner(kubeconfig: string) {
  const cacheDir = mkdtempSync(join(tmpdir(), 'kubesvc-kubectl-cache-'));
  cacheDirs.add(cacheDir);
  return (args: string[], opts: { input?: string; env?: Record<string, string>; timeoutMs?: number; onStdout?: (chunk: string) => void } = {}): Promise<KubectlResult> =>
    new Promise((resolve, reject) => {
      const child = spawn(KUBECTL, [`--kubeconfig=${kubeconfig}`, `--cache-dir=${cacheDir}`, ...args], {
        env: { ...process.env, KUBECONFIG: kubeconfig, ...opts.env },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '', stderr = '';
      child.stdout.on('data', (d) => { stdout += d; opts.onStdout?.(String(d)); });
      child.stderr.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
      child.stdin.end(opts.input ?? '');
    });
}
