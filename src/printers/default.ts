// NAME and AGE, for resources without a dedicated printer.

import type { TablePrinter } from '../apiserver/table-types.js';
import { ageColumn, nameColumn } from './columns.js';
import { since } from './duration.js';

export const defaultPrinter: TablePrinter = {
  columns: [nameColumn, ageColumn],
  cells: (o, now) => [o.metadata.name ?? '', since(o.metadata.creationTimestamp, now)],
};
