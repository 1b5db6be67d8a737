// The processes inside a named network namespace, found the way `ip netns pids`
// finds them (each /proc/<pid>/ns/net against the nsfs inode mounted at the
// name), without spawning ip: a spawn blocks the caller's event loop for
// milliseconds, once per pod torn down.
import { readdirSync, statSync, type Stats } from 'node:fs';

export function pidsInNetns(nsPath: string): number[] {
  let target: Stats;
  try {
    target = statSync(nsPath);
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    const c = d.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    try {
      const st = statSync(`/proc/${d}/ns/net`);
      if (st.ino === target.ino && st.dev === target.dev) pids.push(Number(d));
    } catch { /* exited, or a kernel thread */ }
  }
  return pids;
}
