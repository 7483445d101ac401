// HTTP admin API of the placement center (fastify): node listing and KV browsing. Every route declares its JSON
// schema; errors are `{code, message}` (see installErrorHandlers).
import type { FastifyInstance } from 'fastify';
import { HttpError, errorResponseSchema, json } from '@robustmq/common';
import { CLUSTER_TYPE_NAMES } from '@robustmq/protocol';
import type { NodeRegistry } from '../cluster/node-registry.js';
import type { Proposer } from '../state/proposer.js';
import { installMetadataErrors } from './metadata-errors.js';
import type { PlacementStateMachine } from '../state/state-machine.js';
import { DEFAULT_LIST_LIMIT, MAX_KEY_BYTES, MAX_LIST_LIMIT, MAX_VALUE_BYTES } from '../grpc/kv-service.js';
import { idempotencyOf } from './idempotency-key.js';

const nodeSchema = json.object(
  {
    clusterType: json.string,
    clusterName: json.string,
    nodeId: json.integer,
    host: json.string,
    ports: json.map(json.integer),
    labels: json.map(json.string),
    registeredAtMs: json.integer,
    lastHeartbeatMs: json.integer,
  },
  'all',
);

const kvEntrySchema = json.object(
  {
    key: json.string,
    value: json.string,
    encoding: json.string,
    createRevision: json.integer,
    modRevision: json.integer,
    version: json.integer,
  },
  'all',
);

/** Values are shown as UTF-8 when they are valid UTF-8 text, otherwise as base64 (and say so). */
function showValue(value: Buffer): { value: string; encoding: 'utf8' | 'base64' } {
  const text = value.toString('utf8');
  return Buffer.from(text, 'utf8').equals(value)
    ? { value: text, encoding: 'utf8' }
    : { value: value.toString('base64'), encoding: 'base64' };
}

function keyOf(params: unknown): string {
  // the router has already percent-decoded the wildcard once; decoding again would turn `100%25` into an error and
  // `a%2541` into `aA`
  const key = (params as { '*': string })['*'] ?? '';
  if (!key) throw new HttpError(400, 'INVALID_ARGUMENT', 'key must not be empty');
  if (Buffer.byteLength(key) > MAX_KEY_BYTES)
    throw new HttpError(400, 'INVALID_ARGUMENT', `key is longer than ${MAX_KEY_BYTES} bytes`);
  return key;
}

export async function adminRoutes(
  app: FastifyInstance,
  deps: { registry: NodeRegistry; sm: PlacementStateMachine; proposer: Proposer },
) {
  installMetadataErrors(app);
  app.get(
    '/api/v1/cluster/nodes',
    {
      schema: {
        querystring: json.closed(
          { cluster_type: { type: 'string', enum: [...CLUSTER_TYPE_NAMES] }, cluster_name: json.string },
          'all',
        ),
        response: { 200: json.object({ nodes: json.array(nodeSchema) }, 'all') },
      },
    },
    async (request) => {
      const query = request.query as { cluster_type?: string; cluster_name?: string };
      return { nodes: deps.registry.list(query.cluster_type, query.cluster_name) };
    },
  );

  app.get(
    '/api/v1/kv',
    {
      schema: {
        querystring: json.closed(
          {
            prefix: { type: 'string', default: '' },
            start_after: { type: 'string', default: '' },
            limit: { type: 'integer', minimum: 1, maximum: MAX_LIST_LIMIT, default: DEFAULT_LIST_LIMIT },
          },
          'all',
        ),
        response: {
          200: json.object(
            { items: json.array(kvEntrySchema), more: json.boolean, revision: json.integer },
            'all',
          ),
        },
      },
    },
    async (request) => {
      const query = request.query as { prefix: string; start_after: string; limit: number };
      await deps.proposer.readBarrier();
      const page = await deps.sm.kvList(query.prefix, query.start_after, query.limit);
      return {
        items: page.items.map((item) => ({ ...item, ...showValue(item.value) })),
        more: page.more,
        revision: page.revision,
      };
    },
  );

  app.get(
    '/api/v1/kv/*',
    { schema: { response: { 200: kvEntrySchema, 404: errorResponseSchema } } },
    async (request) => {
      const key = keyOf(request.params);
      await deps.proposer.readBarrier();
      const kv = await deps.sm.kvGet(key);
      if (kv === undefined) throw new HttpError(404, 'NOT_FOUND', `key "${key}" not found`);
      return { ...kv, ...showValue(kv.value) };
    },
  );

  app.put(
    '/api/v1/kv/*',
    {
      schema: {
        body: json.closed(
          { value: json.string, encoding: { type: 'string', enum: ['utf8', 'base64'], default: 'utf8' } },
          ['encoding'],
        ),
        response: {
          200: json.object({ key: json.string, revision: json.integer }, 'all'),
          400: errorResponseSchema,
        },
      },
    },
    async (request) => {
      const key = keyOf(request.params);
      const body = request.body as { value: string; encoding: 'utf8' | 'base64' };
      const value = Buffer.from(body.value, body.encoding);
      if (value.length > MAX_VALUE_BYTES)
        throw new HttpError(400, 'INVALID_ARGUMENT', `value is larger than ${MAX_VALUE_BYTES} bytes`);
      const result = await deps.proposer.propose({ type: 'kv.set', key, value, ...idempotencyOf(request) });
      return { key, revision: result.revision };
    },
  );

  app.delete(
    '/api/v1/kv/*',
    {
      schema: {
        response: {
          200: json.object({ deleted: json.boolean, revision: json.integer }, 'all'),
        },
      },
    },
    async (request) => {
      const result = await deps.proposer.propose({
        type: 'kv.delete',
        key: keyOf(request.params),
        ...idempotencyOf(request),
      });
      return { deleted: result.deleted, revision: result.revision };
    },
  );
}
