// kubectl get deployments: READY (ready/desired), UP-TO-DATE, AVAILABLE.

import type { TablePrinter } from '../apiserver/table-types.js';
import { fromLabelSelectorObject, labelSelectorString } from '../api/selectors/labels.js';
import { StatusError } from '../api/status.js';
import { ageColumn, col, containersColumn, imagesColumn, nameColumn } from './columns.js';
import { since } from './duration.js';
import { containerCells } from './format.js';

// Deployments print the bare selector string: "" (not "<none>") when empty.
function selectorText(sel: unknown): string {
  try {
    return labelSelectorString(fromLabelSelectorObject(sel as Parameters<typeof fromLabelSelectorObject>[0]));
  } catch (e) {
    if (e instanceof StatusError) return '<invalid>';
    throw e;
  }
}

export const deploymentPrinter: TablePrinter = {
  columns: [
    nameColumn,
    col('Ready', 'string', 'Ready replicas out of desired replicas.'),
    col('Up-to-date', 'string', 'Replicas updated to the current pod template.'),
    col('Available', 'string', 'Replicas available for at least minReadySeconds.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    col('Selector', 'string', 'Label selector for the pods of this deployment.', 1),
  ],
  cells(d, now) {
    const st = d.status ?? {};
    const [names, images] = containerCells(d.spec?.template?.spec?.containers);
    return [
      d.metadata.name ?? '', `${st.readyReplicas ?? 0}/${d.spec?.replicas ?? 1}`, st.updatedReplicas ?? 0,
      st.availableReplicas ?? 0, since(d.metadata.creationTimestamp, now), names, images, selectorText(d.spec?.selector),
    ];
  },
};
