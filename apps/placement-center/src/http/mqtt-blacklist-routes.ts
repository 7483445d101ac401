// /api/v1/mqtt/blacklist: add (or replace) entries, list them, delete one by type and value. CIDR values contain a
// '/', so the value is the rest of the path (`DELETE /api/v1/mqtt/blacklist/BLACKLIST_CIDR/10.0.0.0/8`).
import type { FastifyInstance } from 'fastify';
import { errorResponseSchema } from '@robustmq/common';
import type { BlacklistInput, MqttBlacklist } from '../mqtt/mqtt-blacklist.js';
import { BLACKLIST_TYPES } from '../state/mqtt-records.js';
import { idempotencyOf } from './idempotency-key.js';

const entrySchema = {
  type: 'object',
  properties: {
    type: { type: 'string' },
    value: { type: 'string' },
    expiresAtMs: { type: 'integer' },
    reason: { type: 'string' },
    createdAtMs: { type: 'integer' },
  },
} as const;

const errors = { 400: errorResponseSchema, 404: errorResponseSchema } as const;

export async function mqttBlacklistRoutes(app: FastifyInstance, deps: { blacklist: MqttBlacklist }) {
  app.post(
    '/api/v1/mqtt/blacklist',
    {
      schema: {
        body: {
          type: 'object',
          properties: {
            type: { type: 'string', enum: [...BLACKLIST_TYPES] },
            value: { type: 'string', minLength: 1 },
            expiresAtMs: { type: 'integer', minimum: 0, default: 0 },
            reason: { type: 'string', default: '' },
          },
          required: ['type', 'value'],
          additionalProperties: false,
        },
        response: {
          200: { type: 'object', properties: { entry: entrySchema, created: { type: 'boolean' } } },
          201: { type: 'object', properties: { entry: entrySchema, created: { type: 'boolean' } } },
          ...errors,
        },
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
        response: { 200: { type: 'object', properties: { entries: { type: 'array', items: entrySchema } } } },
      },
    },
    async () => ({ entries: await deps.blacklist.list() }),
  );

  app.delete(
    '/api/v1/mqtt/blacklist/:type/*',
    {
      schema: {
        params: {
          type: 'object',
          properties: {
            type: { type: 'string', enum: [...BLACKLIST_TYPES] },
            '*': { type: 'string', minLength: 1 },
          },
          required: ['type', '*'],
        },
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
