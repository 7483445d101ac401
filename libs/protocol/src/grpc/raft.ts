// Typed entry points to the Raft peer transport service (proto/raft.proto).
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { LOADER_OPTIONS } from './loader.js';
import type { ProtoGrpcType as RaftProto } from '../generated/raft.js';

export type { RaftTransportClient, RaftTransportHandlers } from '../generated/robustmq/raft/RaftTransport.js';
export type { RaftMessage, RaftMessage__Output } from '../generated/robustmq/raft/RaftMessage.js';
export type { RaftBatch, RaftBatch__Output } from '../generated/robustmq/raft/RaftBatch.js';

let cached: RaftProto | undefined;

function raftProto(): RaftProto {
  cached ??= grpc.loadPackageDefinition(
    protoLoader.loadSync('raft.proto', LOADER_OPTIONS),
  ) as unknown as RaftProto;
  return cached;
}

export function raftTransportDefinition(): grpc.ServiceDefinition {
  return raftProto().robustmq.raft.RaftTransport.service;
}
