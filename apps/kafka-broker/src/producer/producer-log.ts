// Where an idempotent batch's producer fields live in a partition's log, so the sequence state can be rebuilt from
// the log after a restart (producer-state.ts): in the stored batch itself — partitions keep the producer's batches as
// they came (topics/partition-store.ts), header included, as Kafka's log does. Recovery reads the headers of the
// partition's last RECOVER_BATCHES batches — Kafka keeps five batches per producer, so only the tail matters; a
// producer whose batches are all older than that is unknown and may continue at any sequence.
import type { BatchHeader } from '@robustmq/protocol/kafka';
import type { PartitionStore } from '../topics/partition-store.js';
import type { AppendedBatch } from './producer-state.js';

/** batches read back from a partition's end to find its producers' last batches. */
export const RECOVER_BATCHES = 2_000;

export function batchOf(header: BatchHeader): AppendedBatch | undefined {
  if (header.producerId < 0) return undefined;
  return {
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    baseSequence: header.baseSequence,
    recordCount: header.lastOffsetDelta + 1,
    baseOffset: header.baseOffset,
  };
}

/** the idempotent batches at the end of a partition, oldest first. `key` is "<topic>/<partition>". */
export async function recoverProducerBatches(
  partitions: PartitionStore,
  key: string,
): Promise<AppendedBatch[]> {
  const slash = key.lastIndexOf('/');
  const headers = await partitions.lastBatches(
    key.slice(0, slash),
    Number(key.slice(slash + 1)),
    RECOVER_BATCHES,
  );
  return headers.flatMap((h) => batchOf(h) ?? []);
}
