// kubectl get events: LAST SEEN TYPE REASON OBJECT MESSAGE (+ wide SUBOBJECT SOURCE FIRST SEEN COUNT NAME).

import type { KubeObject } from '../api/object.js';
import type { TablePrinter } from '../apiserver/table-types.js';
import { col } from './columns.js';
import { since } from './duration.js';

 
const field = (o: KubeObject, k: string): any => o[k];

// Source component/host, falling back to the newer reporting fields.
function eventSource(ev: KubeObject): string {
  const src = field(ev, 'source') ?? {};
  const component: string = src.component || field(ev, 'reportingComponent') || '';
  const host: string = src.host || field(ev, 'reportingInstance') || '';
  return host ? `${component}, ${host}` : component;
}

export const eventPrinter: TablePrinter = {
  columns: [
    col('Last Seen', 'string', 'Time since the event was last observed.'),
    col('Type', 'string', 'Normal or Warning.'),
    col('Reason', 'string', 'Short machine-readable reason for the event.'),
    col('Object', 'string', 'The object this event is about, as kind/name.'),
    col('Subobject', 'string', 'Field path inside the object, e.g. a container.', 1),
    col('Source', 'string', 'Component (and host) that reported the event.', 1),
    col('Message', 'string', 'Human-readable description.'),
    col('First Seen', 'string', 'Time since the event was first observed.', 1),
    col('Count', 'string', 'Number of times this event occurred.', 1),
    { name: 'Name', type: 'string', format: 'name', priority: 1, description: 'Name of the event object.' },
  ],
  cells(ev, now) {
    const first = field(ev, 'firstTimestamp') ? since(field(ev, 'firstTimestamp'), now) : since(field(ev, 'eventTime'), now);
    let last = field(ev, 'lastTimestamp') ? since(field(ev, 'lastTimestamp'), now) : first;
    let count: number = field(ev, 'count') ?? 0;
    const series = field(ev, 'series');
    if (series) {
      last = since(series.lastObservedTime, now);
      count = series.count ?? 0;
    } else if (count === 0) {
      count = 1; // singleton events from events.k8s.io carry no count
    }
    const io = field(ev, 'involvedObject') ?? {};
    const kind = String(io.kind ?? '').toLowerCase();
    const target = io.name ? `${kind}/${io.name}` : kind;
    return [
      last, field(ev, 'type') ?? '', field(ev, 'reason') ?? '', target, io.fieldPath ?? '', eventSource(ev),
      String(field(ev, 'message') ?? '').trim(), first, count, ev.metadata.name ?? '',
    ];
  },
};
