// kubectl get replicasets: DESIRED CURRENT READY as integers.

import type { TablePrinter } from '../apiserver/table-types.js';
import { formatLabelSelector } from '../api/selectors/labels.js';
import { ageColumn, col, containersColumn, imagesColumn, nameColumn } from './columns.js';
import { since } from './duration.js';
import { containerCells } from './format.js';

export const replicaSetPrinter: TablePrinter = {
  columns: [
    nameColumn,
    col('Desired', 'integer', 'Desired number of replicas.'),
    col('Current', 'integer', 'Most recently observed number of replicas.'),
    col('Ready', 'integer', 'Number of ready replicas.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    col('Selector', 'string', 'Label selector for the pods of this replica set.', 1),
  ],
  cells(rs, now) {
    const [names, images] = containerCells(rs.spec?.template?.spec?.containers);
    return [
      rs.metadata.name ?? '', rs.spec?.replicas ?? 1, rs.status?.replicas ?? 0, rs.status?.readyReplicas ?? 0,
      since(rs.metadata.creationTimestamp, now), names, images, formatLabelSelector(rs.spec?.selector),
    ];
  },
};
