// The adapters that keep records as bytes (memory, rocksdb, mysql) store them in the journal's record format
// (@robustmq/protocol/journal); this decodes one and reports a damaged record as the StorageError CORRUPT_RECORD the
// adapter contract promises, rather than the codec's JournalError.
import { JournalError, decodeRecord } from '@robustmq/protocol/journal';
import type { StoredRecord } from './storage-adapter.js';
import { StorageError } from './storage-error.js';

export function decodeStoredRecord(buf: Buffer, where: string): StoredRecord {
  try {
    return decodeRecord(buf, where);
  } catch (err) {
    if (err instanceof JournalError) throw new StorageError('CORRUPT_RECORD', err.message);
    throw err;
  }
}
