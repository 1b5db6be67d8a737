/** RFC 3339 with second precision, as Kubernetes serialises metav1.Time. */
export const rfc3339 = (d: Date = new Date()): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** metav1.MicroTime (events' eventTime, leases). */
export const rfc3339Micro = (d: Date = new Date()): string => d.toISOString().replace(/Z$/, '000Z');

/** A Go duration flag value ("50s", "1m30s", "500ms", "2h"); throws on anything else. */
export function parseGoDuration(s: string, flag: string): number {
  const unit: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  if (s === '0') return 0;
  const parts = [...s.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== s) throw new Error(`invalid argument "${s}" for "--${flag}" flag: time: invalid duration "${s}"`);
  return parts.reduce((ms, p) => ms + Number(p[1]) * unit[p[2]], 0);
}

/** An optional duration flag: undefined when not given. */
export const durationFlag = (s: string | undefined, flag: string): number | undefined => (s === undefined ? undefined : parseGoDuration(s, flag));
