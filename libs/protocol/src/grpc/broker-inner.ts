// Typed entry points to the MQTT broker's inner gRPC service (proto/mqtt/broker-inner.proto, port 9981): publishing
// a due will and dropping an expired session, called by the placement center's leader.
import { grpcService, lazyProto } from './loader.js';
import type { ProtoGrpcType as BrokerInnerProto } from '../generated/broker-inner.js';
import type { BrokerInnerServiceClient } from '../generated/robustmq/broker/BrokerInnerService.js';

export type {
  BrokerInnerServiceClient,
  BrokerInnerServiceHandlers,
} from '../generated/robustmq/broker/BrokerInnerService.js';
export type { LastWill, LastWill__Output } from '../generated/robustmq/broker/LastWill.js';

const brokerInnerProto = lazyProto<BrokerInnerProto>('mqtt/broker-inner.proto');
const brokerInner = grpcService<BrokerInnerServiceClient>(
  () => brokerInnerProto().robustmq.broker.BrokerInnerService,
);
export const brokerInnerServiceDefinition = brokerInner.definition;
export const newBrokerInnerClient = brokerInner.newClient;
