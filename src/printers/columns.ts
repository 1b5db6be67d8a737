// Column definition helpers shared by the per-resource printers.

import type { TableColumn } from '../apiserver/table-types.js';

export const col = (name: string, type: TableColumn['type'], description: string, priority = 0): TableColumn => ({
  name, type, format: '', description, priority,
});

export const nameColumn: TableColumn = {
  name: 'Name', type: 'string', format: 'name', priority: 0,
  description: 'Name must be unique within a namespace; it identifies the object.',
};

export const ageColumn = col('Age', 'string', 'Time since the object was created (creationTimestamp).');
export const containersColumn = col('Containers', 'string', 'Names of each container in the template.', 1);
export const imagesColumn = col('Images', 'string', 'Images referenced by each container in the template.', 1);
