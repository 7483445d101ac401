// Produce: each partition's record batches are checked as Kafka's LogValidator checks them (CRC-32C, sizes, record
// count against the offset range, each record's structure — decompressed within `[kafka] max_uncompressed_batch_bytes`
// — without building a record object) and stored as they came, one storage record per batch, with their base offsets
// written in (topics/partition-store.ts); the answer waits until the journal has them durable at the shard's acks
// (storage.journal_acks). acks=0 gets no answer, as in Kafka; acks=1 and acks=-1 both wait for the journal's acks
// ("quorum" by default: Kafka's acks=all with min.insync.replicas a majority).
import {
  ApiKey,
  CorruptRecordError,
  ErrorCode,
  KafkaDecodeError,
  UnavailableCodecError,
  UnsupportedMagicError,
  checkBatches,
  type CheckedBatch,
  type ProducePartitionResponseData,
  type ProduceRequestData,
} from '@robustmq/protocol/kafka';
import { kafkaCodeOf } from '../topics/partition-store.js';
import { topicAllowed } from './authorize.js';
import { apiHandler, type BrokerContext } from './context.js';

function decodeErrorCode(err: unknown): number {
  if (err instanceof CorruptRecordError) return ErrorCode.CORRUPT_MESSAGE;
  if (err instanceof UnsupportedMagicError) return ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT;
  if (err instanceof UnavailableCodecError) return ErrorCode.UNSUPPORTED_COMPRESSION_TYPE;
  if (err instanceof KafkaDecodeError) return ErrorCode.CORRUPT_MESSAGE;
  throw err;
}

function partitionAnswer(
  index: number,
  errorCode: number,
  baseOffset = -1,
  errorMessage: string | null = null,
): ProducePartitionResponseData {
  return {
    index,
    errorCode,
    baseOffset,
    logAppendTimeMs: -1,
    logStartOffset: -1,
    recordErrors: [],
    errorMessage,
  };
}

// v3 is the first with record batches v2, the only message format stored here
export const produce = apiHandler<ProduceRequestData>(
  ApiKey.Produce,
  { minVersion: 3 },
  async (ctx, conn, request) => {
    const acks = request.acks;
    // appends of this connection are issued in request order (a producer's pipelined requests keep their order)
    const previousTurn = conn.produceTurn;
    let releaseTurn!: () => void;
    conn.produceTurn = new Promise<void>((resolve) => (releaseTurn = resolve));
    const pending: Promise<ProducePartitionResponseData>[][] = [];
    try {
      await previousTurn;
      for (const topic of request.topicData) {
        const answers: Promise<ProducePartitionResponseData>[] = [];
        pending.push(answers);
        // producing is PUBLISH on the topic (server/authorizer.ts)
        const allowed = topicAllowed(ctx, conn, 'publish', topic.name);
        for (const part of topic.partitionData) {
          if (!allowed) {
            answers.push(Promise.resolve(partitionAnswer(part.index, ErrorCode.TOPIC_AUTHORIZATION_FAILED)));
            continue;
          }
          answers.push(producePartition(ctx, acks, topic.name, part.index, part.records));
        }
      }
    } finally {
      releaseTurn();
    }
    const responses = await Promise.all(
      request.topicData.map(async (topic, i) => ({
        name: topic.name,
        partitionResponses: await Promise.all(pending[i]!),
      })),
    );
    if (acks === 0) return undefined;
    return { responses, throttleTimeMs: 0 };
  },
);

/** Validates and starts the append of one partition's records synchronously up to the storage call. */
function producePartition(
  ctx: BrokerContext,
  acks: number,
  topic: string,
  partition: number,
  data: Buffer | null,
): Promise<ProducePartitionResponseData> {
  if (acks !== 0 && acks !== 1 && acks !== -1) {
    return Promise.resolve(
      partitionAnswer(partition, ErrorCode.INVALID_REQUIRED_ACKS, -1, `acks must be -1, 0 or 1, got ${acks}`),
    );
  }
  let batches: CheckedBatch[];
  try {
    if (!data || data.length === 0) throw new KafkaDecodeError('no records');
    batches = checkBatches(data, { maxUncompressedBytes: ctx.config.kafka.max_uncompressed_batch_bytes });
  } catch (err) {
    return Promise.resolve(partitionAnswer(partition, decodeErrorCode(err), -1, (err as Error).message));
  }
  if (batches.some((b) => b.producerId >= 0)) return produceIdempotent(ctx, topic, partition, data, batches);
  let records = 0;
  for (const b of batches) records += b.recordCount;
  return ctx.partitions.append(topic, partition, data, batches).then(
    (baseOffset) => {
      ctx.stats.producedRecords += records;
      ctx.stats.producedBytes += data.length;
      return partitionAnswer(partition, ErrorCode.NONE, baseOffset);
    },
    (err: unknown) => {
      const code = kafkaCodeOf(err);
      if (code === ErrorCode.UNKNOWN_SERVER_ERROR || code === ErrorCode.KAFKA_STORAGE_ERROR)
        ctx.logger.warn({ err, topic, partition }, 'kafka produce failed');
      return partitionAnswer(partition, code, -1, (err as Error).message);
    },
  );
}

/**
 * Batches of an idempotent producer (producer id >= 0, KIP-98): each one's sequence is checked against what the
 * partition has stored (producer/producer-state.ts) before it is appended — a retry of a stored batch is answered
 * with its first offset and not stored again. The stored batch keeps its producer fields, from which the state is
 * rebuilt after a restart (producer/producer-log.ts).
 */
async function produceIdempotent(
  ctx: BrokerContext,
  topic: string,
  partition: number,
  data: Buffer,
  batches: CheckedBatch[],
): Promise<ProducePartitionResponseData> {
  const key = `${topic}/${partition}`;
  // another broker may have led this partition meanwhile: judge against the log, not what this broker remembers
  if (ctx.directory.leaderOf(topic, partition) !== ctx.config.node.id) ctx.idempotence.forget(key);
  let baseOffset = -1;
  for (const batch of batches) {
    const identity = {
      producerId: batch.producerId,
      producerEpoch: batch.producerEpoch,
      baseSequence: batch.baseSequence,
      recordCount: batch.recordCount,
    };
    let result;
    try {
      result = await ctx.idempotence.append(key, identity, () =>
        ctx.partitions.append(topic, partition, data, [batch]),
      );
    } catch (err) {
      const code = kafkaCodeOf(err);
      if (code === ErrorCode.UNKNOWN_SERVER_ERROR || code === ErrorCode.KAFKA_STORAGE_ERROR)
        ctx.logger.warn({ err, topic, partition }, 'kafka produce failed');
      return partitionAnswer(partition, code, -1, (err as Error).message);
    }
    if (result.errorCode !== ErrorCode.NONE) {
      ctx.stats.sequenceErrors++;
      return partitionAnswer(partition, result.errorCode, -1, result.message ?? null);
    }
    if (result.duplicate) ctx.stats.duplicateBatches++;
    else {
      ctx.stats.producedRecords += batch.recordCount;
      ctx.stats.producedBytes += batch.end - batch.start;
    }
    if (baseOffset < 0) baseOffset = result.baseOffset;
  }
  return partitionAnswer(partition, ErrorCode.NONE, baseOffset);
}
