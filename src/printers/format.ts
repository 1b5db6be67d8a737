// Cell formatting helpers common to several upstream printers.

/** labels.FormatLabels: "k=v,k2=v2" sorted by key, "<none>" when empty. */
export function formatLabels(m: Record<string, string> | undefined | null): string {
  const keys = Object.keys(m ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${m![k]}`).join(',') : '<none>';
}

interface ContainerLike {
  name?: string;
  image?: string;
}

/** layoutContainerCells: comma-joined names and images. */
export function containerCells(containers: ContainerLike[] | undefined): [string, string] {
  const cs = containers ?? [];
  return [cs.map((c) => c.name ?? '').join(','), cs.map((c) => c.image ?? '').join(',')];
}

/** listWithMoreString: first `max` items, then "+ N more...", "<unset>" when empty. */
export function listWithMore(list: string[], count: number, max: number): string {
  const ret = list.slice(0, max).join(',');
  if (count > max) return `${ret} + ${count - max} more...`;
  return ret === '' ? '<unset>' : ret;
}

/** net.JoinHostPort: brackets IPv6 literals. */
export const joinHostPort = (host: string, port: number | string): string =>
  host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
