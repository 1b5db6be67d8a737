// kubectl get namespaces: STATUS is the phase (Active / Terminating).

import type { TablePrinter } from '../apiserver/table-types.js';
import { ageColumn, col, nameColumn } from './columns.js';
import { since } from './duration.js';

export const namespacePrinter: TablePrinter = {
  columns: [nameColumn, col('Status', 'string', 'Lifecycle phase of the namespace.'), ageColumn],
  cells: (ns, now) => [ns.metadata.name ?? '', ns.status?.phase ?? '', since(ns.metadata.creationTimestamp, now)],
};
