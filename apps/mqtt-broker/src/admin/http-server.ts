// The broker's HTTP admin server: /metrics and /health from the shared observability plugin, and the broker's admin
// API under /api/v1 (admin-api.ts), behind the shared admin-token check. Every route declares its schema; errors come
// out as `{ code, message }`.
import {
  createHttpServer,
  observabilityPlugin,
  type AdminHttpOptions,
  type AdminHttpServer,
  type Logger,
  type Registry,
} from '@robustmq/common';
import { adminApi } from './admin-api.js';
import type { Broker } from '../core/broker-core.js';

export async function createBrokerHttpServer(
  broker: Broker,
  registry: Registry,
  logger: Logger,
  options: AdminHttpOptions,
): Promise<AdminHttpServer> {
  const server = createHttpServer(logger, options);
  await server.app.register(observabilityPlugin, {
    registry,
    health: () => ({ status: 'ok', clients: broker.clientCount }),
  });
  await server.app.register(adminApi(broker));
  return server;
}
