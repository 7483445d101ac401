// Starts a whole Kafka broker node from its config: the partitions' storage (the journal by default), the topic
// catalog in placement, the Kafka listeners (plaintext and TLS, their sockets capped together like every client
// listener; each advertises its own ports to the clients that came in on it), the HTTP
// admin server, registration with placement (heartbeats) and the live-broker list that decides partition leadership
// — and stops it again. `robustmq start`, main.ts and tests all start Kafka brokers through `startKafkaBroker`.
import {
  ConnectionGate,
  LimitReporter,
  adminTokens,
  clusterAuthToken,
  clusterTls,
  createHttpServer,
  createLogger,
  fdBudget,
  loadClientTls,
  listenHttp,
  startStreamListeners,
  warnIfAdminApiOpen,
  type ListenerSpec,
  type Logger,
  type RegisteredRoute,
  type StreamListeners,
} from '@robustmq/common';
import { NodeRegistrar, PlacementClient } from '@robustmq/placement-client';
import { ClusterTypes } from '@robustmq/protocol';
import { createStorageAdapter, type StorageAdapter, type StorageConfig } from '@robustmq/storage-adapter';
import type { FastifyInstance } from 'fastify';
import { createKafkaMetrics } from './admin/metrics.js';
import { bridgeProblems, type BridgeConfig } from './bridge/bridge-config.js';
import { BridgeManager } from './bridge/bridge-runner.js';
import { PartitionTopicAccess } from './bridge/partition-access.js';
import { BrokerDirectory, type KafkaListener, type KafkaNode } from './cluster/broker-directory.js';
import { systemClock } from './group/clock.js';
import { CoordinatorPlacement } from './group/coordinator-placement.js';
import { GroupCoordinator } from './group/group-coordinator.js';
import { PlacementOffsetStore } from './group/offset-store.js';
import { ProducerIdAllocator } from './producer/producer-id-allocator.js';
import { recoverProducerBatches } from './producer/producer-log.js';
import { IdempotentProducers } from './producer/producer-state.js';
import type { KafkaBrokerConfig } from './config.js';
import type { ApiHandler, BrokerContext } from './handlers/context.js';
import { HANDLERS } from './handlers/index.js';
import { KafkaConnection } from './server/connection.js';
import { KafkaAuthorizer } from './server/authorizer.js';
import { SaslAuthenticator } from './server/sasl.js';
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
  /** the bound ports (the real ones when the config asked for port 0); `kafka` is 0 with plaintext_enabled = false,
   * `kafka_tls` is present when the TLS listener runs. */
  ports: { kafka: number; kafka_tls?: number; http: number };
  httpRoutes: readonly RegisteredRoute[];
  /** the collaborators the handlers use, for composition (the group coordinator) and tests. */
  context: BrokerContext;
  /** Unregisters from placement, closes every connection and the listeners, then storage. Safe to call twice. */
  close(): Promise<void>;
}

