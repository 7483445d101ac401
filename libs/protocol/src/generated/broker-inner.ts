import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { BrokerInnerServiceClient as _robustmq_broker_BrokerInnerServiceClient, BrokerInnerServiceDefinition as _robustmq_broker_BrokerInnerServiceDefinition } from './robustmq/broker/BrokerInnerService.js';
import type { DeleteSessionReply as _robustmq_broker_DeleteSessionReply, DeleteSessionReply__Output as _robustmq_broker_DeleteSessionReply__Output } from './robustmq/broker/DeleteSessionReply.js';
import type { DeleteSessionRequest as _robustmq_broker_DeleteSessionRequest, DeleteSessionRequest__Output as _robustmq_broker_DeleteSessionRequest__Output } from './robustmq/broker/DeleteSessionRequest.js';
import type { LastWill as _robustmq_broker_LastWill, LastWill__Output as _robustmq_broker_LastWill__Output } from './robustmq/broker/LastWill.js';
import type { SendLastWillReply as _robustmq_broker_SendLastWillReply, SendLastWillReply__Output as _robustmq_broker_SendLastWillReply__Output } from './robustmq/broker/SendLastWillReply.js';
import type { SendLastWillRequest as _robustmq_broker_SendLastWillRequest, SendLastWillRequest__Output as _robustmq_broker_SendLastWillRequest__Output } from './robustmq/broker/SendLastWillRequest.js';
import type { TakeOverSessionReply as _robustmq_broker_TakeOverSessionReply, TakeOverSessionReply__Output as _robustmq_broker_TakeOverSessionReply__Output } from './robustmq/broker/TakeOverSessionReply.js';
import type { TakeOverSessionRequest as _robustmq_broker_TakeOverSessionRequest, TakeOverSessionRequest__Output as _robustmq_broker_TakeOverSessionRequest__Output } from './robustmq/broker/TakeOverSessionRequest.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  robustmq: {
    broker: {
      BrokerInnerService: SubtypeConstructor<typeof grpc.Client, _robustmq_broker_BrokerInnerServiceClient> & { service: _robustmq_broker_BrokerInnerServiceDefinition }
      DeleteSessionReply: MessageTypeDefinition<_robustmq_broker_DeleteSessionReply, _robustmq_broker_DeleteSessionReply__Output>
      DeleteSessionRequest: MessageTypeDefinition<_robustmq_broker_DeleteSessionRequest, _robustmq_broker_DeleteSessionRequest__Output>
      LastWill: MessageTypeDefinition<_robustmq_broker_LastWill, _robustmq_broker_LastWill__Output>
      SendLastWillReply: MessageTypeDefinition<_robustmq_broker_SendLastWillReply, _robustmq_broker_SendLastWillReply__Output>
      SendLastWillRequest: MessageTypeDefinition<_robustmq_broker_SendLastWillRequest, _robustmq_broker_SendLastWillRequest__Output>
      TakeOverSessionReply: MessageTypeDefinition<_robustmq_broker_TakeOverSessionReply, _robustmq_broker_TakeOverSessionReply__Output>
      TakeOverSessionRequest: MessageTypeDefinition<_robustmq_broker_TakeOverSessionRequest, _robustmq_broker_TakeOverSessionRequest__Output>
    }
  }
}

