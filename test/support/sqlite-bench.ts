// Hand-run micro-benchmark (not a test): latency of SqliteBackend writes on a
// file in a temp dir. Usage: npx tsx test/support/sqlite-bench.ts [count]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteBackend } from '../../src/storage/sqlite/sqlite-backend.js';

const count = Number(process.argv[2] ?? 20_000);
const dir = mkdtempSync(join(tmpdir(), 'kubesvc-bench-'));
const pct = (xs: number[], p: number): string => xs[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))].toFixed(3);
const report = (name: string, ms: number[]): void => {
  const s = [...ms].sort((a, b) => a - b);
  console.log(`${name.padEnd(8)} n=${s.length} p50=${pct(s, 50)}ms p99=${pct(s, 99)}ms p99.9=${pct(s, 99.9)}ms max=${s[s.length - 1].toFixed(3)}ms`);
};

try {
  const b = new SqliteBackend(join(dir, 'state.db'));
  await b.start();
  let watched = 0;
  const w = b.watch('/registry/', 0, () => watched++, (err) => console.error(err)); // a live watcher, as in the API server
  const value = JSON.stringify({ kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default' }, data: { k: 'v'.repeat(600) } });
  const revs: number[] = [];
  const creates: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = process.hrtime.bigint();
    revs.push(await b.create(`/registry/configmaps/default/cm-${i}`, value));
    creates.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const updates: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = process.hrtime.bigint();
    await b.update(`/registry/configmaps/default/cm-${i}`, value, revs[i]);
    updates.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  let t = process.hrtime.bigint();
  const list = await b.list('/registry/configmaps/');
  const listMs = Number(process.hrtime.bigint() - t) / 1e6;
  t = process.hrtime.bigint();
  await b.compact(await b.currentRevision());
  const compactMs = Number(process.hrtime.bigint() - t) / 1e6;
  report('create', creates);
  if (process.env.SLOW) console.log('slow creates >5ms at', creates.flatMap((ms, i) => (ms > 5 ? [`#${i}:${ms.toFixed(1)}`] : [])).join(' '));
  report('update', updates);
  console.log(`list of ${list.items.length}: ${listMs.toFixed(1)}ms; compact: ${compactMs.toFixed(1)}ms; watcher saw ${watched}`);
  w.close();
  await b.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
