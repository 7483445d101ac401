// Typed entry points to the Raft peer transport service (proto/raft.proto).
import type * as grpc from '@grpc/grpc-js';
import { lazyProto } from './loader.js';
import type { ProtoGrpcType as RaftProto } from '../generated/raft.js';

export type { RaftTransportClient, RaftTransportHandlers } from '../generated/robustmq/raft/RaftTransport.js';
export type { RaftMessage, RaftMessage__Output } from '../generated/robustmq/raft/RaftMessage.js';
export type { RaftBatch, RaftBatch__Output } from '../generated/robustmq/raft/RaftBatch.js';

const raftProto = lazyProto<RaftProto>('raft.proto');

export function raftTransportDefinition(): grpc.ServiceDefinition {
  return raftProto().robustmq.raft.RaftTransport.service;
}
