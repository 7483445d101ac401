// /api/v1/mqtt/acl: create, list, get and delete ACL rules (rules are immutable: replace = delete + create).
import type { FastifyInstance } from 'fastify';
import { errorResponseSchema, json } from '@robustmq/common';
import { notFound } from '../metadata/metadata-error.js';
import type { AclRuleInput, MqttAcl } from '../mqtt/mqtt-acl.js';
import { ACL_ACTIONS, ACL_PERMISSIONS, ACL_SUBJECT_TYPES } from '../state/mqtt-records.js';
import { idempotencyOf } from './idempotency-key.js';

const ruleSchema = json.object(
  {
    id: json.string,
    permission: json.string,
    action: json.string,
    subjectType: json.string,
    subjectValue: json.string,
    topicFilter: json.string,
    priority: json.integer,
    createdAtMs: json.integer,
  },
  'all',
);

const idParams = json.object({ id: json.nonEmptyString });
const errors = { 400: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema } as const;

export async function mqttAclRoutes(app: FastifyInstance, deps: { acl: MqttAcl }) {
  app.post(
    '/api/v1/mqtt/acl',
    {
      schema: {
        body: json.closed(
          {
            id: json.string,
            permission: { type: 'string', enum: [...ACL_PERMISSIONS] },
            action: { type: 'string', enum: [...ACL_ACTIONS] },
            subjectType: { type: 'string', enum: [...ACL_SUBJECT_TYPES] },
            subjectValue: { type: 'string', default: '' },
            topicFilter: json.string,
            priority: { type: 'integer', default: 0 },
          },
          ['id', 'subjectValue', 'priority'],
        ),
        response: { 201: ruleSchema, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await deps.acl.create(request.body as AclRuleInput, idempotencyOf(request))),
  );

  app.get(
    '/api/v1/mqtt/acl',
    {
      schema: {
        response: { 200: json.object({ rules: json.array(ruleSchema) }, 'all') },
      },
    },
    async () => ({ rules: await deps.acl.list() }),
  );

  app.get(
    '/api/v1/mqtt/acl/:id',
    { schema: { params: idParams, response: { 200: ruleSchema, ...errors } } },
    async (request) => {
      const { id } = request.params as { id: string };
      const rule = (await deps.acl.list()).find((r) => r.id === id);
      if (!rule) throw notFound(`ACL rule "${id}" not found`);
      return rule;
    },
  );

  app.delete(
    '/api/v1/mqtt/acl/:id',
    { schema: { params: idParams, response: { 204: { type: 'null' }, ...errors } } },
    async (request, reply) => {
      await deps.acl.delete((request.params as { id: string }).id, idempotencyOf(request));
      return reply.status(204).send();
    },
  );
}
