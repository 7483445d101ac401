// Typed entry points to the placement center's JournalService (shards, segments, consumer offsets).
import type * as grpc from '@grpc/grpc-js';
import { placementProtos } from './loader.js';
import type { JournalServiceClient } from '../generated/robustmq/placement/JournalService.js';

export type {
  JournalServiceClient,
  JournalServiceHandlers,
} from '../generated/robustmq/placement/JournalService.js';
export type { Shard, Shard__Output } from '../generated/robustmq/placement/Shard.js';
export type { ShardConfig, ShardConfig__Output } from '../generated/robustmq/placement/ShardConfig.js';
export type { Segment, Segment__Output } from '../generated/robustmq/placement/Segment.js';
export type {
  ConsumerOffset,
  ConsumerOffset__Output,
} from '../generated/robustmq/placement/ConsumerOffset.js';
export type { CommitOffsetRequest } from '../generated/robustmq/placement/CommitOffsetRequest.js';
export type { CommitOffsetResult__Output } from '../generated/robustmq/placement/CommitOffsetResult.js';
export type { AcksMode__Output as AcksMode } from '../generated/robustmq/placement/AcksMode.js';
export type { ShardStatus__Output as ShardStatus } from '../generated/robustmq/placement/ShardStatus.js';
export type { SegmentStatus__Output as SegmentStatus } from '../generated/robustmq/placement/SegmentStatus.js';

export function journalServiceDefinition(): grpc.ServiceDefinition {
  return placementProtos().journal.robustmq.placement.JournalService.service;
}

export function newJournalClient(
  address: string,
  credentials: grpc.ChannelCredentials,
  options?: grpc.ClientOptions,
): JournalServiceClient {
  const Ctor = placementProtos().journal.robustmq.placement.JournalService;
  return new Ctor(address, credentials, options);
}
