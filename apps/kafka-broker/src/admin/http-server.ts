// The Kafka broker's HTTP admin server: /health and /metrics from the shared observability plugin (public, for
// probes and Prometheus) behind the shared admin-token check; routes added later need a token by default.
import {
  createHttpServer,
  observabilityPlugin,
  type AdminHttpOptions,
  type AdminHttpServer,
  type Logger,
  type Registry,
} from '@robustmq/common';
import type { KafkaStats } from '../server/stats.js';

export async function createKafkaHttpServer(
  stats: KafkaStats,
  registry: Registry,
  logger: Logger,
  options: AdminHttpOptions,
): Promise<AdminHttpServer> {
  const server = createHttpServer(logger, options);
  await server.app.register(observabilityPlugin, {
    registry,
    health: () => ({ status: 'ok', connections: stats.connections }),
  });
  return server;
}
