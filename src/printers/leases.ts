// kubectl get leases: HOLDER is spec.holderIdentity, <unknown> without one.

import type { TablePrinter } from '../apiserver/table-types.js';
import { ageColumn, col, nameColumn } from './columns.js';
import { since } from './duration.js';

export const leasePrinter: TablePrinter = {
  columns: [nameColumn, col('Holder', 'string', 'Identity of the current holder.'), ageColumn],
  cells: (l, now) => [l.metadata.name ?? '', (l.spec as { holderIdentity?: string } | undefined)?.holderIdentity ?? '<unknown>', since(l.metadata.creationTimestamp, now)],
};
