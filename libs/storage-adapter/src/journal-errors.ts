// How journal failures reach a StorageAdapter caller: every JournalError (a journal server's answer, a transport
// failure, a record that failed its CRC) becomes the StorageError with the code the adapter contract promises.
import { JournalError } from '@robustmq/protocol/journal';
import { StorageError } from './storage-error.js';

/** maps a journal error to the StorageError the adapter reports. */
export function toStorageError(err: unknown): StorageError {
  if (err instanceof StorageError) return err;
  if (err instanceof JournalError) {
    switch (err.code) {
      case 'OFFSET_OUT_OF_RANGE':
        return new StorageError('OFFSET_OUT_OF_RANGE', err.message);
      case 'OFFSET_MISMATCH':
        return new StorageError('OFFSET_MISMATCH', err.message);
      case 'CORRUPT_RECORD':
        return new StorageError('CORRUPT_RECORD', err.message);
      case 'BAD_REQUEST':
        return new StorageError('INVALID_ARGUMENT', err.message);
      case 'WRITE_FAILED':
        return new StorageError('WRITE_FAILED', err.message);
      case 'CLOSED':
        return new StorageError('CLOSED', err.message);
      default:
        return new StorageError('UNAVAILABLE', `journal cluster: ${err.code}: ${err.message}`);
    }
  }
  return new StorageError('UNAVAILABLE', `journal cluster: ${(err as Error)?.message ?? String(err)}`, {
    cause: err,
  });
}
