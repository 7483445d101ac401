// Where an idempotent batch's producer fields live in a partition's log, so the sequence state can be rebuilt from
// the log after a restart (producer-state.ts): the first stored record of each idempotent batch carries the tag
// `kafka:pid:<producer id>:<epoch>:<base sequence>:<record count>` (tags are not part of what a consumer reads back).
// Recovery reads the partition's last RECOVER_RECORDS records — Kafka keeps five batches per producer, so only the
// tail matters; a producer whose batches are all older than that is unknown and may continue at any sequence.
import type { AppendRecord, StoredRecord } from '@robustmq/storage-adapter';
import type { PartitionStore } from '../topics/partition-store.js';
import type { AppendedBatch, ProducerBatch } from './producer-state.js';

const PREFIX = 'kafka:pid:';
/** records read back from a partition's end to find its producers' last batches. */
export const RECOVER_RECORDS = 20_000;
const READ_MAX_BYTES = 16 * 1024 * 1024;

export function producerTag(batch: ProducerBatch): string {
  return `${PREFIX}${batch.producerId}:${batch.producerEpoch}:${batch.baseSequence}:${batch.recordCount}`;
}

/** tags the first record of a batch's records (in place) with its producer fields. */
export function tagBatch(records: AppendRecord[], batch: ProducerBatch): void {
  const first = records[0];
  if (first) first.tags = [...(first.tags ?? []), producerTag(batch)];
}

export function batchOf(record: StoredRecord): AppendedBatch | undefined {
  for (const tag of record.tags) {
    if (!tag.startsWith(PREFIX)) continue;
    const [producerId, producerEpoch, baseSequence, recordCount] = tag
      .slice(PREFIX.length)
      .split(':')
      .map(Number);
    if ([producerId, producerEpoch, baseSequence, recordCount].every((n) => Number.isSafeInteger(n))) {
      return {
        producerId: producerId!,
        producerEpoch: producerEpoch!,
        baseSequence: baseSequence!,
        recordCount: recordCount!,
        baseOffset: record.offset,
      };
    }
  }
  return undefined;
}

/** the idempotent batches at the end of a partition, oldest first. `key` is "<topic>/<partition>". */
export async function recoverProducerBatches(
  partitions: PartitionStore,
  key: string,
): Promise<AppendedBatch[]> {
  const slash = key.lastIndexOf('/');
  const topic = key.slice(0, slash);
  const partition = Number(key.slice(slash + 1));
  const { start, next } = await partitions.offsets(topic, partition);
  const out: AppendedBatch[] = [];
  let offset = Math.max(start, next - RECOVER_RECORDS);
  while (offset < next) {
    const { records } = await partitions.read(topic, partition, offset, READ_MAX_BYTES, 0, next - offset);
    if (records.length === 0) break;
    for (const r of records) {
      const b = batchOf(r);
      if (b) out.push(b);
    }
    offset = records[records.length - 1]!.offset + 1;
  }
  return out;
}
