// /api/v1/journal/shards: list, create (opens segment 0 on chosen journal servers), get one with its segments,
// and delete (marks the shard and its segments DELETING).
import type { FastifyInstance } from 'fastify';
import { errorResponseSchema } from '@robustmq/common';
import type { JournalMetadata, ShardConfigInput } from '../journal/journal-metadata.js';
import { ACKS_MODES } from '../state/journal-records.js';
import { idempotencyOf } from './idempotency-key.js';
import { pageQuery, pageReply } from './page-schema.js';

const configSchema = {
  type: 'object',
  properties: {
    replicaCount: { type: 'integer' },
    acks: { type: 'string' },
    maxSegmentBytes: { type: 'integer' },
    maxSegmentAgeMs: { type: 'integer' },
    retentionMs: { type: 'integer' },
    retentionBytes: { type: 'integer' },
  },
} as const;

const shardSchema = {
  type: 'object',
  properties: {
    namespace: { type: 'string' },
    name: { type: 'string' },
    config: configSchema,
    status: { type: 'string' },
    activeSegmentSeq: { type: 'integer' },
    createdAtMs: { type: 'integer' },
  },
} as const;

export const segmentSchema = {
  type: 'object',
  properties: {
    namespace: { type: 'string' },
    shardName: { type: 'string' },
    seq: { type: 'integer' },
    replicas: { type: 'array', items: { type: 'integer' } },
    leader: { type: 'integer' },
    epoch: { type: 'integer' },
    status: { type: 'string' },
    startOffset: { type: 'integer' },
    endOffset: { type: 'integer' },
    startTimestampMs: { type: 'integer' },
    endTimestampMs: { type: 'integer' },
    createdAtMs: { type: 'integer' },
  },
} as const;

const shardParams = {
  type: 'object',
  properties: { namespace: { type: 'string', minLength: 1 }, name: { type: 'string', minLength: 1 } },
  required: ['namespace', 'name'],
} as const;
const errors = { 400: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema } as const;

export async function journalRoutes(app: FastifyInstance, deps: { journal: JournalMetadata }) {
  app.get(
    '/api/v1/journal/shards',
    {
      schema: {
        querystring: pageQuery({ namespace: { type: 'string', default: '' } }),
        response: {
          200: pageReply('shards', shardSchema),
          400: errorResponseSchema,
        },
      },
    },
    async (request) => {
      const query = request.query as { namespace: string; start_after: string; limit: number };
      return deps.journal.listShards(query.namespace, query.start_after, query.limit);
    },
  );

  app.post(
    '/api/v1/journal/shards',
    {
      schema: {
        body: {
          type: 'object',
          properties: {
            namespace: { type: 'string', minLength: 1 },
            name: { type: 'string', minLength: 1 },
            config: {
              type: 'object',
              properties: {
                replicaCount: { type: 'integer', minimum: 1 },
                acks: { type: 'string', enum: [...ACKS_MODES] },
                maxSegmentBytes: { type: 'integer', minimum: 0 },
                maxSegmentAgeMs: { type: 'integer', minimum: 0 },
                retentionMs: { type: 'integer', minimum: 0 },
                retentionBytes: { type: 'integer', minimum: 0 },
              },
              required: ['replicaCount', 'acks'],
              additionalProperties: false,
            },
          },
          required: ['namespace', 'name', 'config'],
          additionalProperties: false,
        },
        response: {
          201: { type: 'object', properties: { shard: shardSchema, segment: segmentSchema } },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const body = request.body as { namespace: string; name: string; config: ShardConfigInput };
      return reply
        .status(201)
        .send(await deps.journal.createShard(body.namespace, body.name, body.config, idempotencyOf(request)));
    },
  );

  app.get(
    '/api/v1/journal/shards/:namespace/:name',
    {
      schema: {
        params: shardParams,
        response: {
          200: {
            type: 'object',
            properties: { shard: shardSchema, segments: { type: 'array', items: segmentSchema } },
          },
          ...errors,
        },
      },
    },
    async (request) => {
      const { namespace, name } = request.params as { namespace: string; name: string };
      const shard = await deps.journal.getShard(namespace, name);
      return { shard, segments: await deps.journal.listSegments(namespace, name) };
    },
  );

  app.delete(
    '/api/v1/journal/shards/:namespace/:name',
    { schema: { params: shardParams, response: { 204: { type: 'null' }, ...errors } } },
    async (request, reply) => {
      const { namespace, name } = request.params as { namespace: string; name: string };
      await deps.journal.deleteShard(namespace, name, idempotencyOf(request));
      return reply.status(204).send();
    },
  );
}
