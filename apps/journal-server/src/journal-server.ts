// Assembles a journal server: the segment store (files + RocksDB indexes, recovered at start), the replication node
// (leadership, followers, watchdog), the data port (1778), the inner gRPC service placement calls (2228), the HTTP
// admin server (2227) and membership in the placement center's node registry (registered with its data and gRPC
// ports, so peers, clients and placement can find it).
import {
  adminTokens,
  clusterAuthToken,
  clusterTls,
  collectProcessMetrics,
  createHttpServer,
  LimitReporter,
  fdBudget,
  createLogger,
  createMetricsRegistry,
  listenHttp,
  warnIfAdminApiOpen,
  warnIfClusterAuthOff,
  type Logger,
  type RegisteredRoute,
} from '@robustmq/common';
import { NodeRegistrar, PlacementClient } from '@robustmq/placement-client';
import { JournalConnectionPool } from '@robustmq/protocol/journal';
import type { JournalServerConfig } from './config.js';
import { startInnerGrpcServer } from './grpc/grpc-server.js';
import { adminRoutes } from './http/admin-routes.js';
import { JournalNode } from './replication/journal-node.js';
import { SegmentDirectory } from './replication/segment-directory.js';
import { startDataServer, type DataServer } from './server/data-server.js';
import { createJournalMetrics, registerReplicaLag } from './server/journal-metrics.js';
import { enforceRetention } from './storage/retention.js';
import { SegmentStore } from './storage/segment-store.js';

export interface JournalServerHandle {
  ports: { http: number; data: number; grpc: number };
  /** every route of the HTTP admin API and who may call it. */
  httpRoutes: readonly RegisteredRoute[];
  /** host:port of the data port, as registered with placement. */
  dataAddress: string;
  node: JournalNode;
  close(): Promise<void>;
}

export async function startJournalServer(
  config: JournalServerConfig,
  options: { logger?: Logger } = {},
): Promise<JournalServerHandle> {
  const logger =
    options.logger ??
    createLogger({ service: 'journal-server', nodeId: config.node.id, level: config.log.level });
  const metrics = createMetricsRegistry('journal-server', config.node.id);
  collectProcessMetrics(metrics);
  const journalMetrics = createJournalMetrics(metrics);

  const clusterToken = clusterAuthToken(config.cluster);
  const tls = clusterTls(config.cluster, logger);
  const httpTokens = adminTokens(config.http);
  const store = await SegmentStore.open(config.node.data_dir, logger, {
    overlapSyncs: config.storage.overlap_syncs,
    preallocateBytes: config.storage.preallocate_bytes,
  });
  const placement = new PlacementClient({
    addresses: config.placement.addresses,
    logger,
    authToken: clusterToken,
    tls,
  });
  const pool = new JournalConnectionPool({
    maxFrameBytes: config.storage.max_frame_bytes * 2,
    authToken: clusterToken,
    tls,
  });
  const node = new JournalNode(
    store,
    new SegmentDirectory(placement),
    placement,
    pool,
    {
      nodeId: config.node.id,
      heartbeatIntervalMs: config.replication.heartbeat_interval_ms,
      requestTimeoutMs: config.replication.request_timeout_ms,
      maxReplicateBytes: config.replication.max_replicate_bytes,
      leaderLeaseMs: config.replication.leader_lease_ms,
      leaderCheckIntervalMs: config.replication.leader_check_interval_ms,
    },
    logger,
  );
  registerReplicaLag(metrics, node);

  const cleanups: Array<() => Promise<void> | void> = [];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c();
  };
  cleanups.push(() => tls?.close());
  cleanups.push(() => store.close());
  cleanups.push(() => placement.close());
  let data: DataServer;
  const limits = new LimitReporter(logger);
  limits.register(metrics, 'journal_limit_hits_total');
  cleanups.push(() => limits.close());
  const membership: { registrar?: NodeRegistrar } = {};
  try {
    data = await startDataServer(node, {
      host: config.network.host,
      port: config.network.data_port,
      maxFrameBytes: config.storage.max_frame_bytes,
      logger,
      metrics: journalMetrics,
      authToken: clusterToken,
      tls,
      maxConnections: config.network.max_data_connections || fdBudget().clusterConnections,
      reporter: limits,
      localHost: config.network.advertise_host,
    });
    cleanups.push(() => data.close());
    cleanups.push(() => node.close());
    const inner = await startInnerGrpcServer(node, {
      host: config.network.host,
      port: config.network.grpc_port,
      authToken: clusterToken,
      tls,
      logger,
    });
    warnIfClusterAuthOff(
      logger,
      clusterToken,
      config.network.host,
      `the journal data port (${data.port}) and inner gRPC service (port ${inner.port})`,
      tls,
    );
    cleanups.push(() => inner.close());
    cleanups.push(() => pool.closeAll());

    const { app: http, auth: httpAuth } = createHttpServer(logger, {
      tokens: httpTokens,
      limits: config.http,
      reporter: limits,
      observability: {
        registry: metrics,
        health: () => {
          const registered = membership.registrar?.isRegistered ?? false;
          return {
            status: registered ? 'ok' : 'degraded',
            registered,
            segments: store.list().length,
            leading: node.leaders.size,
          };
        },
      },
    });
    await http.register(adminRoutes, { node });
    const httpPort = await listenHttp(http, config.network.http_port, config.network.host);
    cleanups.push(() => http.close());
    warnIfAdminApiOpen(logger, httpAuth, config.network.host, httpPort, 'the journal server');

    const registrar = new NodeRegistrar({
      client: placement,
      node: {
        clusterType: 'JOURNAL_SERVER',
        clusterName: config.node.cluster_name,
        nodeId: config.node.id,
        host: config.network.advertise_host,
        ports: { http: httpPort, data: data.port, grpc: inner.port },
        labels: { version: '0.1.0' },
      },
      heartbeatIntervalMs: config.placement.heartbeat_interval_ms,
      logger,
    });
    membership.registrar = registrar;
    await registrar.start();
    cleanups.push(async () => void (await registrar.stop()));
    node.start();

    const retention = setInterval(() => {
      enforceRetention(node, placement, logger).catch((err: unknown) =>
        logger.warn({ err }, 'retention pass failed'),
      );
    }, config.storage.retention_check_interval_ms);
    retention.unref();
    cleanups.push(() => clearInterval(retention));
    logger.info(
      { httpPort, dataPort: data.port, grpcPort: inner.port, segments: store.list().length },
      'journal server started',
    );

    let closing: Promise<void> | undefined;
    return {
      ports: { http: httpPort, data: data.port, grpc: inner.port },
      httpRoutes: httpAuth.routes,
      dataAddress: `${config.network.advertise_host}:${data.port}`,
      node,
      close() {
        closing ??= cleanup().then(() => logger.info('journal server stopped'));
        return closing;
      },
    };
  } catch (err) {
    await cleanup().catch(() => {});
    throw err;
  }
}
