// The ratio of two alternating measurements and how well it is known. On a
// shared VM one run can move by ±30 %, far more than a 3 % target; the runs of
// a pair share their moment, so the ratio within each pair carries the signal,
// and its spread over the pairs says how many pairs a given precision needs.
// Ratios multiply, so they are averaged as logarithms (a geometric mean) and the
// interval is Student's t on the log ratios, turned back into ratios.

export interface PairedRatio { n: number; geoMean: number; low: number; high: number }

/** Two-sided 95 % quantile of Student's t with df degrees of freedom (Cornish–Fisher expansion about the normal: within 1 % of the table from df 5, 0.2 % from df 10). */
export function t95(df: number): number {
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2);
}

/** The geometric mean of a[i]/b[i] with its 95 % confidence interval; needs at least two pairs. */
export function pairedRatio(a: number[], b: number[]): PairedRatio {
  if (a.length !== b.length || a.length < 2) throw new Error('pairedRatio needs two equally long lists of at least two samples');
  const logs = a.map((x, i) => Math.log(x / b[i]));
  const n = logs.length;
  const mean = logs.reduce((s, x) => s + x, 0) / n;
  const sd = Math.sqrt(logs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  const half = t95(n - 1) * sd / Math.sqrt(n);
  return { n, geoMean: Math.exp(mean), low: Math.exp(mean - half), high: Math.exp(mean + half) };
}
