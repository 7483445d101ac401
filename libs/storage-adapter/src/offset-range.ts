// The offset ranges every adapter accepts for reads and commits, checked in one place so all report them alike.
import { StorageError } from './storage-error.js';

/** fromOffset must lie in [startOffset, nextOffset]; nextOffset itself is valid (nothing yet, maybe wait). */
export function checkOffsetInRange(
  shard: string,
  offset: number,
  startOffset: number,
  nextOffset: number,
): void {
  if (offset < startOffset) {
    throw new StorageError(
      'OFFSET_OUT_OF_RANGE',
      `offset ${offset} of shard '${shard}' was removed by retention; the earliest stored offset is ${startOffset}`,
    );
  }
  if (offset > nextOffset) {
    throw new StorageError(
      'OFFSET_OUT_OF_RANGE',
      `offset ${offset} of shard '${shard}' is beyond its end; the next offset to be written is ${nextOffset}`,
    );
  }
}

/** a committed offset names the next record to consume, so the end of the shard is the largest valid one. */
export function checkCommitOffset(shard: string, offset: number, nextOffset: number): void {
  if (offset > nextOffset) {
    throw new StorageError(
      'OFFSET_OUT_OF_RANGE',
      `cannot commit offset ${offset} on shard '${shard}': it is beyond the end (next offset ${nextOffset})`,
    );
  }
}

/**
 * What a read that found no record at `offset` below the shard's end throws: OFFSET_OUT_OF_RANGE when retention
 * removed it meanwhile (`startOffset` is past it now), else CORRUPT_RECORD (a committed record is gone).
 */
export function missingRecord(
  shard: string,
  offset: number,
  startOffset: number,
  nextOffset: number,
): StorageError {
  if (offset < startOffset) {
    return new StorageError(
      'OFFSET_OUT_OF_RANGE',
      `offset ${offset} of shard '${shard}' was removed by retention while being read; restart from ${startOffset}`,
    );
  }
  return new StorageError(
    'CORRUPT_RECORD',
    `record ${offset} of shard '${shard}' is missing although offsets up to ${nextOffset - 1} are committed; the database is damaged`,
  );
}
