// Idempotent produce: the per-partition state that lets a producer retry a batch without it being stored twice
// (KIP-98). For each producer id the partition remembers its epoch and its last five appended batches (first and last
// sequence, base offset) — five because a producer has at most five requests in flight — and a new batch is
//   - a duplicate when it repeats one of those five: answered with the offset it got the first time, not stored;
//   - in order when its first sequence follows the last one stored: stored;
//   - DUPLICATE_SEQUENCE_NUMBER when it lies wholly at or before what is stored but is not one of the five (an old
//     retry; librdkafka and the Java client treat it as already written);
//   - OUT_OF_ORDER_SEQUENCE_NUMBER when it leaves a gap, or a new epoch does not start at sequence 0;
//   - INVALID_PRODUCER_EPOCH when its epoch is older than the partition has seen (a fenced zombie).
// Kafka's ProducerStateManager / ProducerAppendInfo.checkSequence make the same calls. A producer the partition has
// never seen (or whose batches were all removed by retention) may start at any sequence, as in Kafka.
//
// The state is rebuilt after a restart from the batches the log itself holds (`recover`, called once per partition
// before its first idempotent batch), so it lives exactly as long as the data it protects. The check and the append
// of one partition's idempotent batches run one at a time (a promise chain per partition): a batch is judged
// against everything stored before it, and a failed append leaves no trace, so its retry is judged afresh.
import { ErrorCode } from '@robustmq/protocol/kafka';

/** The producer fields of a record batch (v2 header). */
export interface ProducerBatch {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

/** A batch as stored: where it went. */
export interface AppendedBatch extends ProducerBatch {
  baseOffset: number;
}

export type SequenceVerdict =
  | { kind: 'append' }
  | { kind: 'duplicate'; baseOffset: number }
  | { kind: 'error'; errorCode: number; message: string };

/** batches remembered per producer and partition (Kafka's ProducerStateEntry.NumBatchesToRetain). */
export const BATCHES_TO_RETAIN = 5;
const INT32_MAX = 2_147_483_647;

/** the last sequence of a batch: sequences wrap from INT32_MAX to 0. */
export function lastSequence(batch: ProducerBatch): number {
  return (batch.baseSequence + batch.recordCount - 1) % (INT32_MAX + 1);
}

function inSequence(last: number, next: number): boolean {
  return next === last + 1 || (last === INT32_MAX && next === 0);
}

interface ProducerEntry {
  epoch: number;
  /** oldest first, at most BATCHES_TO_RETAIN. */
  batches: AppendedBatch[];
}

/** The producers of one partition. */
export class PartitionProducers {
  private readonly producers = new Map<number, ProducerEntry>();

  check(batch: ProducerBatch): SequenceVerdict {
    const entry = this.producers.get(batch.producerId);
    if (!entry) return { kind: 'append' };
    if (batch.producerEpoch < entry.epoch) {
      return error(
        ErrorCode.INVALID_PRODUCER_EPOCH,
        `producer ${batch.producerId} epoch ${batch.producerEpoch} is older than ${entry.epoch}`,
      );
    }
    if (batch.producerEpoch > entry.epoch) {
      if (batch.baseSequence === 0) return { kind: 'append' };
      return error(
        ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
        `producer ${batch.producerId}: new epoch ${batch.producerEpoch} must start at sequence 0, not ${batch.baseSequence}`,
      );
    }
    const last = lastSequence(batch);
    const duplicate = entry.batches.find(
      (b) => b.baseSequence === batch.baseSequence && lastSequence(b) === last,
    );
    if (duplicate) return { kind: 'duplicate', baseOffset: duplicate.baseOffset };
    const stored = entry.batches[entry.batches.length - 1];
    if (!stored) return { kind: 'append' };
    const storedLast = lastSequence(stored);
    if (inSequence(storedLast, batch.baseSequence)) return { kind: 'append' };
    // at or before what is stored (no wrap in between): a retry of a batch stored long ago
    if (
      batch.baseSequence <= storedLast &&
      last <= storedLast &&
      storedLast - batch.baseSequence < INT32_MAX / 2
    ) {
      return error(
        ErrorCode.DUPLICATE_SEQUENCE_NUMBER,
        `producer ${batch.producerId}: sequence ${batch.baseSequence}..${last} was stored before`,
      );
    }
    return error(
      ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
      `producer ${batch.producerId}: sequence ${batch.baseSequence} does not follow ${storedLast}`,
    );
  }

  /** remembers a stored batch (also used to replay the log on recovery, oldest first). */
  record(batch: AppendedBatch): void {
    let entry = this.producers.get(batch.producerId);
    if (!entry || batch.producerEpoch > entry.epoch) {
      entry = { epoch: batch.producerEpoch, batches: [] };
      this.producers.set(batch.producerId, entry);
    } else if (batch.producerEpoch < entry.epoch) {
      return;
    }
    entry.batches.push({ ...batch });
    if (entry.batches.length > BATCHES_TO_RETAIN) entry.batches.shift();
  }

  get size(): number {
    return this.producers.size;
  }
}

function error(errorCode: number, message: string): SequenceVerdict {
  return { kind: 'error', errorCode, message };
}

export interface IdempotentResult {
  errorCode: number;
  /** the batch's first offset: where it was stored now, or the first time for a duplicate; -1 on error. */
  baseOffset: number;
  /** true when the batch was a duplicate and nothing was stored. */
  duplicate: boolean;
  message?: string;
}

/**
 * Every partition's producers on this broker. `recover(partition)` returns the idempotent batches the partition's log
 * holds at its end (oldest first); `append` stores one batch and resolves with its base offset.
 */
export class IdempotentProducers {
  private readonly partitions = new Map<
    string,
    { state: Promise<PartitionProducers>; chain: Promise<unknown> }
  >();

  constructor(private readonly recover: (partition: string) => Promise<AppendedBatch[]>) {}

  append(partition: string, batch: ProducerBatch, append: () => Promise<number>): Promise<IdempotentResult> {
    let slot = this.partitions.get(partition);
    if (!slot) {
      const state = this.recover(partition).then((batches) => {
        const producers = new PartitionProducers();
        for (const b of batches) producers.record(b);
        return producers;
      });
      // a failed recovery is retried by the next batch, not remembered
      state.catch(() => this.partitions.delete(partition));
      slot = { state, chain: Promise.resolve() };
      this.partitions.set(partition, slot);
    }
    const current = slot;
    const run = current.chain.then(async (): Promise<IdempotentResult> => {
      const producers = await current.state;
      const verdict = producers.check(batch);
      if (verdict.kind === 'duplicate')
        return { errorCode: ErrorCode.NONE, baseOffset: verdict.baseOffset, duplicate: true };
      if (verdict.kind === 'error')
        return { errorCode: verdict.errorCode, baseOffset: -1, duplicate: false, message: verdict.message };
      const baseOffset = await append();
      producers.record({ ...batch, baseOffset });
      return { errorCode: ErrorCode.NONE, baseOffset, duplicate: false };
    });
    current.chain = run.catch(() => {});
    return run;
  }

  /** forgets a partition (deleted, or moved to another broker: its next owner recovers from the log). */
  forget(partition: string): void {
    this.partitions.delete(partition);
  }
}
