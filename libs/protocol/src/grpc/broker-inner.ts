// Typed entry points to the MQTT broker's inner gRPC service (proto/mqtt/broker-inner.proto, port 9981): publishing
// a due will and dropping an expired session, called by the placement center's leader.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { LOADER_OPTIONS } from './loader.js';
import type { ProtoGrpcType as BrokerInnerProto } from '../generated/broker-inner.js';
import type { BrokerInnerServiceClient } from '../generated/robustmq/broker/BrokerInnerService.js';

export type {
  BrokerInnerServiceClient,
  BrokerInnerServiceHandlers,
} from '../generated/robustmq/broker/BrokerInnerService.js';
export type { LastWill, LastWill__Output } from '../generated/robustmq/broker/LastWill.js';

let cached: BrokerInnerProto | undefined;

function brokerInnerProto(): BrokerInnerProto {
  cached ??= grpc.loadPackageDefinition(
    protoLoader.loadSync('mqtt/broker-inner.proto', LOADER_OPTIONS),
  ) as unknown as BrokerInnerProto;
  return cached;
}

export function brokerInnerServiceDefinition(): grpc.ServiceDefinition {
  return brokerInnerProto().robustmq.broker.BrokerInnerService.service;
}

export function newBrokerInnerClient(
  address: string,
  credentials: grpc.ChannelCredentials,
  options?: grpc.ClientOptions,
): BrokerInnerServiceClient {
  const Ctor = brokerInnerProto().robustmq.broker.BrokerInnerService;
  return new Ctor(address, credentials, options);
}
