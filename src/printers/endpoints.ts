// kubectl get endpoints: up to three ip:port pairs, then "+ N more...".

import type { TablePrinter } from '../apiserver/table-types.js';
import { ageColumn, col, nameColumn } from './columns.js';
import { since } from './duration.js';
import { joinHostPort } from './format.js';

interface Subset {
  addresses?: { ip: string }[];
  ports?: { port: number; name?: string }[];
}

const MAX = 3;

/** formatEndpoints with all ports: ready addresses only; headless subsets list bare IPs. */
export function formatEndpoints(subsets: Subset[] | undefined): string {
  if (!subsets || subsets.length === 0) return '<none>';
  const list: string[] = [];
  let count = 0;
  for (const ss of subsets) {
    const addrs = ss.addresses ?? [];
    const ports = ss.ports ?? [];
    if (ports.length === 0) {
      count += addrs.length;
      for (const a of addrs) if (list.length < MAX) list.push(a.ip);
      continue;
    }
    for (const p of ports) {
      count += addrs.length;
      for (const a of addrs) if (list.length < MAX) list.push(joinHostPort(a.ip, p.port));
    }
  }
  const ret = list.join(',');
  return count > MAX ? `${ret} + ${count - MAX} more...` : ret;
}

export const endpointsPrinter: TablePrinter = {
  columns: [nameColumn, col('Endpoints', 'string', 'Ready addresses with their ports.'), ageColumn],
  cells: (ep, now) => [ep.metadata.name ?? '', formatEndpoints(ep.subsets as Subset[] | undefined), since(ep.metadata.creationTimestamp, now)],
};
