// Idempotent produce's sequence checks (the calls Kafka's ProducerAppendInfo makes) and the per-partition chain that
// stores each batch once, rebuilt from the log after a restart.
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@robustmq/protocol/kafka';
import {
  IdempotentProducers,
  PartitionProducers,
  type AppendedBatch,
  type ProducerBatch,
} from '../../src/producer/producer-state.js';

const batch = (baseSequence: number, recordCount = 2, producerEpoch = 0, producerId = 7): ProducerBatch => ({
  producerId,
  producerEpoch,
  baseSequence,
  recordCount,
});

describe('PartitionProducers', () => {
  it('accepts batches in sequence, answers a retry of any of the last five with its first offset', () => {
    const p = new PartitionProducers();
    let offset = 0;
    for (let seq = 0; seq < 14; seq += 2) {
      expect(p.check(batch(seq))).toEqual({ kind: 'append' });
      p.record({ ...batch(seq), baseOffset: offset });
      offset += 2;
    }
    // batches 4..12 are the last five (offsets 4..12)
    expect(p.check(batch(12))).toEqual({ kind: 'duplicate', baseOffset: 12 });
    expect(p.check(batch(4))).toEqual({ kind: 'duplicate', baseOffset: 4 });
    // older than the five remembered: DUPLICATE_SEQUENCE_NUMBER, never stored again
    expect(p.check(batch(2))).toMatchObject({
      kind: 'error',
      errorCode: ErrorCode.DUPLICATE_SEQUENCE_NUMBER,
    });
    // a gap, or a batch overlapping the stored end without matching one
    expect(p.check(batch(16))).toMatchObject({
      kind: 'error',
      errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    });
    expect(p.check(batch(13))).toMatchObject({
      kind: 'error',
      errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    });
    expect(p.check(batch(14))).toEqual({ kind: 'append' });
  });

  it('epochs: an older one is fenced, a newer one must start at 0; producers are independent', () => {
    const p = new PartitionProducers();
    p.record({ ...batch(0, 1, 3), baseOffset: 0 });
    expect(p.check(batch(1, 1, 2))).toMatchObject({
      kind: 'error',
      errorCode: ErrorCode.INVALID_PRODUCER_EPOCH,
    });
    expect(p.check(batch(5, 1, 4))).toMatchObject({
      kind: 'error',
      errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    });
    expect(p.check(batch(0, 1, 4))).toEqual({ kind: 'append' });
    // a producer never seen here may start anywhere (its earlier batches may have gone with retention)
    expect(p.check(batch(40, 1, 0, 8))).toEqual({ kind: 'append' });
  });

  it('sequences wrap from 2^31-1 to 0', () => {
    const p = new PartitionProducers();
    p.record({ ...batch(2_147_483_646, 2), baseOffset: 0 });
    expect(p.check(batch(0, 1))).toEqual({ kind: 'append' });
    expect(p.check(batch(1, 1))).toMatchObject({
      kind: 'error',
      errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    });
  });
});

describe('IdempotentProducers', () => {
  /** a partition log: batches with their offsets, appends that can be made to fail. */
  function log() {
    const stored: AppendedBatch[] = [];
    let next = 0;
    let failNext = false;
    return {
      stored,
      failOnce: () => (failNext = true),
      append(b: ProducerBatch) {
        return async () => {
          await new Promise((r) => setImmediate(r));
          if (failNext) {
            failNext = false;
            throw new Error('storage unavailable');
          }
          const baseOffset = next;
          next += b.recordCount;
          stored.push({ ...b, baseOffset });
          return baseOffset;
        };
      },
    };
  }

  it('a retried batch is stored once, even when retries race the original', async () => {
    const l = log();
    const producers = new IdempotentProducers(async () => []);
    const results = await Promise.all(
      [0, 2, 2, 4, 0].map((seq) => producers.append('t-0', batch(seq), l.append(batch(seq)))),
    );
    expect(l.stored.map((b) => b.baseSequence)).toEqual([0, 2, 4]);
    expect(results.map((r) => [r.baseOffset, r.duplicate])).toEqual([
      [0, false],
      [2, false],
      [2, true],
      [4, false],
      [0, true],
    ]);
  });

  it('a failed append leaves no trace: its retry is stored', async () => {
    const l = log();
    const producers = new IdempotentProducers(async () => []);
    l.failOnce();
    await expect(producers.append('t-0', batch(0), l.append(batch(0)))).rejects.toThrow(
      'storage unavailable',
    );
    const retry = await producers.append('t-0', batch(0), l.append(batch(0)));
    expect(retry).toEqual({ errorCode: 0, baseOffset: 0, duplicate: false });
    expect(l.stored).toHaveLength(1);
  });

  it('after a restart the state comes back from the log: a retry of a stored batch is still a duplicate', async () => {
    const l = log();
    const before = new IdempotentProducers(async () => []);
    for (const seq of [0, 2, 4]) await before.append('t-0', batch(seq), l.append(batch(seq)));
    let recovered = 0;
    const after = new IdempotentProducers(async (partition) => {
      recovered++;
      expect(partition).toBe('t-0');
      return l.stored;
    });
    expect(await after.append('t-0', batch(4), l.append(batch(4)))).toEqual({
      errorCode: 0,
      baseOffset: 4,
      duplicate: true,
    });
    expect((await after.append('t-0', batch(8), l.append(batch(8)))).errorCode).toBe(
      ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    );
    expect((await after.append('t-0', batch(6), l.append(batch(6)))).baseOffset).toBe(6);
    expect(recovered).toBe(1);
    expect(l.stored.map((b) => b.baseSequence)).toEqual([0, 2, 4, 6]);
  });
});
