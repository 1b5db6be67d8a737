// kubectl get endpointslices: ADDRESSTYPE, PORTS, ENDPOINTS (three each, then "+ N more...").

import type { TablePrinter } from '../apiserver/table-types.js';
import { ageColumn, col, nameColumn } from './columns.js';
import { since } from './duration.js';
import { listWithMore } from './format.js';

interface Port {
  port?: number | null;
  name?: string | null;
}

// A port without a number shows its name, or "*" for "all ports".
export const formatSlicePorts = (ports: Port[] | undefined): string => {
  const ps = ports ?? [];
  return listWithMore(ps.map((p) => (p.port != null ? String(p.port) : p.name != null ? p.name : '*')), ps.length, 3);
};

export const formatSliceEndpoints = (eps: { addresses?: string[] }[] | undefined): string => {
  const addrs = (eps ?? []).flatMap((e) => e.addresses ?? []);
  return listWithMore(addrs, addrs.length, 3);
};

export const endpointSlicePrinter: TablePrinter = {
  columns: [
    nameColumn,
    col('AddressType', 'string', 'Address family of the endpoints: IPv4, IPv6 or FQDN.'),
    col('Ports', 'string', 'Port numbers (or names) exposed by the slice.'),
    col('Endpoints', 'string', 'Endpoint addresses in the slice.'),
    ageColumn,
  ],
  cells: (s, now) => [
    s.metadata.name ?? '', String(s.addressType ?? ''), formatSlicePorts(s.ports as Port[] | undefined),
    formatSliceEndpoints(s.endpoints as { addresses?: string[] }[] | undefined), since(s.metadata.creationTimestamp, now),
  ],
};
