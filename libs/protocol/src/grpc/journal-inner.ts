// Typed entry points to the journal server's inner gRPC service (proto/journal/inner.proto, port 2228): segment
// state, leader activation and cache refresh, called by the placement center's leader.
import { grpcService, lazyProto } from './loader.js';
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

const innerProto = lazyProto<InnerProto>('journal/inner.proto');
const journalInner = grpcService<JournalInnerServiceClient>(
  () => innerProto().robustmq.journal.JournalInnerService,
);
export const journalInnerServiceDefinition = journalInner.definition;
export const newJournalInnerClient = journalInner.newClient;
