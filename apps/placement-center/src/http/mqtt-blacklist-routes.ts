// /api/v1/mqtt/blacklist: add (or replace) entries, list them, delete one by type and value. CIDR values contain a
// '/', so the value is the rest of the path (`DELETE /api/v1/mqtt/blacklist/BLACKLIST_CIDR/10.0.0.0/8`).
import type { FastifyInstance } from 'fastify';
import { errorResponseSchema, json } from '@robustmq/common';
import type { BlacklistInput, MqttBlacklist } from '../mqtt/mqtt-blacklist.js';
import { BLACKLIST_TYPES } from '../state/mqtt-records.js';
import { idempotencyOf } from './idempotency-key.js';

const entrySchema = json.object(
  {
    type: json.string,
    value: json.string,
    expiresAtMs: json.integer,
    reason: json.string,
    createdAtMs: json.integer,
  },
  'all',
);
const putReply = json.object({ entry: entrySchema, created: json.boolean }, 'all');

const errors = { 400: errorResponseSchema, 404: errorResponseSchema } as const;

export async function mqttBlacklistRoutes(app: FastifyInstance, deps: { blacklist: MqttBlacklist }) {
  app.post(
    '/api/v1/mqtt/blacklist',
    {
      schema: {
        body: json.closed(
          {
            type: { type: 'string', enum: [...BLACKLIST_TYPES] },
            value: json.nonEmptyString,
            expiresAtMs: { type: 'integer', minimum: 0, default: 0 },
            reason: { type: 'string', default: '' },
          },
          ['expiresAtMs', 'reason'],
        ),
        response: { 200: putReply, 201: putReply, ...errors },
      },
    },
    async (request, reply) => {
      const result = await deps.blacklist.put(request.body as BlacklistInput, idempotencyOf(request));
      return reply.status(result.created ? 201 : 200).send(result);
    },
  );

  app.get(
    '/api/v1/mqtt/blacklist',
    {
      schema: {
        response: { 200: json.object({ entries: json.array(entrySchema) }, 'all') },
      },
    },
    async () => ({ entries: await deps.blacklist.list() }),
  );

  app.delete(
    '/api/v1/mqtt/blacklist/:type/*',
    {
      schema: {
        params: json.object({
          type: { type: 'string', enum: [...BLACKLIST_TYPES] },
          '*': json.nonEmptyString,
        }),
        response: { 204: { type: 'null' }, ...errors },
      },
    },
    async (request, reply) => {
      const params = request.params as { type: string; '*': string };
      await deps.blacklist.delete(params.type, params['*'], idempotencyOf(request));
      return reply.status(204).send();
    },
  );
}
