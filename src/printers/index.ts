// Server-side Table printers keyed by plural resource name, as kubectl get shows them.

import type { TablePrinter } from '../apiserver/table-types.js';
import { defaultPrinter } from './default.js';
import { deploymentPrinter } from './deployments.js';
import { endpointsPrinter } from './endpoints.js';
import { endpointSlicePrinter } from './endpointslices.js';
import { eventPrinter } from './events.js';
import { leasePrinter } from './leases.js';
import { configMapPrinter, secretPrinter } from './config.js';
import { namespacePrinter } from './namespaces.js';
import { nodePrinter } from './nodes.js';
import { podPrinter } from './pods.js';
import { replicaSetPrinter } from './replicasets.js';
import { servicePrinter } from './services.js';

// Null prototype so a lookup like printers['constructor'] misses instead of hitting Object.prototype.
export const printers: Record<string, TablePrinter> = Object.assign(Object.create(null) as Record<string, TablePrinter>, {
  namespaces: namespacePrinter,
  nodes: nodePrinter,
  pods: podPrinter,
  services: servicePrinter,
  endpoints: endpointsPrinter,
  events: eventPrinter,
  deployments: deploymentPrinter,
  replicasets: replicaSetPrinter,
  endpointslices: endpointSlicePrinter,
  leases: leasePrinter,
  configmaps: configMapPrinter,
  secrets: secretPrinter,
});

export const printerFor = (resource: string): TablePrinter =>
  printers[resource] ?? defaultPrinter;

export { defaultPrinter };
export { humanDuration } from './duration.js';
