// gRPC JournalService: shards, segments and consumer offsets, over JournalMetadata and ConsumerOffsets. Writes pass
// the request's request_id on, so a retried write takes effect once and answers like its first attempt.
import type { JournalServiceHandlers } from '@robustmq/protocol';
import type { ConsumerOffsets } from '../journal/consumer-offsets.js';
import type { JournalMetadata } from '../journal/journal-metadata.js';
import { writeOptions } from '../metadata/write-options.js';
import { unary } from './grpc-errors.js';

export function journalServiceHandlers(
  journal: JournalMetadata,
  offsets: ConsumerOffsets,
): JournalServiceHandlers {
  return {
    CreateShard: unary(async (request) =>
      journal.createShard(request.namespace, request.name, request.config, writeOptions(request)),
    ),
    DeleteShard: unary(async (request) => {
      await journal.deleteShard(request.namespace, request.name, writeOptions(request));
      return {};
    }),
    GetShard: unary(async (request) => ({ shard: await journal.getShard(request.namespace, request.name) })),
    ListShards: unary(async (request) =>
      journal.listShards(request.namespace, request.startAfter, request.limit),
    ),
    ListSegments: unary(async (request) => ({
      segments: await journal.listSegments(request.namespace, request.shardName),
    })),
    SealAndOpenNext: unary(async (request) => journal.sealAndOpenNext(request, writeOptions(request))),
    UpdateSegmentLeader: unary(async (request) => ({
      segment: await journal.updateSegmentLeader(request, writeOptions(request)),
    })),

    CommitOffset: unary(async (request) => {
      await offsets.commit(
        request.group,
        request.namespace,
        request.shardName,
        request.offset,
        writeOptions(request),
      );
      return {};
    }),
    FetchOffset: unary(async (request) => ({
      offset: await offsets.fetch(request.group, request.namespace, request.shardName),
    })),
    ListOffsets: unary(async (request) => ({ offsets: await offsets.list(request.group) })),
  };
}
