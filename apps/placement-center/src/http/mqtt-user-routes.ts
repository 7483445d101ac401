// /api/v1/mqtt/users: create, list, get, update (password / superuser) and delete MQTT users. Response schemas list
// only the public fields, so a password hash could not be serialised even by mistake.
import type { FastifyInstance } from 'fastify';
import { errorResponseSchema, json } from '@robustmq/common';
import type { MqttUsers } from '../mqtt/mqtt-users.js';
import { idempotencyOf } from './idempotency-key.js';
import { pageQuery, pageReply } from './page-schema.js';

export const userSchema = json.closed(
  { username: json.string, superuser: json.boolean, createdAtMs: json.integer, updatedAtMs: json.integer },
  'all',
);

const usernameParams = json.object({ username: json.nonEmptyString });
const errors = { 400: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema } as const;

export async function mqttUserRoutes(app: FastifyInstance, deps: { users: MqttUsers }) {
  app.post(
    '/api/v1/mqtt/users',
    {
      schema: {
        body: json.closed(
          {
            username: json.nonEmptyString,
            password: json.nonEmptyString,
            superuser: { type: 'boolean', default: false },
          },
          ['superuser'],
        ),
        response: { 201: userSchema, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body as { username: string; password: string; superuser: boolean };
      return reply.status(201).send(await deps.users.create(body, idempotencyOf(request)));
    },
  );

  app.get(
    '/api/v1/mqtt/users',
    {
      schema: {
        querystring: pageQuery(),
        response: {
          200: pageReply('users', userSchema),
          400: errorResponseSchema,
        },
      },
    },
    async (request) => {
      const query = request.query as { start_after: string; limit: number };
      return deps.users.list(query.start_after, query.limit);
    },
  );

  app.get(
    '/api/v1/mqtt/users/:username',
    { schema: { params: usernameParams, response: { 200: userSchema, ...errors } } },
    async (request) => deps.users.get((request.params as { username: string }).username),
  );

  app.put(
    '/api/v1/mqtt/users/:username',
    {
      schema: {
        params: usernameParams,
        body: {
          ...json.closed({ password: json.nonEmptyString, superuser: json.boolean }, 'all'),
          minProperties: 1,
        },
        response: { 200: userSchema, ...errors },
      },
    },
    async (request) =>
      deps.users.update(
        (request.params as { username: string }).username,
        request.body as { password?: string; superuser?: boolean },
        idempotencyOf(request),
      ),
  );

  app.delete(
    '/api/v1/mqtt/users/:username',
    { schema: { params: usernameParams, response: { 204: { type: 'null' }, ...errors } } },
    async (request, reply) => {
      await deps.users.delete((request.params as { username: string }).username, idempotencyOf(request));
      return reply.status(204).send();
    },
  );
}
