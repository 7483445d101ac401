// Metadata: the live brokers, and each asked-for topic with its partitions and their leaders (placement's live
// kafka-broker list, see cluster/broker-directory.ts). An unknown topic is created when the client allows it and
// `[kafka] auto_create_topics` is on, as Kafka's auto.create.topics.enable does.
import {
  ApiKey,
  ErrorCode,
  ZERO_UUID,
  type MetadataRequestData,
  type MetadataResponseData,
  type MetadataTopicData,
} from '@robustmq/protocol/kafka';
import { advertisedPort } from '../cluster/broker-directory.js';
import { kafkaCodeOf } from '../topics/partition-store.js';
import { TopicError, type TopicMeta } from '../topics/topic-catalog.js';
import { topicAllowed, topicVisible } from './authorize.js';
import { apiHandler, type BrokerContext } from './context.js';

function topicEntry(ctx: BrokerContext, meta: TopicMeta): MetadataTopicData {
  return {
    errorCode: ErrorCode.NONE,
    name: meta.name,
    topicId: meta.topicId,
    isInternal: false,
    partitions: Array.from({ length: meta.partitions }, (_, p) => {
      const leader = ctx.directory.leaderOf(meta.name, p);
      return {
        errorCode: ErrorCode.NONE,
        partitionIndex: p,
        leaderId: leader,
        leaderEpoch: 0,
        replicaNodes: [leader],
        isrNodes: [leader],
        offlineReplicas: [],
      };
    }),
  };
}

function errorEntry(name: string, errorCode: number): MetadataTopicData {
  return { errorCode, name, topicId: ZERO_UUID, isInternal: false, partitions: [] };
}

export const metadata = apiHandler<MetadataRequestData>(
  ApiKey.Metadata,
  async (ctx, conn, request, header) => {
    // v0: an empty list means every topic; v1+: null does
    const all = request.topics === null || (header.apiVersion === 0 && request.topics.length === 0);
    const topics: MetadataTopicData[] = [];
    if (all) {
      // topics the principal may neither produce to nor read are left out, as Kafka hides them without DESCRIBE
      for (const meta of await ctx.catalog.list())
        if (topicVisible(ctx, conn, meta.name)) topics.push(topicEntry(ctx, meta));
    } else {
      for (const t of request.topics!) {
        if (t.name === null) {
          topics.push({ ...errorEntry('', ErrorCode.UNKNOWN_TOPIC_ID), name: null, topicId: t.topicId });
          continue;
        }
        if (!topicVisible(ctx, conn, t.name)) {
          topics.push(errorEntry(t.name, ErrorCode.TOPIC_AUTHORIZATION_FAILED));
          continue;
        }
        try {
          let meta = await ctx.catalog.get(t.name, true);
          // auto-creation (the operator's auto_create_topics) goes to whoever may produce to the topic
          if (
            !meta &&
            request.allowAutoTopicCreation &&
            ctx.config.kafka.auto_create_topics &&
            topicAllowed(ctx, conn, 'publish', t.name)
          ) {
            try {
              meta = await ctx.catalog.create(
                t.name,
                ctx.config.kafka.default_partitions,
                {},
                ctx.config.kafka.max_partitions,
              );
            } catch (err) {
              // another broker created it first
              if (!(err instanceof TopicError && err.kafkaCode === ErrorCode.TOPIC_ALREADY_EXISTS)) throw err;
              meta = await ctx.catalog.get(t.name, true);
            }
          }
          topics.push(
            meta ? topicEntry(ctx, meta) : errorEntry(t.name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION),
          );
        } catch (err) {
          topics.push(errorEntry(t.name, kafkaCodeOf(err)));
        }
      }
    }
    const response: MetadataResponseData = {
      throttleTimeMs: 0,
      // each broker's port of the listener this client came in on (TLS clients are sent to TLS ports)
      brokers: ctx.directory.brokers.map((b) => ({
        nodeId: b.nodeId,
        host: b.host,
        port: advertisedPort(b, conn.listener),
        rack: null,
      })),
      clusterId: ctx.config.node.cluster_name,
      controllerId: ctx.directory.controllerId,
      topics,
    };
    return { ...response };
  },
);
