// /api/v1/mqtt/topic-rewrite-rules and /api/v1/mqtt/auto-subscribe-rules: the broker rules that were settable only
// through MqttService's resources (TOPIC_REWRITE_RULE, AUTO_SUBSCRIBE_RULE). Rules are stored as those resources, so
// brokers pick up a change on their next refresh exactly as for a gRPC write; resource-schemas.ts validates the
// record (regular expressions, topic filters), the JSON schemas here only shape it.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errorResponseSchema, json } from '@robustmq/common';
import type { MqttResources } from '../mqtt/mqtt-resources.js';
import type { ResourceTypeName, StoredResource } from '../state/mqtt-records.js';
import { idempotencyOf } from './idempotency-key.js';
import { pageQuery, pageReply } from './page-schema.js';

const qos = { type: 'integer', minimum: 0, maximum: 2 } as const;

const RULES = [
  {
    path: '/api/v1/mqtt/topic-rewrite-rules',
    type: 'TOPIC_REWRITE_RULE',
    properties: {
      action: { type: 'string', enum: ['publish', 'subscribe', 'all'] },
      sourceTopic: { type: 'string', minLength: 1 },
      destTopic: { type: 'string', minLength: 1 },
      regex: json.string,
      priority: json.integer,
    },
    optional: ['priority'],
  },
  {
    path: '/api/v1/mqtt/auto-subscribe-rules',
    type: 'AUTO_SUBSCRIBE_RULE',
    properties: {
      topicFilter: { type: 'string', minLength: 1 },
      qos,
      noLocal: json.boolean,
      retainAsPublished: json.boolean,
      retainHandling: qos,
    },
    optional: ['noLocal', 'retainAsPublished', 'retainHandling'],
  },
] as const satisfies readonly {
  path: string;
  type: ResourceTypeName;
  properties: Record<string, object>;
  optional: readonly string[];
}[];

const idParams = json.object({ id: json.nonEmptyString });
const errors = { 400: errorResponseSchema, 404: errorResponseSchema } as const;

function toRule(resource: StoredResource) {
  return { id: resource.key, ...resource.record, updatedAtMs: resource.updatedAtMs };
}

export async function mqttRuleRoutes(app: FastifyInstance, deps: { resources: MqttResources }) {
  for (const rule of RULES) {
    const ruleSchema = json.object({ id: json.string, ...rule.properties, updatedAtMs: json.integer }, 'all');
    const id = (request: FastifyRequest) => (request.params as { id: string }).id;

    app.get(
      rule.path,
      {
        schema: {
          querystring: pageQuery({}, undefined),
          response: {
            200: pageReply('rules', ruleSchema),
            ...errors,
          },
        },
      },
      async (request) => {
        const query = request.query as { start_after?: string; limit?: number };
        const page = await deps.resources.list(rule.type, {
          ...(query.start_after ? { startAfter: query.start_after } : {}),
          ...(query.limit ? { limit: query.limit } : {}),
        });
        return { rules: page.resources.map(toRule), more: page.more };
      },
    );

    app.get(
      `${rule.path}/:id`,
      { schema: { params: idParams, response: { 200: ruleSchema, ...errors } } },
      async (request) => toRule(await deps.resources.get(rule.type, id(request))),
    );

    // PUT creates or replaces: a rule id is chosen by the operator, and the brokers apply the newest version
    app.put(
      `${rule.path}/:id`,
      {
        schema: {
          params: idParams,
          body: json.closed<Record<string, object>>(rule.properties, rule.optional),
          response: { 200: ruleSchema, 201: ruleSchema, ...errors },
        },
      },
      async (request, reply) => {
        const result = await deps.resources.put(
          { type: rule.type, key: id(request), json: JSON.stringify(request.body) },
          idempotencyOf(request),
        );
        return reply.status(result.created ? 201 : 200).send(toRule(result.resource));
      },
    );

    app.delete(
      `${rule.path}/:id`,
      { schema: { params: idParams, response: { 204: { type: 'null' }, ...errors } } },
      async (request, reply) => {
        await deps.resources.delete(rule.type, id(request), idempotencyOf(request));
        return reply.status(204).send();
      },
    );
  }
}
