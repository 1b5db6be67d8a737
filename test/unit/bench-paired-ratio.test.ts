import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pairedRatio, t95 } from '../../bench/support/paired-ratio.js';

const near = (actual: number, expected: number, rel: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= rel * expected, `${what}: ${actual} not within ${rel * 100} % of ${expected}`);

test('t95 follows the t table (df 5, 10, 19, 59) and tends to the normal quantile', () => {
  for (const [df, table] of [[5, 2.5706], [10, 2.2281], [19, 2.0930], [59, 2.0010]] as const) near(t95(df), table, 0.01, `df ${df}`);
  near(t95(1e6), 1.95996, 1e-5, 'df 1e6');
});

test('pairedRatio: identical ratios in every pair give that ratio with no spread', () => {
  const r = pairedRatio([97, 194, 48.5], [100, 200, 50]);
  near(r.geoMean, 0.97, 1e-12, 'mean');
  near(r.low, 0.97, 1e-12, 'low');
  near(r.high, 0.97, 1e-12, 'high');
  assert.equal(r.n, 3);
});

test('pairedRatio: geometric mean of the pair ratios and a t interval on their logarithms', () => {
  // By hand: log ratios of 0.9, 1.0, 1.1, 0.95; mean → 0.98478; mean ± t95(3) × sd/√4 → 0.86401–1.12243
  // (t95(3) is the expansion's 3.0643; the table's 3.1824 would give 0.85966–1.12811).
  const r = pairedRatio([90, 100, 110, 95], [100, 100, 100, 100]);
  near(r.geoMean, 0.984781, 1e-5, 'mean');
  near(r.low, 0.864011, 1e-5, 'low');
  near(r.high, 1.122432, 1e-5, 'high');
  // Whatever the level, swapping the two sides inverts the ratio and its interval.
  const s = pairedRatio([100, 100, 100, 100], [90, 100, 110, 95]);
  near(s.geoMean, 1 / r.geoMean, 1e-12, 'inverse mean');
  near(s.low, 1 / r.high, 1e-12, 'inverse low');
});

test('pairedRatio refuses lists it cannot pair or estimate a spread from', () => {
  assert.throws(() => pairedRatio([1], [1]), /at least two/);
  assert.throws(() => pairedRatio([1, 2], [1]), /equally long/);
});
