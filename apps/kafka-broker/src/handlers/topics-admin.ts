// CreateTopics, DeleteTopics and CreatePartitions: topic metadata in placement, partitions as journal shards
// (topics/topic-catalog.ts). The replication factor and replica assignments of a request are accepted but not
// followed: replication is the journal's (storage.journal_replicas), and any broker can serve any partition.
import {
  ApiKey,
  ErrorCode,
  ZERO_UUID,
  type CreatePartitionsRequestData,
  type CreateTopicResultData,
  type CreateTopicsRequestData,
  type DeleteTopicsRequestData,
} from '@robustmq/protocol/kafka';
import { kafkaCodeOf } from '../topics/partition-store.js';
import { assertTopicAdmin } from './authorize.js';
import { apiHandler } from './context.js';

export const createTopics = apiHandler<CreateTopicsRequestData>(
  ApiKey.CreateTopics,
  async (ctx, conn, request) => {
    const topics: CreateTopicResultData[] = [];
    const seen = new Set<string>();
    for (const t of request.topics) {
      if (seen.has(t.name)) {
        topics.push({
          name: t.name,
          errorCode: ErrorCode.INVALID_REQUEST,
          errorMessage: `topic ${t.name} is named twice in the request`,
        });
        continue;
      }
      seen.add(t.name);
      const partitions = t.numPartitions === -1 ? ctx.config.kafka.default_partitions : t.numPartitions;
      const configs: Record<string, string> = {};
      for (const c of t.configs) if (c.value !== null) configs[c.name] = c.value;
      try {
        assertTopicAdmin(ctx, conn, t.name);
        const meta = await ctx.catalog.create(
          t.name,
          partitions,
          configs,
          ctx.config.kafka.max_partitions,
          request.validateOnly,
        );
        topics.push({
          name: t.name,
          topicId: meta.topicId,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          numPartitions: meta.partitions,
          replicationFactor: t.replicationFactor === -1 ? 1 : t.replicationFactor,
          configs: Object.entries(meta.configs).map(([name, value]) => ({
            name,
            value,
            readOnly: false,
            configSource: 1,
            isSensitive: false,
          })),
        });
      } catch (err) {
        topics.push({
          name: t.name,
          topicId: ZERO_UUID,
          errorCode: kafkaCodeOf(err),
          errorMessage: (err as Error).message,
        });
      }
    }
    return { throttleTimeMs: 0, topics };
  },
);

export const deleteTopics = apiHandler<DeleteTopicsRequestData>(
  ApiKey.DeleteTopics,
  async (ctx, conn, request, header) => {
    let targets: { name: string | null; topicId: string }[];
    if (header.apiVersion >= 6) {
      const byId = request.topics.some((t) => t.name === null) ? await ctx.catalog.list() : [];
      targets = request.topics.map((t) => ({
        name: t.name ?? byId.find((m) => m.topicId === t.topicId)?.name ?? null,
        topicId: t.topicId,
      }));
    } else {
      targets = request.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
    }
    const responses = [];
    for (const t of targets) {
      if (t.name === null) {
        responses.push({
          name: null,
          topicId: t.topicId,
          errorCode: ErrorCode.UNKNOWN_TOPIC_ID,
          errorMessage: `no topic has id ${t.topicId}`,
        });
        continue;
      }
      try {
        assertTopicAdmin(ctx, conn, t.name);
        await ctx.catalog.delete(t.name);
        responses.push({ name: t.name, topicId: t.topicId, errorCode: ErrorCode.NONE, errorMessage: null });
      } catch (err) {
        responses.push({
          name: t.name,
          topicId: t.topicId,
          errorCode: kafkaCodeOf(err),
          errorMessage: (err as Error).message,
        });
      }
    }
    return { throttleTimeMs: 0, responses };
  },
);

export const createPartitions = apiHandler<CreatePartitionsRequestData>(
  ApiKey.CreatePartitions,
  async (ctx, conn, request) => {
    const results = [];
    for (const t of request.topics) {
      try {
        assertTopicAdmin(ctx, conn, t.name);
        await ctx.catalog.addPartitions(
          t.name,
          t.count,
          ctx.config.kafka.max_partitions,
          request.validateOnly,
        );
        results.push({ name: t.name, errorCode: ErrorCode.NONE, errorMessage: null });
      } catch (err) {
        results.push({ name: t.name, errorCode: kafkaCodeOf(err), errorMessage: (err as Error).message });
      }
    }
    return { throttleTimeMs: 0, results };
  },
);
