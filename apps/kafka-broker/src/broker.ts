// Starts a whole Kafka broker node from its config: the partitions' storage (the journal by default), the topic
// catalog in placement, the Kafka listener (one TCP port, its sockets capped like every client listener), the HTTP
// admin server, registration with placement (heartbeats) and the live-broker list that decides partition leadership
// — and stops it again. `robustmq start`, main.ts and tests all start Kafka brokers through `startKafkaBroker`.
import {
  ConnectionGate,
  LimitReporter,
  adminTokens,
  clusterAuthToken,
  clusterTls,
  createLogger,
  fdBudget,
  listenHttp,
  startStreamListeners,
  warnIfAdminApiOpen,
  type Logger,
  type RegisteredRoute,
  type StreamListeners,
} from '@robustmq/common';
import { NodeRegistrar, PlacementClient } from '@robustmq/placement-client';
import { ClusterTypes } from '@robustmq/protocol';
import { createStorageAdapter, type StorageAdapter, type StorageConfig } from '@robustmq/storage-adapter';
import type { FastifyInstance } from 'fastify';
import { createKafkaHttpServer } from './admin/http-server.js';
import { createKafkaMetrics } from './admin/metrics.js';
import { BrokerDirectory } from './cluster/broker-directory.js';
import type { KafkaBrokerConfig } from './config.js';
import type { ApiHandler, BrokerContext } from './handlers/context.js';
import { HANDLERS } from './handlers/index.js';
import { KafkaConnection } from './server/connection.js';
import { PlainAuthenticator } from './server/sasl-plain.js';
import { KafkaStats } from './server/stats.js';
import { PartitionStore } from './topics/partition-store.js';
import { TopicCatalog } from './topics/topic-catalog.js';

const RETENTION_INTERVAL_MS = 3_600_000;
/** how long a topic's metadata is trusted before placement is asked again (deletes and new partitions elsewhere). */
const TOPIC_CACHE_MS = 2_000;

export interface StartKafkaBrokerOptions {
  logger?: Logger;
  /** further API handlers (the group coordinator's), added to the built-in table; a key given twice is an error. */
  handlers?: readonly ApiHandler[];
}

export interface KafkaBrokerHandle {
  /** the bound ports (the real ones when the config asked for port 0). */
  ports: { kafka: number; http: number };
  httpRoutes: readonly RegisteredRoute[];
  /** the collaborators the handlers use, for composition (the group coordinator) and tests. */
  context: BrokerContext;
  /** Unregisters from placement, closes every connection and the listeners, then storage. Safe to call twice. */
  close(): Promise<void>;
}

function storageConfig(config: KafkaBrokerConfig, logger: Logger, authToken: string | undefined, tls: ReturnType<typeof clusterTls>): StorageConfig {
  const s = config.storage;
  if (s.type === 'journal') {
    return {
      type: 'journal',
      journal: {
        placementAddresses: config.placement.addresses,
        namespace: s.journal_namespace || `kafka-${config.node.cluster_name}`,
        acks: s.journal_acks,
        ...(s.journal_replicas > 0 ? { replicaCount: s.journal_replicas } : {}),
        logger,
        authToken,
        tls,
      },
    };
  }
  return { type: s.type, dataDir: config.node.data_dir };
}

