// Typed entry points to the journal server's inner gRPC service (proto/journal/inner.proto, port 2228): segment
// state, leader activation and cache refresh, called by the placement center's leader.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { LOADER_OPTIONS } from './loader.js';
import type { ProtoGrpcType as InnerProto } from '../generated/inner.js';
import type { JournalInnerServiceClient } from '../generated/robustmq/journal/JournalInnerService.js';

export type {
  JournalInnerServiceClient,
  JournalInnerServiceHandlers,
} from '../generated/robustmq/journal/JournalInnerService.js';
export type {
  GetSegmentStateReply,
  GetSegmentStateReply__Output,
} from '../generated/robustmq/journal/GetSegmentStateReply.js';
export type { ActivateSegmentLeaderReply__Output } from '../generated/robustmq/journal/ActivateSegmentLeaderReply.js';
export type { UpdateCacheReply__Output } from '../generated/robustmq/journal/UpdateCacheReply.js';
export type { SegmentRole__Output as SegmentRole } from '../generated/robustmq/journal/SegmentRole.js';

let cached: InnerProto | undefined;

function innerProto(): InnerProto {
  cached ??= grpc.loadPackageDefinition(
    protoLoader.loadSync('journal/inner.proto', LOADER_OPTIONS),
  ) as unknown as InnerProto;
  return cached;
}

export function journalInnerServiceDefinition(): grpc.ServiceDefinition {
  return innerProto().robustmq.journal.JournalInnerService.service;
}

export function newJournalInnerClient(
  address: string,
  credentials: grpc.ChannelCredentials,
  options?: grpc.ClientOptions,
): JournalInnerServiceClient {
  const Ctor = innerProto().robustmq.journal.JournalInnerService;
  return new Ctor(address, credentials, options);
}
