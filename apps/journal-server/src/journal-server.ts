// Assembles a journal server. Today: the HTTP admin server and membership in the placement center's node registry;
// the segment store and the data port (1778) arrive with the storage issue.
import {
  NodeRegistrar,
  PlacementClient,
  collectProcessMetrics,
  createHttpServer,
  createLogger,
  createMetricsRegistry,
  listenHttp,
  observabilityPlugin,
  type Logger,
} from '@robustmq/common';
import type { JournalServerConfig } from './config.js';

export interface JournalServerHandle {
  ports: { http: number };
  close(): Promise<void>;
}

export async function startJournalServer(
  config: JournalServerConfig,
  options: { logger?: Logger } = {},
): Promise<JournalServerHandle> {
  const logger =
    options.logger ?? createLogger({ service: 'journal-server', nodeId: config.node.id, level: config.log.level });
  const metrics = createMetricsRegistry('journal-server', config.node.id);
  collectProcessMetrics(metrics);

  // bind first, so the ports registered with placement are the real ones (port 0 picks a free one)
  const membership: { registrar?: NodeRegistrar } = {};
  const http = createHttpServer(logger);
  await http.register(observabilityPlugin, {
    registry: metrics,
    health: () => {
      const registered = membership.registrar?.isRegistered ?? false;
      return { status: registered ? 'ok' : 'degraded', registered };
    },
  });
  const httpPort = await listenHttp(http, config.network.http_port, config.network.host);

  const placement = new PlacementClient({ addresses: config.placement.addresses, logger });
  const registrar = new NodeRegistrar({
    client: placement,
    node: {
      clusterType: 'JOURNAL_SERVER',
      clusterName: config.node.cluster_name,
      nodeId: config.node.id,
      host: config.network.advertise_host,
      ports: { http: httpPort },
      labels: { version: '0.1.0' },
    },
    heartbeatIntervalMs: config.placement.heartbeat_interval_ms,
    logger,
  });

  membership.registrar = registrar;
  try {
    await registrar.start();
  } catch (err) {
    await http.close();
    placement.close();
    throw err;
  }
  logger.info({ httpPort }, 'journal server started');

  let closing: Promise<void> | undefined;
  return {
    ports: { http: httpPort },
    close() {
      closing ??= (async () => {
        await registrar.stop();
        placement.close();
        await http.close();
        logger.info('journal server stopped');
      })();
      return closing;
    },
  };
}
