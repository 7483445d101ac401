// HTTP admin routes (port 2227) showing what this journal server holds: shards and their local segment replicas
// with role, epoch, offsets, high watermark and — on a leader — each follower's replicated end and lag. Every route
// declares its JSON schema; errors are `{code, message}`.
import { HttpError, errorResponseSchema, json } from '@robustmq/common';
import type { FastifyInstance } from 'fastify';
import type { JournalNode } from '../replication/journal-node.js';
import type { LocalSegment } from '../storage/local-segment.js';

const followerSchema = json.object(
  {
    nodeId: json.integer,
    replicatedEnd: json.integer,
    lag: json.integer,
    lastContactMs: json.integer,
    lastError: json.string,
  },
  ['lastContactMs', 'lastError'],
);

const nullableInteger = { type: ['integer', 'null'] } as const;

const segmentSchema = json.object(
  {
    namespace: json.string,
    shard: json.string,
    seq: json.integer,
    role: { type: 'string', enum: ['leader', 'follower', 'sealed'] },
    state: json.string,
    epoch: json.integer,
    startOffset: json.integer,
    endOffset: json.integer,
    highWatermark: nullableInteger,
    sealedEnd: nullableInteger,
    sizeBytes: json.integer,
    lastLeaderContactMs: nullableInteger,
    followers: { type: 'array', items: followerSchema },
  },
  ['state', 'highWatermark', 'sealedEnd', 'lastLeaderContactMs'],
);

const shardSchema = json.object({
  namespace: json.string,
  shard: json.string,
  segments: json.integer,
  records: json.integer,
  sizeBytes: json.integer,
  leaderOf: json.integer,
});

function describe(node: JournalNode, seg: LocalSegment) {
  const leader = node.leaders.get(seg.key);
  const follower = node.followers.get(seg.key);
  return {
    namespace: seg.meta.namespace,
    shard: seg.meta.shard,
    seq: seg.meta.seq,
    role:
      leader && leader.state !== 'stopped' ? 'leader' : seg.meta.sealedEnd !== null ? 'sealed' : 'follower',
    state: leader?.state ?? (seg.meta.sealedEnd !== null ? 'sealed' : 'following'),
    epoch: seg.meta.epoch,
    startOffset: seg.meta.startOffset,
    endOffset: seg.durableEnd,
    highWatermark: leader ? leader.hw : (follower?.knownHw ?? null),
    sealedEnd: seg.meta.sealedEnd,
    sizeBytes: seg.file.size,
    lastLeaderContactMs: leader ? null : (follower?.lastContactMs ?? null),
    followers: leader
      ? [...leader.followers.values()].map((f) => ({
          nodeId: f.nodeId,
          replicatedEnd: f.match,
          lag: Math.max(0, seg.endOffset - f.match),
          lastContactMs: f.lastContactMs,
          lastError: f.lastError,
        }))
      : [],
  };
}

export async function adminRoutes(app: FastifyInstance, options: { node: JournalNode }): Promise<void> {
  const { node } = options;
  const sorted = () =>
    node.store
      .list()
      .sort(
        (a, b) =>
          a.meta.namespace.localeCompare(b.meta.namespace) ||
          a.meta.shard.localeCompare(b.meta.shard) ||
          a.meta.seq - b.meta.seq,
      );

  app.get(
    '/api/v1/shards',
    {
      schema: {
        response: {
          200: json.object({ shards: { type: 'array', items: shardSchema } }),
        },
      },
    },
    async () => {
      const shards = new Map<
        string,
        {
          namespace: string;
          shard: string;
          segments: number;
          records: number;
          sizeBytes: number;
          leaderOf: number;
        }
      >();
      for (const seg of sorted()) {
        const key = `${seg.meta.namespace}/${seg.meta.shard}`;
        const s = shards.get(key) ?? {
          namespace: seg.meta.namespace,
          shard: seg.meta.shard,
          segments: 0,
          records: 0,
          sizeBytes: 0,
          leaderOf: 0,
        };
        s.segments++;
        s.records += seg.recordCount;
        s.sizeBytes += seg.file.size;
        if (node.leaders.get(seg.key)) s.leaderOf++;
        shards.set(key, s);
      }
      return { shards: [...shards.values()] };
    },
  );

  app.get(
    '/api/v1/segments',
    {
      schema: {
        response: {
          200: json.object({ segments: { type: 'array', items: segmentSchema } }),
        },
      },
    },
    async () => ({ segments: sorted().map((seg) => describe(node, seg)) }),
  );

  app.get<{ Params: { namespace: string; shard: string } }>(
    '/api/v1/shards/:namespace/:shard',
    {
      schema: {
        params: json.object({ namespace: json.nonEmptyString, shard: json.nonEmptyString }),
        response: {
          200: json.object({
            namespace: json.string,
            shard: json.string,
            segments: { type: 'array', items: segmentSchema },
          }),
          404: errorResponseSchema,
        },
      },
    },
    async (request) => {
      const { namespace, shard } = request.params;
      const segments = sorted().filter((s) => s.meta.namespace === namespace && s.meta.shard === shard);
      if (segments.length === 0) {
        throw new HttpError(
          404,
          'NOT_FOUND',
          `this journal server holds no segment of shard ${namespace}/${shard}; GET /api/v1/shards lists the ones it holds`,
        );
      }
      return { namespace, shard, segments: segments.map((seg) => describe(node, seg)) };
    },
  );
}
