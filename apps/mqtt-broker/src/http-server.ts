// The broker's HTTP admin server: /metrics and /health from the shared observability plugin, and the broker's own
// read-only API under /api/v1. Every route declares its schema; errors come out as `{ code, message }`.
import fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { installErrorHandlers, observabilityPlugin, type Logger, type Registry } from '@robustmq/common';
import type { Broker } from './broker-core.js';

const clientSchema = {
  type: 'object',
  properties: {
    clientId: { type: 'string' },
    protocolVersion: { type: 'integer' },
    remoteAddress: { type: 'string' },
    keepAlive: { type: 'integer' },
    connectedAt: { type: 'string' },
    subscriptions: { type: 'integer' },
  },
  required: ['clientId', 'protocolVersion', 'remoteAddress', 'keepAlive', 'connectedAt', 'subscriptions'],
} as const;

export async function createHttpServer(broker: Broker, registry: Registry, logger: Logger): Promise<FastifyInstance> {
  // typed as fastify's logger so the instance keeps fastify's default generics (pino's Logger is a wider type)
  const loggerInstance: FastifyBaseLogger = logger.child({ component: 'http' });
  // per-request lines would mostly be Prometheus scrapes; errors are still logged by the error handler
  const app = fastify({ loggerInstance, logController: new LogController({ disableRequestLogging: true }) });
  installErrorHandlers(app);
  await app.register(observabilityPlugin, {
    registry,
    health: () => ({ status: 'ok', clients: broker.clientCount }),
  });
  app.get(
    '/api/v1/clients',
    {
      schema: {
        response: {
          200: {
            type: 'object',
            properties: { total: { type: 'integer' }, clients: { type: 'array', items: clientSchema } },
            required: ['total', 'clients'],
          },
        },
      },
    },
    async () => {
      const clients = broker.listClients();
      return { total: clients.length, clients };
    },
  );
  return app;
}
