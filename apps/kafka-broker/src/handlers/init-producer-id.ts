// InitProducerId: a producer id for an idempotent producer, unique across the cluster (blocks taken from placement,
// producer/producer-id-allocator.ts), epoch 0 — as Kafka answers a producer without a transactional id, whatever
// id and epoch (v3+) it had before. Transactional ids are refused: this broker does not implement transactions.
import { ApiKey, ErrorCode } from '@robustmq/protocol/kafka';
import { apiHandler } from './context.js';

export const initProducerId = apiHandler(ApiKey.InitProducerId, async (ctx, _conn, body) => {
  if (body.transactionalId !== null && body.transactionalId !== undefined) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, producerId: -1, producerEpoch: -1 };
  }
  try {
    const producerId = await ctx.producerIds.allocate();
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId, producerEpoch: 0 };
  } catch (err) {
    ctx.logger.warn({ err }, 'could not allocate a producer id from placement');
    // retriable: the producer asks again
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE,
      producerId: -1,
      producerEpoch: -1,
    };
  }
});
