// The broker's HTTP admin server: /metrics and /health from the shared observability plugin, and the broker's admin
// API under /api/v1 (admin-api.ts). Every route declares its schema; errors come out as `{ code, message }`.
import fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { installErrorHandlers, observabilityPlugin, type Logger, type Registry } from '@robustmq/common';
import { adminApi } from './admin-api.js';
import type { Broker } from '../core/broker-core.js';

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
  await app.register(adminApi(broker));
  return app;
}
