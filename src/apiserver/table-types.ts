// Server-side Table output (meta.k8s.io/v1 Table), the columns kubectl get prints.

import type { KubeObject } from '../api/object.js';

export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  /** 0 = always shown; 1 = only with -o wide. */
  priority: number;
}

export interface TablePrinter {
  columns: TableColumn[];
  /** One row's cells, in column order. `now` makes AGE deterministic in tests. */
  cells(obj: KubeObject, now: Date): unknown[];
}
