// gRPC JournalService: shards, segments and consumer offsets, over JournalMetadata and ConsumerOffsets.
import type { JournalServiceHandlers } from '@robustmq/protocol';
import type { ConsumerOffsets } from '../journal/consumer-offsets.js';
import type { JournalMetadata } from '../journal/journal-metadata.js';
import { unary } from './grpc-errors.js';

export function journalServiceHandlers(journal: JournalMetadata, offsets: ConsumerOffsets): JournalServiceHandlers {
  return {
    CreateShard: unary(async (request) => journal.createShard(request.namespace, request.name, request.config)),
    DeleteShard: unary(async (request) => {
      await journal.deleteShard(request.namespace, request.name);
      return {};
    }),
    GetShard: unary(async (request) => ({ shard: await journal.getShard(request.namespace, request.name) })),
    ListShards: unary(async (request) => journal.listShards(request.namespace, request.startAfter, request.limit)),
    ListSegments: unary(async (request) => ({ segments: await journal.listSegments(request.namespace, request.shardName) })),
    SealAndOpenNext: unary(async (request) => journal.sealAndOpenNext(request)),
    UpdateSegmentLeader: unary(async (request) => ({ segment: await journal.updateSegmentLeader(request) })),

    CommitOffset: unary(async (request) => {
      await offsets.commit(request.group, request.namespace, request.shardName, request.offset);
      return {};
    }),
    FetchOffset: unary(async (request) => ({ offset: await offsets.fetch(request.group, request.namespace, request.shardName) })),
    ListOffsets: unary(async (request) => ({ offsets: await offsets.list(request.group) })),
  };
}
