// The one error type every StorageAdapter implementation throws, so the broker can branch on `code`, not on messages.

export type StorageErrorCode =
  /** the shard does not exist (never created, or deleted). */
  | 'SHARD_NOT_FOUND'
  /** createShard for a name that is already taken. */
  | 'SHARD_EXISTS'
  /** a malformed argument: bad name, negative offset, empty batch, non-Buffer payload, … */
  | 'INVALID_ARGUMENT'
  /** an offset outside [startOffset, nextOffset]: removed by retention, or not written yet. */
  | 'OFFSET_OUT_OF_RANGE'
  /** append() with expectedOffset found the shard ending at another offset; nothing of that call was written. */
  | 'OFFSET_MISMATCH'
  /** a stored record failed its CRC check or is missing from a range that must be dense. */
  | 'CORRUPT_RECORD'
  /** the underlying store refused a write; nothing of that write is acknowledged. */
  | 'WRITE_FAILED'
  /** the store cannot be reached or did not answer (e.g. a database server is down); nothing was changed by a read. */
  | 'UNAVAILABLE'
  /** the adapter was closed (or is closing) before or while the call ran. */
  | 'CLOSED'
  /** a storage type that exists in the design but has no implementation yet. */
  | 'NOT_IMPLEMENTED';

export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StorageError';
  }
}

export function isStorageError(err: unknown, code?: StorageErrorCode): err is StorageError {
  return err instanceof StorageError && (code === undefined || err.code === code);
}

export function shardNotFound(shard: string): StorageError {
  return new StorageError(
    'SHARD_NOT_FOUND',
    `shard '${shard}' does not exist; create it with createShard() first`,
  );
}

export function shardExists(shard: string): StorageError {
  return new StorageError(
    'SHARD_EXISTS',
    `shard '${shard}' already exists; pick another name or delete it first`,
  );
}

export function adapterClosed(type: string): StorageError {
  return new StorageError(
    'CLOSED',
    `the ${type} storage adapter is closed; create a new one to keep using storage`,
  );
}
