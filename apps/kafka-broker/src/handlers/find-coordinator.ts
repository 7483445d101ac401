// FindCoordinator: which broker coordinates a consumer group — the one coordinator placement picks among the live
// kafka-brokers (group/coordinator-placement.ts), so groups spread over the nodes. v4 asks for several keys at once
// (KIP-699). Transactional ids (key type 1) are refused: this broker does not implement transactions.
import { ApiKey, ErrorCode } from '@robustmq/protocol/kafka';
import { advertisedPort, type KafkaListener } from '../cluster/broker-directory.js';
import { apiHandler, type BrokerContext } from './context.js';

const GROUP = 0;

interface Found {
  key: string;
  nodeId: number;
  host: string;
  port: number;
  errorCode: number;
  errorMessage: string | null;
}

function find(ctx: BrokerContext, key: string, keyType: number, listener: KafkaListener): Found {
  const none = { key, nodeId: -1, host: '', port: -1 };
  if (keyType !== GROUP)
    return {
      ...none,
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: 'transactions are not supported by this broker (key type 1)',
    };
  if (key === '')
    return { ...none, errorCode: ErrorCode.INVALID_GROUP_ID, errorMessage: 'the group id is empty' };
  const owner =
    ctx.coordinators.coordinatorFor(key) ??
    ctx.directory.brokers.find((b) => b.nodeId === ctx.config.node.id);
  if (!owner)
    return {
      ...none,
      errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE,
      errorMessage: 'no live kafka-broker known yet',
    };
  // the owner's port of the listener this client came in on
  const node = ctx.directory.brokers.find((b) => b.nodeId === owner.nodeId);
  const port = node ? advertisedPort(node, listener) : owner.port;
  return { key, nodeId: owner.nodeId, host: owner.host, port, errorCode: ErrorCode.NONE, errorMessage: null };
}

export const findCoordinator = apiHandler(ApiKey.FindCoordinator, async (ctx, conn, body, header) => {
  const keyType = body.keyType as number;
  if (header.apiVersion >= 4) {
    return {
      throttleTimeMs: 0,
      coordinators: (body.coordinatorKeys as string[]).map((k) => find(ctx, k, keyType, conn.listener)),
    };
  }
  const { key: _key, ...found } = find(ctx, body.key as string, keyType, conn.listener);
  return { throttleTimeMs: 0, ...found };
});
