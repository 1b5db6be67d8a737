// managedFields entries with their decoded field sets. A manager is identified as
// in BuildManagerIdentifier: name, operation, subresource, and the apiVersion for
// Update entries only (appliers keep one entry across versions).

import type { ManagedFieldsEntry } from '../object.js';
import { FieldSet } from './fieldset.js';
import { cmpStr } from './pathelement.js';

/** One entry; its fieldsV1 is decoded only when a write touches it. */
export class Managed {
  private decoded: FieldSet | undefined;
  /** Set (or entry) changed: fieldsV1 must be re-encoded. */
  dirty = false;

  constructor(public entry: ManagedFieldsEntry, set?: FieldSet) {
    this.decoded = set;
  }

  get set(): FieldSet {
    return (this.decoded ??= FieldSet.fromFieldsV1(this.entry.fieldsV1));
  }

  isEmpty(): boolean {
    if (this.decoded || this.dirty) return this.set.isEmpty();
    const j = this.entry.fieldsV1;
    return !j || Object.keys(j).length === 0;
  }

  /** Cheap check on the raw fieldsV1: does it hold a member of exact or anything under a root of subtrees? */
  touchedBy(exact: FieldSet, subtrees: FieldSet): boolean {
    if (this.decoded) return !this.decoded.intersection(exact).isEmpty() || this.decoded.clone().subtractSubtrees(subtrees);
    return touches(this.entry.fieldsV1, exact, false) || touches(this.entry.fieldsV1, subtrees, true);
  }
}

function touches(j: unknown, s: FieldSet, subtree: boolean): boolean {
  if (!j || typeof j !== 'object') return false;
  const o = j as Record<string, unknown>;
  for (const [pe, c] of s.children) {
    const jc = o[pe];
    if (!jc || typeof jc !== 'object') continue;
    if (c.member && (subtree || Object.keys(jc).length === 0 || '.' in jc)) return true;
    if (touches(jc, c, subtree)) return true;
  }
  return false;
}

export const managerId = (e: Pick<ManagedFieldsEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string =>
  JSON.stringify([e.manager ?? '', e.operation ?? '', e.operation === 'Apply' ? '' : e.apiVersion ?? '', e.subresource ?? '']);

/** Decodes entries; other fieldsTypes are dropped, duplicates merged, a missing fieldsV1 is empty. */
export function decodeManaged(entries: readonly ManagedFieldsEntry[] | undefined): Managed[] {
  const out: Managed[] = [];
  const byId = new Map<string, Managed>();
  for (const e of entries ?? []) {
    if (!e || typeof e !== 'object' || (e.fieldsType !== undefined && e.fieldsType !== 'FieldsV1')) continue;
    const id = managerId(e);
    const prev = byId.get(id);
    if (prev) {
      prev.set.addAll(FieldSet.fromFieldsV1(e.fieldsV1));
      prev.dirty = true;
      continue;
    }
    const m = new Managed(e);
    m.dirty = !e.fieldsV1;
    byId.set(id, m);
    out.push(m);
  }
  return out;
}

const seconds = (t: string | undefined): number => (t ? Math.floor(Date.parse(t) / 1000) || 0 : 0);

/** sortEncodedManagedFields: operation, then time (seconds), manager, apiVersion, subresource. */
export function compareEntries(p: ManagedFieldsEntry, q: ManagedFieldsEntry): number {
  return (
    cmpStr(p.operation ?? '', q.operation ?? '') ||
    seconds(p.time) - seconds(q.time) ||
    cmpStr(p.manager ?? '', q.manager ?? '') ||
    cmpStr(p.apiVersion ?? '', q.apiVersion ?? '') ||
    cmpStr(p.subresource ?? '', q.subresource ?? '')
  );
}

/** Back to wire entries: empty sets dropped, unchanged entries reused as they were. */
export function encodeManaged(managed: readonly Managed[]): ManagedFieldsEntry[] {
  const out: ManagedFieldsEntry[] = [];
  for (const m of managed) {
    if (m.isEmpty()) continue;
    out.push(m.dirty ? { ...m.entry, fieldsType: 'FieldsV1', fieldsV1: m.set.toFieldsV1() } : m.entry);
  }
  return out.sort(compareEntries);
}

export const MAX_UPDATE_MANAGERS = 10;
const ANCIENT = 'ancient-changes';

/**
 * capManagersManager: beyond max Update entries, the oldest are folded into an
 * "ancient-changes" entry of their apiVersion so the list cannot grow unbounded.
 */
export function capUpdateManagers(managed: Managed[], max = MAX_UPDATE_MANAGERS): Managed[] {
  let result = managed.filter((m) => !m.isEmpty());
  const updaters = (): Managed[] => result.filter((m) => m.entry.operation !== 'Apply');
  for (;;) {
    const ups = updaters();
    if (ups.length <= max) return result;
    const victim = ups.filter((m) => m.entry.manager !== ANCIENT).sort((a, b) => seconds(a.entry.time) - seconds(b.entry.time))[0];
    if (!victim) return result;
    const id = managerId({ manager: ANCIENT, operation: 'Update', apiVersion: victim.entry.apiVersion });
    let bucket = result.find((m) => managerId(m.entry) === id);
    if (!bucket) {
      bucket = new Managed({ manager: ANCIENT, operation: 'Update', apiVersion: victim.entry.apiVersion }, new FieldSet());
      result.push(bucket);
    }
    bucket.set.addAll(victim.set);
    bucket.dirty = true;
    if (victim.entry.time && seconds(victim.entry.time) >= seconds(bucket.entry.time)) bucket.entry = { ...bucket.entry, time: victim.entry.time };
    result = result.filter((m) => m !== victim);
  }
}
