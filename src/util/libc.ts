// A few libc calls Node.js does not offer (setns, posix_spawn), through koffi.
// Loaded on first use (the agent's process runner checks at its start), so a
// platform without koffi's prebuilt binary gets a clear message where it matters.
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { getSystemErrorMap } from 'node:util';

type Fn = (...args: any[]) => any;
interface Koffi { load(name: string): { func(decl: string): Fn }; errno(): number }

let koffi: Koffi | undefined;
let lib: { func(decl: string): Fn } | undefined;
const fns = new Map<string, Fn>();

function load(): { func(decl: string): Fn } {
  if (lib) return lib;
  try {
    koffi = createRequire(import.meta.url)('koffi') as Koffi;
  } catch (e) {
    throw new Error(`kubesvc needs the koffi package for this (npm install): ${(e as Error).message.split('\n')[0]}`);
  }
  lib = koffi.load('libc.so.6');
  return lib;
}

/** A libc function from its C declaration, e.g. 'int setns(int fd, int nstype)'. */
export function libc(decl: string): Fn {
  let f = fns.get(decl);
  if (!f) fns.set(decl, (f = load().func(decl)));
  return f;
}

/**
 * A set of libc functions from their declarations, each bound at its first call;
 * available() tells whether this libc has every one (koffi installed, symbols present).
 */
export function libcFunctions<K extends string>(decls: Record<K, string>): { fn: Record<K, (...args: any[]) => number>; available(): boolean } {
  const fn = Object.fromEntries(Object.entries<string>(decls).map(([k, d]) => [k, (...args: unknown[]) => libc(d)(...args)])) as Record<K, (...args: any[]) => number>;
  const available = (): boolean => {
    try {
      for (const d of Object.values<string>(decls)) libc(d);
      return true;
    } catch {
      return false;
    }
  };
  return { fn, available };
}

const names = new Map(Object.entries(constants.errno).map(([k, v]) => [v, k]));
/** errno's name (EADDRINUSE), of the last call or of a returned error number. */
export const errnoName = (n: number = koffi?.errno() ?? 0): string => names.get(n) ?? `errno ${n}`;

/** errno of the last call. */
export const lastErrno = (): number => koffi?.errno() ?? 0;

/** strerror's text ("connection refused"), as Go prints a syscall error; libuv's negative codes too. */
export const errnoMessage = (n: number): string => getSystemErrorMap().get(-Math.abs(n))?.[1] ?? errnoName(Math.abs(n));