function storageConfig(
  config: KafkaBrokerConfig,
  logger: Logger,
  authToken: string | undefined,
  tls: ReturnType<typeof clusterTls>,
): StorageConfig {
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

/** The configured bridges, checked: a bad one is a start-up error naming it. */
function bridgesOf(config: KafkaBrokerConfig): BridgeConfig[] {
  const bridges = config.kafka.bridges.map((b) => ({
    name: b.name,
    mqttFilter: b.mqtt_filter,
    kafkaTopic: b.kafka_topic,
    direction: b.direction,
    mqttTopic: b.mqtt_topic || `kafka/${b.kafka_topic}`,
    qos: b.qos,
    partitions: b.partitions,
  }));
  const problems = bridges.flatMap((b) => bridgeProblems(b).map((p) => `[[kafka.bridges]] ${b.name}: ${p}`));
  const names = bridges.map((b) => b.name);
  for (const [i, name] of names.entries())
    if (names.indexOf(name) !== i) problems.push(`[[kafka.bridges]] name ${name} is used twice`);
  if (bridges.length > 0 && config.storage.type !== 'journal')
    problems.push('[[kafka.bridges]] need [storage] type = "journal": the MQTT messages are in the journal');
  if (problems.length > 0) throw new Error(problems.join('; '));
  return bridges;
}

export async function startKafkaBroker(
  config: KafkaBrokerConfig,
  options: StartKafkaBrokerOptions = {},
): Promise<KafkaBrokerHandle> {
  const logger =
    options.logger ??
    createLogger({ service: 'kafka-broker', nodeId: config.node.id, level: config.log.level });
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
  let groups: GroupCoordinator | undefined;
  let releaseTimer: NodeJS.Timeout | undefined;
  let mqttStorage: StorageAdapter | undefined;
  let bridges: BridgeManager | undefined;
  let authorizer: KafkaAuthorizer | undefined;

  const shutdown = async (): Promise<void> => {
    clearInterval(retentionTimer);
    clearInterval(releaseTimer);
    const listenersClosed = listeners?.close() ?? Promise.resolve();
    for (const conn of connections) conn.close();
    await listenersClosed;
    directory?.stop();
    authorizer?.close();
    groups?.close();
    await bridges?.close();
    await mqttStorage
      ?.close()
      .catch((err: unknown) => logger.warn({ err }, 'closing the MQTT storage of the bridges failed'));
    await registrar
      ?.stop()
      .catch((err: unknown) => logger.warn({ err }, 'unregistering from placement failed'));
    await http?.close();
    limits.close();
    await storage?.close().catch((err: unknown) => logger.warn({ err }, 'closing storage failed'));
    placement.close();
    tls?.close();
  };

  try {
    const bridgeConfigs = bridgesOf(config);
    const tlsOptions = loadClientTls(config.tls);
    if (!config.network.plaintext_enabled && !tlsOptions)
      throw new Error(
        'network.plaintext_enabled = false needs tls.cert_file and tls.key_file: the broker would have no Kafka listener',
      );
    storage = await createStorageAdapter(storageConfig(config, logger, authToken, tls));
    const catalog = new TopicCatalog(
      placement.kv,
      storage,
      {
        clusterName: config.node.cluster_name,
        segmentRecords: config.storage.segment_records,
        cacheMs: TOPIC_CACHE_MS,
      },
      logger,
    );
    const partitions = new PartitionStore(storage, catalog, {
      maxUncompressedBytes: config.kafka.max_uncompressed_batch_bytes,
    });
    // the advertised ports are filled in once the listeners are bound
    const self: KafkaNode = {
      nodeId: config.node.id,
      host: config.network.advertise_host,
      port: 0,
      tlsPort: 0,
    };
    directory = new BrokerDirectory(
      self,
      placement,
      config.node.cluster_name,
      config.placement.refresh_interval_ms,
      logger,
    );
    const live = directory;
    const groupOffsets = new PlacementOffsetStore(placement.kv);
    const coordinators = new CoordinatorPlacement(config.node.id, () => live.brokers);
    groups = new GroupCoordinator({
      clock: systemClock,
      offsets: groupOffsets,
      owns: (groupId) => coordinators.owns(groupId),
      config: {
        minSessionTimeoutMs: config.groups.min_session_timeout_ms,
        maxSessionTimeoutMs: config.groups.max_session_timeout_ms,
        initialRebalanceDelayMs: config.groups.initial_rebalance_delay_ms,
        maxGroupSize: config.groups.max_size,
        maxOffsetMetadataBytes: config.groups.max_offset_metadata_bytes,
        maxGroups: config.groups.max_groups,
      },
      onWarning: (err) => logger.warn({ err }, 'group coordinator'),
    });
    const offered = [...handlers.values()]
      .sort((a, b) => a.apiKey - b.apiKey)
      .map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }));
    if (config.sasl.enabled) {
      authorizer = new KafkaAuthorizer(placement, {
        aclDefault: config.sasl.acl_default,
        refreshIntervalMs: config.sasl.acl_refresh_interval_ms,
        logger,
      });
      await authorizer.start();
    }
    const context: BrokerContext = {
      config,
      logger,
      catalog,
      partitions,
      directory,
      authenticator: config.sasl.enabled ? new SaslAuthenticator(placement) : undefined,
      authorizer,
      stats,
      groups,
      coordinators,
      producerIds: new ProducerIdAllocator(placement.kv),
      idempotence: new IdempotentProducers((key) => recoverProducerBatches(partitions, key)),
      apiVersions: () => offered,
    };

    const maxSockets = config.network.max_sockets || fdBudget().clientConnections;
    const specs: ListenerSpec[] = [];
    if (config.network.plaintext_enabled)
      specs.push({ name: 'kafka', kind: 'tcp', port: config.network.port });
    if (tlsOptions)
      specs.push({ name: 'kafka_tls', kind: 'tls', port: config.network.tls_port, tls: tlsOptions });
    listeners = await startStreamListeners({
      host: config.network.host,
      listeners: specs,
      // one cap across both listeners, checked on the raw socket before the TLS handshake
      gate: new ConnectionGate(maxSockets, limits),
      logger,
      onStream: (stream, info) => {
        connections.add(
          new KafkaConnection(
            stream,
            info.remoteAddress,
            info.listener as KafkaListener,
            context,
            handlers,
            (c) => connections.delete(c),
          ),
        );
      },
    });
    const kafkaPort = listeners.ports['kafka'] ?? 0;
    const tlsPort = listeners.ports['kafka_tls'];
    self.port = kafkaPort > 0 ? config.network.advertise_port || kafkaPort : 0;
    self.tlsPort = tlsPort !== undefined ? config.network.advertise_tls_port || tlsPort : 0;
    if (!config.sasl.enabled && !['127.0.0.1', 'localhost', '::1'].includes(config.network.host)) {
      logger.warn(
        { host: config.network.host, port: kafkaPort, tlsPort },
        'the Kafka listeners take clients without authentication: set [sasl] enabled = true to require SASL',
      );
    } else if (
      config.sasl.enabled &&
      kafkaPort > 0 &&
      !['127.0.0.1', 'localhost', '::1'].includes(config.network.host)
    ) {
      logger.warn(
        { host: config.network.host, port: kafkaPort },
        'SASL passwords on the plaintext Kafka listener cross the network in clear (PLAIN): prefer the TLS listener (tls.cert_file) and set network.plaintext_enabled = false',
      );
    }

    const groupCoordinator = groups;
    const registry = createKafkaMetrics(stats, config.node.id, {
      groups: () => groupCoordinator.summary(),
      // bridges start once the broker is registered; until then there is nothing to report
      bridges: () => bridges?.stats() ?? new Map(),
    });
    limits.register(registry, 'kafka_limit_hits_total');
    const admin = createHttpServer(logger, {
      tokens: adminTokens(config.http),
      limits: config.http,
      reporter: limits,
      // /health and /metrics are public (probes, Prometheus); routes added later need a token by default
      observability: { registry, health: () => ({ status: 'ok', connections: stats.connections }) },
    });
    http = admin.app;
    const httpPort = await listenHttp(http, config.network.http_port, config.network.host);
    warnIfAdminApiOpen(logger, admin.auth, config.network.host, httpPort, 'the Kafka broker');

    const ports = {
      kafka: kafkaPort,
      ...(tlsPort !== undefined ? { kafka_tls: tlsPort } : {}),
      http: httpPort,
    };
    registrar = new NodeRegistrar({
      client: placement,
      node: {
        clusterType: ClusterTypes.kafkaBroker,
        clusterName: config.node.cluster_name,
        nodeId: config.node.id,
        host: config.network.advertise_host,
        // what other brokers advertise for this one: the advertised ports, and only the listeners that run
        ports: {
          ...(self.port > 0 ? { kafka: self.port } : {}),
          ...(self.tlsPort > 0 ? { kafka_tls: self.tlsPort } : {}),
          http: httpPort,
        },
        labels: {},
      },
      heartbeatIntervalMs: config.placement.heartbeat_interval_ms,
      logger,
    });
    await registrar.start();
    await directory.start();
    // groups this broker no longer coordinates (a node joined or came back) are let go: their members find the new one
    const coordinator = groups;
    releaseTimer = setInterval(
      () => coordinator.releaseMoved(),
      config.placement.refresh_interval_ms,
    ).unref();
    if (bridgeConfigs.length > 0) {
      const journal = storageConfig(config, logger, authToken, tls).journal!;
      mqttStorage = await createStorageAdapter({
        type: 'journal',
        journal: { ...journal, namespace: config.kafka.bridge_mqtt_namespace },
      });
      bridges = new BridgeManager({
        bridges: bridgeConfigs,
        owns: (key) => coordinators.owns(key),
        mqtt: mqttStorage,
        kafka: new PartitionTopicAccess(catalog, partitions, groupOffsets, {
          maxPartitions: config.kafka.max_partitions,
          maxUncompressedBytes: config.kafka.max_uncompressed_batch_bytes,
        }),
        logger,
        checkMs: config.placement.refresh_interval_ms,
      });
      bridges.start();
    }
    const store = storage;
    retentionTimer = setInterval(() => {
      // partitions that retention may empty first write where their offsets continue
      partitions
        .markLogEnds()
        .then(() => store.enforceRetention())
        .catch((err: unknown) => logger.warn({ err }, 'partition retention failed'));
    }, RETENTION_INTERVAL_MS).unref();
    logger.info(
      { ...ports, host: config.network.host, storage: config.storage.type, sasl: config.sasl.enabled },
      'Kafka broker started',
    );

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
    await shutdown().catch((closeErr: unknown) =>
      logger.warn({ err: closeErr }, 'cleanup after failed start failed'),
    );
    throw err;
  }
}
