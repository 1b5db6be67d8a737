// How to run kubesvc itself as a child (agents, DNS pods): the built bin, or,
// when running from TypeScript sources (tests under tsx), the sources via tsx.
// KUBESVC_SELF_COMMAND (a JSON array) overrides both.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository (package) root: the nearest directory above this file with a package.json. */
export function repoRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json'))) {
    const up = dirname(d);
    if (up === d) throw new Error('kubesvc: cannot find the package root');
    d = up;
  }
  return d;
}

export function selfCommand(): string[] {
  const env = process.env.KUBESVC_SELF_COMMAND;
  if (env) {
    const v = JSON.parse(env) as unknown;
    if (!Array.isArray(v) || !v.length || !v.every((x) => typeof x === 'string')) throw new Error('KUBESVC_SELF_COMMAND must be a JSON array of strings');
    return v as string[];
  }
  return cliCommand();
}

/** The kubesvc command as a user runs it (the bundled bin), or its sources under tsx; no override. */
export function cliCommand(): string[] {
  const root = repoRoot();
  if (import.meta.url.endsWith('.ts')) {
    return [process.execPath, '--import', import.meta.resolve('tsx'), join(root, 'test', 'support', 'run-cli.ts')];
  }
  return [process.execPath, join(root, 'bin', 'kubesvc.js')];
}
