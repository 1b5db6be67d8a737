// execvp's search of PATH, done by the caller (for a PATH other than its own).
import { accessSync, constants, statSync } from 'node:fs';

/** The first regular executable file named file on path, or undefined; a file with a slash is taken as given. */
export function which(file: string, path: string | undefined): string | undefined {
  if (file.includes('/')) return file;
  for (const dir of (path ?? '/usr/local/bin:/usr/bin:/bin').split(':')) {
    const p = `${dir || '.'}/${file}`;
    try {
      if (!statSync(p).isFile()) continue;
      accessSync(p, constants.X_OK);
      return p;
    } catch { /* next */ }
  }
  return undefined;
}
