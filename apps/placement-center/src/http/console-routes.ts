// The routes the web console reads through the placement center (one origin, one token): every broker and journal
// server with its registration and a few live numbers from its /metrics, and the brokers' clients, sessions,
// subscriptions, topics and retained messages merged across brokers with server-side search and paging. Details and
// actions on one node (a client's detail, kick, a journal server's segments) go to that node. Nodes come from the
// node registry only, and the caller's Authorization header is what reaches them (data-plane-admin.ts): these
// routes are guarded here like every other admin route, and again by each node.
import { HttpError, errorResponseSchema, json } from '@robustmq/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DataNode, DataPlaneAdmin, DataPlaneKind, NodeAnswer } from '../console/data-plane-admin.js';
import { sumMetrics } from '../console/prometheus-text.js';

export const CONSOLE_PAGE_DEFAULT = 100;
export const CONSOLE_PAGE_MAX = 1000;

const pageQuery = json.closed(
  {
    search: { type: 'string', maxLength: 256 },
    start_after: { type: 'string', maxLength: 65_535 },
    limit: { type: 'integer', minimum: 1, maximum: CONSOLE_PAGE_MAX, default: CONSOLE_PAGE_DEFAULT },
  },
  'all',
);

interface PageQuery {
  search?: string;
  start_after?: string;
  limit: number;
}

const anyObject = { type: 'object', additionalProperties: true } as const;
const nodeError = json.object({ nodeId: json.integer, code: json.string, message: json.string });

const mergedList = json.object({
  total: json.integer,
  more: json.boolean,
  rows: json.array(anyObject),
  /** brokers that could not answer; the rows are the others'. */
  errors: json.array(nodeError),
});

const errors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
  502: errorResponseSchema,
  503: errorResponseSchema,
} as const;

const serviceSchema = json.object(
  {
    nodeId: json.integer,
    host: json.string,
    ports: json.map(json.integer),
    version: json.string,
    registeredAtMs: json.integer,
    lastHeartbeatMs: json.integer,
    reachable: json.boolean,
    metrics: json.map({ type: 'number' }),
  },
  ['version'],
);

/** metric name → the key the console reads. */
const BROKER_METRICS = {
  mqtt_connections: 'connections',
  mqtt_clients_connected: 'clients',
  mqtt_subscriptions: 'subscriptions',
  mqtt_messages_received_total: 'messagesReceived',
  mqtt_messages_sent_total: 'messagesSent',
  mqtt_messages_dropped_total: 'messagesDropped',
} as const;
const JOURNAL_METRICS = {
  journal_appended_records_total: 'appendedRecords',
  journal_read_records_total: 'readRecords',
  journal_append_seconds_sum: 'appendSecondsSum',
  journal_append_seconds_count: 'appendCount',
} as const;

const enc = encodeURIComponent;

