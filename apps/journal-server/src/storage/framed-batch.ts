// Framed record batches — repeated [u32 length][record] — are the unit the journal moves without re-encoding: the
// client encodes one, the leader checks it, stamps offsets into it in place and writes those very bytes to the
// segment file, forwards the same buffers to followers, and reads answer with file bytes in the same layout. These
// walks look at each record through offsets into the batch, never through a per-record view, because at ~100-byte
// records the view would cost more than the work.
import { JournalError, readU64, restampOffsetAt } from '@robustmq/protocol/journal';
import { checkRecordAt } from './record-view.js';

/** smallest encoded record (version, CRC, offset, timestamp, flags, two counts, payload length). */
export const MIN_RECORD_BYTES = 30;

/**
 * checks a batch from the network: framing, every record's layout and CRC, and (when `firstOffset` is given) offsets
 * consecutive from it. Returns the record count; throws BAD_REQUEST / CORRUPT_RECORD naming the record.
 */
export function checkBatch(data: Buffer, where: string, firstOffset?: number): number {
  let pos = 0;
  let count = 0;
  while (pos < data.length) {
    if (pos + 4 > data.length)
      throw new JournalError(
        'BAD_REQUEST',
        `record batch for ${where} has ${data.length - pos} stray bytes at ${pos}`,
      );
    const len = data.readUInt32BE(pos);
    const start = pos + 4;
    const end = start + len;
    if (end > data.length)
      throw new JournalError(
        'BAD_REQUEST',
        `record ${count} for ${where}: length ${len} at byte ${pos} runs past the end of the batch`,
      );
    const bad = checkRecordAt(data, start, end);
    if (bad)
      throw new JournalError('CORRUPT_RECORD', `record ${count} for ${where} is not acceptable: ${bad}`);
    if (firstOffset !== undefined && readU64(data, start + 5) !== firstOffset + count) {
      throw new JournalError(
        'BAD_REQUEST',
        `record ${count} for ${where} has offset ${readU64(data, start + 5)}, expected ${firstOffset + count}`,
      );
    }
    count++;
    pos = end;
  }
  return count;
}

/** bytes taken by the first `n` records of a (checked) batch. */
export function prefixBytes(data: Buffer, n: number): number {
  let pos = 0;
  for (let i = 0; i < n && pos < data.length; i++) pos += 4 + data.readUInt32BE(pos);
  return pos;
}

/**
 * writes consecutive offsets from `first` into a batch checked by checkBatch (so every CRC in it is correct), patching
 * each record's CRC for its new offset instead of computing it again; returns the count.
 */
export function stampOffsets(data: Buffer, first: number): number {
  let pos = 0;
  let n = 0;
  while (pos < data.length) {
    const end = pos + 4 + data.readUInt32BE(pos);
    restampOffsetAt(data, pos + 4, end, first + n);
    n++;
    pos = end;
  }
  return n;
}

/** the offset of the first record of a batch part. */
export function firstOffsetOf(data: Buffer): number {
  return readU64(data, 4 + 5);
}
