// The broker's admin API under /api/v1, as a fastify plugin: clients (list, detail, kick), sessions, subscriptions,
// topics and retained messages (list, delete). Lists take `search`, `start_after` and `limit` (list-page.ts). Every route declares its JSON schema (input validation and output
// serialisation); errors are `{ code, message }` like every other admin API of the project.
import {
  HttpError,
  errorResponseSchema,
  jsonBoolean,
  jsonInteger,
  jsonString,
  nonEmptyString,
  objectSchema,
} from '@robustmq/common';
import type { FastifyInstance } from 'fastify';
import type { Broker } from '../core/broker-core.js';
import { NEVER_EXPIRES } from '../session/session.js';
import type { PacketObject } from '../storage/session-persistence.js';
import { pageOf, pageQuerySchema, type PageQuery } from './list-page.js';

const clientSchema = objectSchema({
  clientId: jsonString,
  protocolVersion: jsonInteger,
  remoteAddress: jsonString,
  transport: { type: 'string', enum: ['tcp', 'tls', 'ws', 'wss'] },
  keepAlive: jsonInteger,
  connectedAt: jsonString,
  subscriptions: jsonInteger,
});

const sessionSchema = objectSchema({
  clientId: jsonString,
  connected: jsonBoolean,
  persistent: jsonBoolean,
  /** seconds; -1 = never expires. */
  expiryInterval: jsonInteger,
  subscriptions: jsonInteger,
  inflight: jsonInteger,
  awaitingRelease: jsonInteger,
});

const subscriptionSchema = objectSchema(
  {
    clientId: jsonString,
    topic: jsonString,
    qos: jsonInteger,
    noLocal: jsonBoolean,
    retainAsPublished: jsonBoolean,
    retainHandling: jsonInteger,
    identifier: jsonInteger,
    shareGroup: jsonString,
  },
  ['identifier', 'shareGroup'],
);

const retainedSchema = objectSchema(
  {
    topic: jsonString,
    qos: jsonInteger,
    payloadBytes: jsonInteger,
    /** the payload as base64 (it may be binary). */
    payload: jsonString,
    publishedAt: jsonString,
  },
  ['publishedAt'],
);

const topicSchema = objectSchema({ topic: jsonString, messages: jsonInteger, lastPublishedAt: jsonString });

const clientIdParams = objectSchema({ clientId: nonEmptyString });

const topicQuery = objectSchema({ topic: nonEmptyString });

const errors = { 400: errorResponseSchema, 404: errorResponseSchema } as const;

/** What a list route answers besides its page (the topics list's untracked count): schemas and values. */
interface ListExtras {
  schema: Record<string, object>;
  values: () => Record<string, unknown>;
}

/** GET `path`: one page of `rows()` as `{ total, more, [name]: rows, ...extras }` (list-page.ts). */
function listRoute<T>(
  app: FastifyInstance,
  path: string,
  name: string,
  item: object,
  rows: () => Iterable<T>,
  key: (row: T) => string,
  text: (row: T) => string[],
  extras: ListExtras = { schema: {}, values: () => ({}) },
): void {
  const response = objectSchema({
    total: jsonInteger,
    more: jsonBoolean,
    ...extras.schema,
    [name]: { type: 'array', items: item },
  });
  app.get<{ Querystring: PageQuery }>(
    path,
    { schema: { querystring: pageQuerySchema, response: { 200: response } } },
    async (request) => {
      const page = pageOf(rows(), key, text, request.query);
      return { total: page.total, more: page.more, ...extras.values(), [name]: page.rows };
    },
  );
}

/** the key subscriptions are ordered and paged by: client id, then topic filter. */
export const subscriptionKey = (s: { clientId: string; topic: string }) => `${s.clientId}\n${s.topic}`;

