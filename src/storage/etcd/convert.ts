import type { IEvent, IKeyValue } from 'etcd3';
import { StorageError, type KeyValue, type WatchEvent } from '../backend.js';

export const toKeyValue = (kv: IKeyValue): KeyValue => ({
  key: kv.key.toString(),
  value: kv.value.toString(),
  createRevision: Number(kv.create_revision),
  modRevision: Number(kv.mod_revision),
});

/** etcd reports a delete as an empty kv at the delete's revision; we report the deleted value there. */
export function toWatchEvent(ev: IEvent): WatchEvent {
  const prevKv = ev.prev_kv ? toKeyValue(ev.prev_kv) : undefined;
  if (ev.type === 'Delete') {
    if (!prevKv) throw new StorageError('Unavailable', `etcd delete event without prev_kv for ${ev.kv.key.toString()}`);
    return { type: 'delete', kv: { ...prevKv, modRevision: Number(ev.kv.mod_revision) }, prevKv };
  }
  const kv = toKeyValue(ev.kv);
  return kv.createRevision === kv.modRevision ? { type: 'create', kv } : { type: 'update', kv, prevKv };
}