export async function startKafkaBroker(config: KafkaBrokerConfig, options: StartKafkaBrokerOptions = {}): Promise<KafkaBrokerHandle> {
  const logger = options.logger ?? createLogger({ service: 'kafka-broker', nodeId: config.node.id, level: config.log.level });
  const authToken = clusterAuthToken(config.cluster);
  const tls = clusterTls(config.cluster, logger);
  const handlers = new Map<number, ApiHandler>();
  for (const h of [...HANDLERS, ...(options.handlers ?? [])]) {
    if (handlers.has(h.apiKey)) throw new Error(`two handlers for Kafka API ${h.apiKey}`);
    handlers.set(h.apiKey, h);
  }
  const placement = new PlacementClient({ addresses: config.placement.addresses, logger, authToken, tls });
  const stats = new KafkaStats();
  const limits = new LimitReporter(logger);
  const connections = new Set<KafkaConnection>();
  let storage: StorageAdapter | undefined;
  let listeners: StreamListeners | undefined;
  let http: FastifyInstance | undefined;
  let registrar: NodeRegistrar | undefined;
  let directory: BrokerDirectory | undefined;
  let retentionTimer: NodeJS.Timeout | undefined;

  const shutdown = async (): Promise<void> => {
    clearInterval(retentionTimer);
    const listenersClosed = listeners?.close() ?? Promise.resolve();
    for (const conn of connections) conn.close();
    await listenersClosed;
    directory?.stop();
    await registrar?.stop().catch((err: unknown) => logger.warn({ err }, 'unregistering from placement failed'));
    await http?.close();
    limits.close();
    await storage?.close().catch((err: unknown) => logger.warn({ err }, 'closing storage failed'));
    placement.close();
    tls?.close();
  };

  try {
    storage = await createStorageAdapter(storageConfig(config, logger, authToken, tls));
    const catalog = new TopicCatalog(placement.kv, storage, { clusterName: config.node.cluster_name, segmentRecords: config.storage.segment_records, cacheMs: TOPIC_CACHE_MS }, logger);
    const partitions = new PartitionStore(storage, catalog);
    const self = { nodeId: config.node.id, host: config.network.advertise_host, port: config.network.port };
    directory = new BrokerDirectory(self, placement, config.node.cluster_name, config.placement.refresh_interval_ms, logger);
    const offered = [...handlers.values()].sort((a, b) => a.apiKey - b.apiKey).map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }));
    const context: BrokerContext = {
      config,
      logger,
      catalog,
      partitions,
      directory,
      authenticator: config.sasl.enabled ? new PlainAuthenticator(placement) : undefined,
      stats,
      apiVersions: () => offered,
    };

    const maxSockets = config.network.max_sockets || fdBudget().clientConnections;
    listeners = await startStreamListeners({
      host: config.network.host,
      listeners: [{ name: 'kafka', kind: 'tcp', port: config.network.port }],
      gate: new ConnectionGate(maxSockets, limits),
      logger,
      onStream: (stream, info) => {
        connections.add(new KafkaConnection(stream, info.remoteAddress, context, handlers, (c) => connections.delete(c)));
      },
    });
    const kafkaPort = listeners.ports['kafka']!;
    self.port = kafkaPort;
    if (!config.sasl.enabled && !['127.0.0.1', 'localhost', '::1'].includes(config.network.host)) {
      logger.warn({ host: config.network.host, port: kafkaPort }, 'the Kafka listener takes clients without authentication: set [sasl] enabled = true to require SASL/PLAIN');
    }

    const registry = createKafkaMetrics(stats, config.node.id);
    limits.register(registry, 'kafka_limit_hits_total');
    const admin = await createKafkaHttpServer(stats, registry, logger, { tokens: adminTokens(config.http), limits: config.http, reporter: limits });
    http = admin.app;
    const httpPort = await listenHttp(http, config.network.http_port, config.network.host);
    warnIfAdminApiOpen(logger, admin.auth, config.network.host, httpPort, 'the Kafka broker');

    const ports = { kafka: kafkaPort, http: httpPort };
    registrar = new NodeRegistrar({
      client: placement,
      node: {
        clusterType: ClusterTypes.kafkaBroker,
        clusterName: config.node.cluster_name,
        nodeId: config.node.id,
        host: config.network.advertise_host,
        ports,
        labels: {},
      },
      heartbeatIntervalMs: config.placement.heartbeat_interval_ms,
      logger,
    });
    await registrar.start();
    await directory.start();
    const store = storage;
    retentionTimer = setInterval(() => {
      store.enforceRetention().catch((err: unknown) => logger.warn({ err }, 'partition retention failed'));
    }, RETENTION_INTERVAL_MS).unref();
    logger.info({ ...ports, host: config.network.host, storage: config.storage.type, sasl: config.sasl.enabled }, 'Kafka broker started');

    let closing: Promise<void> | undefined;
    return {
      ports,
      httpRoutes: admin.auth.routes,
      context,
      close() {
        closing ??= shutdown().then(() => logger.info('Kafka broker stopped'));
        return closing;
      },
    };
  } catch (err) {
    await shutdown().catch((closeErr: unknown) => logger.warn({ err: closeErr }, 'cleanup after failed start failed'));
    throw err;
  }
}