function queryString(query: Record<string, string | number | undefined>): string {
  const parts = Object.entries(query)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${enc(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

const isOk = (a: NodeAnswer) => a.status >= 200 && a.status < 300;

function answerError(a: NodeAnswer, what: string): HttpError {
  const body = (a.body ?? {}) as { code?: unknown; message?: unknown };
  const code = typeof body.code === 'string' ? body.code : 'BAD_GATEWAY';
  const message = `${what}: ${typeof body.message === 'string' ? body.message : `answered ${a.status}`}`;
  if (a.status === 0) return new HttpError(503, 'UNAVAILABLE', message);
  if (a.status >= 400 && a.status < 500) return new HttpError(a.status, code, message);
  return new HttpError(502, code, message);
}

export interface ConsoleRouteDeps {
  dataPlane: DataPlaneAdmin;
}

export async function consoleRoutes(app: FastifyInstance, deps: ConsoleRouteDeps): Promise<void> {
  const { dataPlane } = deps;
  const auth = (request: FastifyRequest) => request.headers.authorization;
  const label = (kind: DataPlaneKind, id: number) =>
    `${kind === 'MQTT_BROKER' ? 'broker' : 'journal server'} ${id}`;

  function nodeOf(kind: DataPlaneKind, nodeId: number): DataNode {
    const node = dataPlane.node(kind, nodeId);
    if (!node)
      throw new HttpError(404, 'NOT_FOUND', `no ${label(kind, nodeId)} is registered with an HTTP port`);
    return node;
  }

  /** One node's answer, passed on: its body on success, its `{code, message}` (naming the node) otherwise. */
  async function forward(
    kind: DataPlaneKind,
    nodeId: number,
    method: string,
    path: string,
    request: FastifyRequest,
  ) {
    const answer = await dataPlane.request(nodeOf(kind, nodeId), method, path, auth(request));
    if (!isOk(answer)) throw answerError(answer, label(kind, nodeId));
    return answer.body;
  }

  /**
   * A page of rows merged from every broker: each broker answers its first `limit` rows after `start_after` (in key
   * order), so the first `limit` of their union are the cluster's. `merge` folds rows with the same key (a topic seen
   * on several brokers).
   */
  async function merged(
    request: FastifyRequest,
    path: string,
    listKey: string,
    key: (row: Record<string, unknown>) => string,
    merge?: (a: Record<string, unknown>, b: Record<string, unknown>) => Record<string, unknown>,
  ) {
    const query = request.query as PageQuery;
    const brokers = dataPlane.nodes('MQTT_BROKER');
    const answers = await Promise.all(
      brokers.map(async (n) => ({
        n,
        a: await dataPlane.request(
          n,
          'GET',
          path + queryString({ search: query.search, start_after: query.start_after, limit: query.limit }),
          auth(request),
        ),
      })),
    );
    const byKey = new Map<string, Record<string, unknown>>();
    const failures: { nodeId: number; code: string; message: string }[] = [];
    let total = 0;
    let more = false;
    for (const { n, a } of answers) {
      if (!isOk(a)) {
        // a token the broker refuses is the caller's problem to see, not a gap in the list
        if (a.status === 401 || a.status === 403) throw answerError(a, label('MQTT_BROKER', n.nodeId));
        const e = answerError(a, label('MQTT_BROKER', n.nodeId));
        failures.push({ nodeId: n.nodeId, code: e.code, message: e.message });
        continue;
      }
      const body = a.body as Record<string, unknown>;
      total += Number(body.total ?? 0);
      more ||= body.more === true;
      for (const row of (body[listKey] as Record<string, unknown>[]) ?? []) {
        const tagged = { ...row, brokerId: n.nodeId };
        const k = key(tagged);
        const seen = byKey.get(k);
        byKey.set(k, seen && merge ? merge(seen, tagged) : (seen ?? tagged));
      }
    }
    const keys = [...byKey.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (keys.length > query.limit) more = true;
    return { total, more, rows: keys.slice(0, query.limit).map((k) => byKey.get(k)!), errors: failures };
  }

  app.get(
    '/api/v1/console/services',
    {
      schema: {
        response: {
          200: json.object({
            now: json.integer,
            brokers: json.array(serviceSchema),
            journals: json.array(serviceSchema),
          }),
        },
      },
    },
    async () => {
      const describe = async (kind: DataPlaneKind, wanted: Record<string, string>) =>
        Promise.all(
          dataPlane.nodes(kind).map(async (n) => {
            const text = await dataPlane.metrics(n);
            const sums = text === undefined ? {} : sumMetrics(text, Object.keys(wanted));
            return {
              nodeId: n.nodeId,
              host: n.node.host,
              ports: n.node.ports,
              ...(n.node.labels.version ? { version: n.node.labels.version } : {}),
              registeredAtMs: n.node.registeredAtMs,
              lastHeartbeatMs: n.node.lastHeartbeatMs,
              reachable: text !== undefined,
              metrics: Object.fromEntries(Object.entries(sums).map(([name, v]) => [wanted[name]!, v])),
            };
          }),
        );
      const [brokers, journals] = await Promise.all([
        describe('MQTT_BROKER', BROKER_METRICS),
        describe('JOURNAL_SERVER', JOURNAL_METRICS),
      ]);
      return { now: Date.now(), brokers, journals };
    },
  );

  const list = (
    path: string,
    listKey: string,
    key: (row: Record<string, unknown>) => string,
    merge?: (a: Record<string, unknown>, b: Record<string, unknown>) => Record<string, unknown>,
  ) =>
    app.get(
      `/api/v1/console${path}`,
      { schema: { querystring: pageQuery, response: { 200: mergedList, ...errors } } },
      (request) => merged(request, `/api/v1${path}`, listKey, key, merge),
    );
  list('/clients', 'clients', (r) => String(r.clientId));
  list('/sessions', 'sessions', (r) => String(r.clientId));
  // the broker's own subscription key: client id, then topic filter
  list('/subscriptions', 'subscriptions', (r) => `${String(r.clientId)}\n${String(r.topic)}`);
  list(
    '/topics',
    'topics',
    (r) => String(r.topic),
    (a, b) => ({
      ...a,
      messages: Number(a.messages ?? 0) + Number(b.messages ?? 0),
      lastPublishedAt:
        String(a.lastPublishedAt) > String(b.lastPublishedAt) ? a.lastPublishedAt : b.lastPublishedAt,
      brokerIds: [...((a.brokerIds as number[] | undefined) ?? [a.brokerId]), b.brokerId],
    }),
  );
  // retained messages are the cluster's: the same topic on several brokers is one message
  list('/retained', 'retained', (r) => String(r.topic));

  const clientParams = json.object({
    nodeId: { type: 'integer', minimum: 1 },
    clientId: json.nonEmptyString,
  });
  // a client's details (GET) and kicking it (DELETE), on the broker that has it
  for (const method of ['GET', 'DELETE'] as const)
    app.route<{ Params: { nodeId: number; clientId: string } }>({
      method,
      url: '/api/v1/console/brokers/:nodeId/clients/:clientId',
      schema: { params: clientParams, response: { 200: anyObject, ...errors } },
      handler: (request) =>
        forward(
          'MQTT_BROKER',
          request.params.nodeId,
          method,
          `/api/v1/clients/${enc(request.params.clientId)}`,
          request,
        ),
    });

  app.delete<{ Querystring: { topic: string } }>(
    '/api/v1/console/retained',
    {
      schema: {
        querystring: json.closed({ topic: json.nonEmptyString }),
        response: {
          200: json.object({ topic: json.string, deleted: json.boolean, brokers: json.array(json.integer) }),
          ...errors,
        },
      },
    },
    async (request) => {
      const { topic } = request.query;
      const deletedOn: number[] = [];
      // each broker keeps the retained messages it has seen: delete it on every one that has it
      for (const n of dataPlane.nodes('MQTT_BROKER')) {
        const answer = await dataPlane.request(
          n,
          'DELETE',
          `/api/v1/retained${queryString({ topic })}`,
          auth(request),
        );
        if (isOk(answer)) deletedOn.push(n.nodeId);
        else if (answer.status !== 404) throw answerError(answer, label('MQTT_BROKER', n.nodeId));
      }
      if (deletedOn.length === 0)
        throw new HttpError(
          404,
          'NOT_FOUND',
          `no broker holds a retained message on ${JSON.stringify(topic)}`,
        );
      return { topic, deleted: true, brokers: deletedOn };
    },
  );

  const nodeParams = json.object({ nodeId: { type: 'integer', minimum: 1 } });
  app.get<{ Params: { nodeId: number } }>(
    '/api/v1/console/journals/:nodeId/segments',
    { schema: { params: nodeParams, response: { 200: anyObject, ...errors } } },
    (request) => forward('JOURNAL_SERVER', request.params.nodeId, 'GET', '/api/v1/segments', request),
  );
}
