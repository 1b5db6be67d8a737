// kubectl get configmaps / secrets: DATA counts the keys (binaryData's too), TYPE is the secret's type.
// DATA is declared a string column with integer cells, as Kubernetes' printers have it.

import type { TablePrinter } from '../apiserver/table-types.js';
import { ageColumn, col, nameColumn } from './columns.js';
import { since } from './duration.js';

const keys = (m: unknown): number => (m && typeof m === 'object' ? Object.keys(m).length : 0);

export const configMapPrinter: TablePrinter = {
  columns: [nameColumn, col('Data', 'string', 'Number of keys in data and binaryData.'), ageColumn],
  cells: (cm, now) => [cm.metadata.name ?? '', keys(cm.data) + keys(cm.binaryData), since(cm.metadata.creationTimestamp, now)],
};

export const secretPrinter: TablePrinter = {
  columns: [nameColumn, col('Type', 'string', 'What the secret holds (spec of its keys).'), col('Data', 'string', 'Number of keys in data.'), ageColumn],
  cells: (s, now) => [s.metadata.name ?? '', (s as { type?: string }).type ?? '', keys(s.data), since(s.metadata.creationTimestamp, now)],
};
