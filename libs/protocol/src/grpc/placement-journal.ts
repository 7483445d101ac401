// Typed entry points to the placement center's JournalService (shards, segments, consumer offsets).
import { grpcService, placementProtos } from './loader.js';
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

const journal = grpcService<JournalServiceClient>(
  () => placementProtos().journal.robustmq.placement.JournalService,
);
export const journalServiceDefinition = journal.definition;
export const newJournalClient = journal.newClient;
