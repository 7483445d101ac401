// ListOffsets: a partition's earliest (-2) or latest (-1) offset, the offset of its newest record by timestamp (-3,
// v7), or the first offset whose record timestamp is at or after a given time (offset -1 when there is none yet): the
// storage finds the batch by its max timestamp, and that batch's records give the exact offset.
import {
  ApiKey,
  ErrorCode,
  type ListOffsetsPartitionResponseData,
  type ListOffsetsRequestData,
} from '@robustmq/protocol/kafka';
import { kafkaCodeOf } from '../topics/partition-store.js';
import { topicAllowed } from './authorize.js';
import { apiHandler, type BrokerContext } from './context.js';

const LATEST = -1;
const EARLIEST = -2;
const MAX_TIMESTAMP = -3;

async function lookup(
  ctx: BrokerContext,
  topic: string,
  partition: number,
  timestamp: number,
): Promise<{ offset: number; timestamp: number }> {
  if (timestamp === LATEST || timestamp === EARLIEST) {
    const { start, next } = await ctx.partitions.offsets(topic, partition);
    return { offset: timestamp === LATEST ? next : start, timestamp: -1 };
  }
  if (timestamp === MAX_TIMESTAMP)
    return (await ctx.partitions.newestRecord(topic, partition)) ?? { offset: -1, timestamp: -1 };
  if (timestamp < 0)
    throw Object.assign(new Error(`unknown special timestamp ${timestamp}`), {
      kafkaCode: ErrorCode.INVALID_REQUEST,
    });
  return (
    (await ctx.partitions.offsetForTimestamp(topic, partition, timestamp)) ?? { offset: -1, timestamp: -1 }
  );
}

export const listOffsets = apiHandler<ListOffsetsRequestData>(
  ApiKey.ListOffsets,
  async (ctx, conn, request) => {
    const topics = await Promise.all(
      request.topics.map(async (t) => ({
        name: t.name,
        partitions: await Promise.all(
          t.partitions.map(async (p): Promise<ListOffsetsPartitionResponseData> => {
            try {
              // offsets are a read of the topic: SUBSCRIBE (server/authorizer.ts)
              if (!topicAllowed(ctx, conn, 'subscribe', t.name))
                throw Object.assign(new Error('not authorized'), {
                  kafkaCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
                });
              const found = await lookup(ctx, t.name, p.partitionIndex, p.timestamp);
              return {
                partitionIndex: p.partitionIndex,
                errorCode: ErrorCode.NONE,
                oldStyleOffsets: found.offset >= 0 ? [found.offset] : [],
                timestamp: found.timestamp,
                offset: found.offset,
                leaderEpoch: 0,
              };
            } catch (err) {
              const code = (err as { kafkaCode?: number }).kafkaCode ?? kafkaCodeOf(err);
              return {
                partitionIndex: p.partitionIndex,
                errorCode: code,
                oldStyleOffsets: [],
                timestamp: -1,
                offset: -1,
                leaderEpoch: -1,
              };
            }
          }),
        ),
      })),
    );
    return { throttleTimeMs: 0, topics };
  },
);
