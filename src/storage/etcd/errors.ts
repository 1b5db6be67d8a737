import { ClientClosedError, GRPCDeadlineExceededError, GRPCUnavailableError } from 'etcd3';
import { StorageError } from '../backend.js';

const COMPACTED = 'required revision has been compacted';

export const isEtcdCompacted = (err: unknown): boolean => err instanceof Error && err.message.includes(COMPACTED);

/** Maps transport failures to 'Unavailable' and compaction to 'Compacted'; anything else passes through. */
export function mapEtcdError(err: unknown): unknown {
  if (err instanceof StorageError || !(err instanceof Error)) return err;
  if (isEtcdCompacted(err)) return new StorageError('Compacted', err.message);
  if (
    err instanceof GRPCUnavailableError ||
    err instanceof GRPCDeadlineExceededError ||
    err instanceof ClientClosedError ||
    /circuit|ECONNREFUSED|No connection established/i.test(err.message)
  ) {
    return new StorageError('Unavailable', `etcd unavailable: ${err.message}`);
  }
  return err;
}
