// /api/v1/journal/shards: list, create (opens segment 0 on chosen journal servers), get one with its segments,
// and delete (marks the shard and its segments DELETING).
import type { FastifyInstance } from 'fastify';
import { errorResponseSchema, json } from '@robustmq/common';
import type { JournalMetadata, ShardConfigInput } from '../journal/journal-metadata.js';
import { ACKS_MODES } from '../state/journal-records.js';
import { idempotencyOf } from './idempotency-key.js';
import { pageQuery, pageReply } from './page-schema.js';

const configSchema = json.object(
  {
    replicaCount: json.integer,
    acks: json.string,
    maxSegmentBytes: json.integer,
    maxSegmentAgeMs: json.integer,
    retentionMs: json.integer,
    retentionBytes: json.integer,
  },
  'all',
);

const shardSchema = json.object(
  {
    namespace: json.string,
    name: json.string,
    config: configSchema,
    status: json.string,
    activeSegmentSeq: json.integer,
    createdAtMs: json.integer,
  },
  'all',
);

export const segmentSchema = json.object(
  {
    namespace: json.string,
    shardName: json.string,
    seq: json.integer,
    replicas: json.array(json.integer),
    leader: json.integer,
    epoch: json.integer,
    status: json.string,
    startOffset: json.integer,
    endOffset: json.integer,
    startTimestampMs: json.integer,
    endTimestampMs: json.integer,
    createdAtMs: json.integer,
  },
  'all',
);

const shardParams = json.object({ namespace: json.nonEmptyString, name: json.nonEmptyString });
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
        body: json.closed({
          namespace: json.nonEmptyString,
          name: json.nonEmptyString,
          config: json.closed(
            {
              replicaCount: { type: 'integer', minimum: 1 },
              acks: { type: 'string', enum: [...ACKS_MODES] },
              maxSegmentBytes: { type: 'integer', minimum: 0 },
              maxSegmentAgeMs: { type: 'integer', minimum: 0 },
              retentionMs: { type: 'integer', minimum: 0 },
              retentionBytes: { type: 'integer', minimum: 0 },
            },
            ['maxSegmentBytes', 'maxSegmentAgeMs', 'retentionMs', 'retentionBytes'],
          ),
        }),
        response: {
          201: json.object({ shard: shardSchema, segment: segmentSchema }, 'all'),
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
          200: json.object({ shard: shardSchema, segments: json.array(segmentSchema) }, 'all'),
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
