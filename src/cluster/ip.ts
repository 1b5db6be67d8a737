// The only code that runs `ip` and `nft`: an interface, the exec implementation,
// and a fake that models netns, links, addresses and routes (see fake-ip.ts).
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';

export interface IpCommand {
  /** Runs `ip <args>`; resolves with stdout, rejects with a CommandError carrying stderr. */
  run(args: string[]): Promise<string>;
}

export interface NftCommand {
  run(args: string[]): Promise<string>;
}

export class CommandError extends Error {
  constructor(readonly command: string, readonly args: string[], readonly stderr: string, readonly exitCode: number | null) {
    super(`${command} ${args.join(' ')}: ${stderr.trim() || `exit code ${exitCode}`}`);
    this.name = 'CommandError';
  }
}

/**
 * `File exists` / `Cannot find device` style answers, for idempotent callers. `No such device` is the
 * kernel's answer when a link vanished between ip's name lookup and the delete: a node namespace's
 * removal takes its veth peer on the host with it, asynchronously.
 */
export const isExists = (e: unknown): boolean => e instanceof CommandError && /File exists|already exists/i.test(e.stderr);
export const isMissing = (e: unknown): boolean =>
  e instanceof CommandError && /Cannot find device|No such device|No such file|does not exist|Cannot remove namespace file|not found|No such process/i.test(e.stderr);

const SEARCH = ['/usr/sbin', '/sbin', '/usr/bin', '/bin', '/usr/local/sbin', '/usr/local/bin'];

/** Absolute path of a program on PATH (or the usual sbin dirs), or undefined. */
export function findProgram(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':').filter(Boolean), ...SEARCH];
  for (const d of dirs) {
    const p = join(d, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch { /* next */ }
  }
  return undefined;
}

function execRun(bin: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new CommandError(bin, args, String(stderr), typeof err.code === 'number' ? err.code : null));
      else resolve(String(stdout));
    });
  });
}

export class ExecIpCommand implements IpCommand {
  constructor(private readonly bin = findProgram('ip') ?? 'ip') {}
  run(args: string[]): Promise<string> { return execRun(this.bin, args); }
}

export class ExecNftCommand implements NftCommand {
  constructor(private readonly bin = findProgram('nft') ?? 'nft') {}
  run(args: string[]): Promise<string> { return execRun(this.bin, args); }
}
