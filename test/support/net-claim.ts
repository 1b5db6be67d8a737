// A third octet for a test cluster's node network (172.30.X.0/24) that no other
// test process on this machine holds: test files run in parallel processes and
// each picks networks at random, and two clusters on one /24 would take each
// other's traffic. A claim is a file holding the claimer's PID, removed when
// that process exits (or taken over once that PID is gone).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

const claimed = new Set<string>();
process.once('exit', () => { for (const f of claimed) rmSync(f, { force: true }); });

const alive = (pid: number): boolean => {
  try { process.kill(pid, 0); return true; } catch { return false; }
};

export function claimTestNet(from = 100, count = 100): number {
  for (let tries = 0; tries < 4 * count; tries++) {
    const third = from + Math.floor(Math.random() * count);
    const f = `/tmp/kubesvc-test-net-${third}`;
    try {
      writeFileSync(f, String(process.pid), { flag: 'wx' });
      claimed.add(f);
      return third;
    } catch {
      let owner = NaN;
      try { owner = Number(readFileSync(f, 'utf8')); } catch { /* just removed */ }
      if (owner !== process.pid && !alive(owner)) rmSync(f, { force: true });
    }
  }
  throw new Error(`no free test network in 172.30.${from}-${from + count - 1}.0/24`);
}
