// The broker's admin API under /api/v1, as a fastify plugin: clients (list, detail, kick), sessions, subscriptions,
// topics and retained messages (list, delete). Lists take `search`, `start_after` and `limit` (list-page.ts). Every route declares its JSON schema (input validation and output
// serialisation); errors are `{ code, message }` like every other admin API of the project.
import { HttpError, errorResponseSchema, json } from '@robustmq/common';
import type { FastifyInstance } from 'fastify';
import type { Broker } from '../core/broker-core.js';
import { NEVER_EXPIRES } from '../session/session.js';
import type { PacketObject } from '../storage/session-persistence.js';
import { pageOf, pageQuerySchema, type PageQuery } from './list-page.js';

const clientSchema = json.object({
  clientId: json.string,
  protocolVersion: json.integer,
  remoteAddress: json.string,
  transport: { type: 'string', enum: ['tcp', 'tls', 'ws', 'wss'] },
  keepAlive: json.integer,
  connectedAt: json.string,
  subscriptions: json.integer,
});

const sessionSchema = json.object({
  clientId: json.string,
  connected: json.boolean,
  persistent: json.boolean,
  /** seconds; -1 = never expires. */
  expiryInterval: json.integer,
  subscriptions: json.integer,
  inflight: json.integer,
  awaitingRelease: json.integer,
});

const subscriptionSchema = json.object(
  {
    clientId: json.string,
    topic: json.string,
    qos: json.integer,
    noLocal: json.boolean,
    retainAsPublished: json.boolean,
    retainHandling: json.integer,
    identifier: json.integer,
    shareGroup: json.string,
  },
  ['identifier', 'shareGroup'],
);

const retainedSchema = json.object(
  {
    topic: json.string,
    qos: json.integer,
    payloadBytes: json.integer,
    /** the payload as base64 (it may be binary). */
    payload: json.string,
    publishedAt: json.string,
  },
  ['publishedAt'],
);

const topicSchema = json.object({ topic: json.string, messages: json.integer, lastPublishedAt: json.string });

const clientIdParams = json.object({ clientId: json.nonEmptyString });

const topicQuery = json.object({ topic: json.nonEmptyString });

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
  const response = json.object({
    total: json.integer,
    more: json.boolean,
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
            200: json.object({
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
            200: json.object({ clientId: json.string, disconnected: json.boolean }),
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
            200: json.object({ topic: json.string, deleted: json.boolean }),
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
