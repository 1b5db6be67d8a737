/** RFC 3339 with second precision, as Kubernetes serialises metav1.Time. */
export const rfc3339 = (d: Date = new Date()): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** metav1.MicroTime (events' eventTime, leases). */
export const rfc3339Micro = (d: Date = new Date()): string => d.toISOString().replace(/Z$/, '000Z');