export function adminApi(broker: Broker) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    listRoute(
      app,
      '/api/v1/clients',
      'clients',
      clientSchema,
      () => broker.listClients(),
      (c) => c.clientId,
      (c) => [c.clientId, c.remoteAddress],
    );

    app.get<{ Params: { clientId: string } }>(
      '/api/v1/clients/:clientId',
      {
        schema: {
          params: clientIdParams,
          response: {
            200: objectSchema({
              ...clientSchema.properties,
              session: sessionSchema,
              subscriptionList: { type: 'array', items: subscriptionSchema },
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        const { clientId } = request.params;
        const info = broker.clientInfo(clientId);
        const session = broker.sessions.get(clientId);
        if (!info || !session)
          throw new HttpError(404, 'NOT_FOUND', `client ${JSON.stringify(clientId)} is not connected`);
        return { ...info, session: sessionInfo(clientId), subscriptionList: subscriptionsOf(clientId) };
      },
    );

    app.delete<{ Params: { clientId: string } }>(
      '/api/v1/clients/:clientId',
      {
        schema: {
          params: clientIdParams,
          response: {
            200: objectSchema({ clientId: jsonString, disconnected: jsonBoolean }),
            ...errors,
          },
        },
      },
      async (request) => {
        const { clientId } = request.params;
        if (!broker.kick(clientId))
          throw new HttpError(404, 'NOT_FOUND', `client ${JSON.stringify(clientId)} is not connected`);
        return { clientId, disconnected: true };
      },
    );

    listRoute(
      app,
      '/api/v1/sessions',
      'sessions',
      sessionSchema,
      () => [...broker.sessions.keys()].map(sessionInfo),
      (s) => s.clientId,
      (s) => [s.clientId],
    );

    listRoute(
      app,
      '/api/v1/subscriptions',
      'subscriptions',
      subscriptionSchema,
      () => [...broker.sessions.keys()].flatMap(subscriptionsOf),
      subscriptionKey,
      (s) => [s.clientId, s.topic, s.shareGroup ?? ''],
    );

    listRoute(
      app,
      '/api/v1/topics',
      'topics',
      topicSchema,
      () => broker.topics.list(),
      (t) => t.topic,
      (t) => [t.topic],
      {
        /** messages to topics published after the table (10,000 topics) was full. */
        schema: { untrackedMessages: { type: 'integer' } },
        values: () => ({ untrackedMessages: broker.topics.untracked }),
      },
    );

    listRoute(
      app,
      '/api/v1/retained',
      'retained',
      retainedSchema,
      () => [...broker.persistence.retainedMessages()].map(retainedInfo),
      (r) => r.topic,
      (r) => [r.topic],
    );

    app.delete<{ Querystring: { topic: string } }>(
      '/api/v1/retained',
      {
        schema: {
          querystring: topicQuery,
          response: {
            200: objectSchema({ topic: jsonString, deleted: jsonBoolean }),
            ...errors,
          },
        },
      },
      async (request) => {
        const { topic } = request.query;
        if (!broker.persistence.getRetained(topic))
          throw new HttpError(404, 'NOT_FOUND', `no retained message on ${JSON.stringify(topic)}`);
        await broker.persistence.storeRetained({ topic, payload: Buffer.alloc(0) });
        return { topic, deleted: true };
      },
    );
  };

  function sessionInfo(clientId: string) {
    const session = broker.sessions.get(clientId)!;
    return {
      clientId,
      connected: session.connection !== undefined,
      persistent: session.persistent,
      expiryInterval: session.expiry === NEVER_EXPIRES ? -1 : session.expiry,
      subscriptions: session.subscriptionCount,
      inflight: session.inflightCount,
      awaitingRelease: session.awaitingReleaseCount,
    };
  }

  function subscriptionsOf(clientId: string) {
    const session = broker.sessions.get(clientId);
    if (!session) return [];
    return [...session.subscriptionEntries()].map(([topic, sub]) => ({
      clientId,
      topic,
      qos: sub.qos,
      noLocal: sub.noLocal,
      retainAsPublished: sub.retainAsPublished,
      retainHandling: sub.retainHandling,
      ...(sub.identifier !== undefined ? { identifier: sub.identifier } : {}),
      ...(sub.share !== undefined ? { shareGroup: sub.share } : {}),
    }));
  }
}

/** A retained message as the list shows it: the payload as base64 (it may be binary). */
function retainedInfo(packet: PacketObject) {
  const payload = Buffer.isBuffer(packet.payload)
    ? packet.payload
    : Buffer.from(String(packet.payload ?? ''));
  return {
    topic: packet.topic as string,
    qos: (packet.qos as number) ?? 0,
    payloadBytes: payload.length,
    payload: payload.toString('base64'),
    ...(typeof packet.ts === 'number' ? { publishedAt: new Date(packet.ts).toISOString() } : {}),
  };
}
