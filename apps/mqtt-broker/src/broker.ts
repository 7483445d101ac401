// Starts a whole MQTT broker node from its config: storage (the StorageAdapter, the message log and the session
// persistence, with every persistent session restored), the MQTT listeners (TCP, TLS, WebSocket, WSS), the HTTP admin
// server, the `$SYS` publisher, delayed messages and (when enabled) registration with the placement center — and
// stops it again. `robustmq start`, main.ts and tests all start brokers through `startMqttBroker`.
import { randomBytes } from 'node:crypto';
import {
  adminTokens,
  clusterAuthToken,
  clusterTls,
  createHttpServer,
  createLogger,
  LimitReporter,
  fdBudget,
  listenHttp,
  warnIfAdminApiOpen,
  warnIfClusterAuthOff,
  type Logger,
  type RegisteredRoute,
} from '@robustmq/common';
import { PlacementClient } from '@robustmq/placement-client';
import type { FastifyInstance } from 'fastify';
import type { StorageAdapter } from '@robustmq/storage-adapter';
import { Broker, type BrokerSettings } from './core/broker-core.js';
import type { MqttBrokerConfig } from './config.js';
import { adminApi } from './admin/admin-api.js';
import { ClientLimits } from './limits/client-limits.js';
import { startListeners, type ListenerPorts, type Listeners } from './transport/listeners.js';
import { createBrokerMetrics } from './admin/metrics.js';
import { registerWithPlacement, type PlacementRegistration } from './cluster/registration.js';
import { AccessControl } from './auth/access-control.js';
import type { AuthStorageAdapter } from './auth/auth-storage-adapter.js';
import { openAuthStorage } from './auth/open-auth-storage.js';
import { openAuthenticators } from './auth/open-authenticators.js';
import { BrokerRules } from './rules/broker-rules.js';
import { restoreSessions } from './session/session-lifecycle.js';
import { startInnerGrpc, type InnerGrpcServer } from './cluster/inner-service.js';
import { PlacementSessions } from './cluster/placement-sessions.js';
import { MessageLog } from './storage/message-log.js';
import { ClusterSessions } from './cluster/cluster-sessions.js';
import { ClusterSharedGroups } from './cluster/shared-groups.js';
import {
  isClustered,
  openJournalNamespace,
  openSharedLog,
  startSharedRouting,
  type SharedLog,
} from './cluster/shared-log.js';
import { openBrokerStorage } from './storage/open-storage.js';
import { SessionPersistence } from './storage/session-persistence.js';
import { startSysTopics } from './admin/sys-topics.js';

/** how often connected persistent sessions commit their log position, and retention runs on the message log. */
const COMMIT_INTERVAL_MS = 1_000;
const RETENTION_INTERVAL_MS = 3_600_000;
/** how long a shutdown waits for its sessions to be handed to placement. */
const SESSION_HAND_OFF_DRAIN_MS = 2_000;

export interface StartMqttBrokerOptions {
  logger?: Logger;
}

export interface MqttBrokerHandle {
  /** the bound ports (the real ones when the config asked for port 0); tls/ws/wss only when served, grpc (the inner
   * service the placement leader calls) only with placement enabled. */
  ports: ListenerPorts & { http: number; grpc?: number };
  /** every route of the HTTP admin API and who may call it. */
  httpRoutes: readonly RegisteredRoute[];
  /** the broker core, for composition and tests. */
  broker: Broker;
  /** Unregisters from placement, disconnects every client and closes the listeners. Safe to call twice. */
  close(): Promise<void>;
}

/** Sockets open at once across the MQTT listeners: `network.max_sockets`, or what the fd limit leaves for clients. */
export function maxClientSockets(config: MqttBrokerConfig): number {
  return config.network.max_sockets || fdBudget().clientConnections;
}

export function brokerSettings(config: MqttBrokerConfig): BrokerSettings {
  const mqtt = config.mqtt;
  return {
    maxPacketSize: mqtt.max_packet_size,
    maxConnections: mqtt.max_connections || maxClientSockets(config),
    keepAliveMax: mqtt.keep_alive_max,
    defaultKeepAlive: mqtt.default_keep_alive,
    connectTimeoutMs: mqtt.connect_timeout_ms,
    maxClientIdLength: mqtt.max_client_id_length,
    maxWriteBufferBytes: mqtt.max_write_buffer_bytes,
    maxInflight: mqtt.max_inflight,
    sessionExpiryMax: mqtt.session_expiry_max,
    topicAliasMax: mqtt.topic_alias_max,
    // the Receive Maximum announced in CONNACK is a promise: a client inside it must never meet the QoS 2 limit
    // (PUBREC 0x97) — so never announce more than max_awaiting_rel
    receiveMaximum: Math.min(mqtt.receive_maximum, mqtt.max_awaiting_rel),
    maxAwaitingRel: mqtt.max_awaiting_rel,
    maxQueuedMessages: mqtt.max_queued_messages,
    maxTopicLevels: mqtt.max_topic_levels,
    maxTopicLength: mqtt.max_topic_length,
    delayedPublishMaxS: mqtt.delayed_publish_max_s,
    positionCommitIntervalMs: mqtt.position_commit_interval_ms,
    qos0Log: mqtt.qos0_log,
  };
}

export async function startMqttBroker(
  config: MqttBrokerConfig,
  options: StartMqttBrokerOptions = {},
): Promise<MqttBrokerHandle> {
  const logger =
    options.logger ??
    createLogger({ service: 'mqtt-broker', nodeId: config.node.id, level: config.log.level });
  const clusterToken = config.placement.enabled ? clusterAuthToken(config.cluster) : undefined;
  // cluster TLS is for the channels to placement and the inner gRPC port, which only exist with placement
  const tls = config.placement.enabled ? clusterTls(config.cluster, logger) : undefined;
  const clusterSecurity = { authToken: clusterToken, tls };
  // tells this start from an earlier one with the same node id (cluster/shared-groups.ts)
  const incarnation = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  const httpTokens = adminTokens(config.http);
  const limits = new LimitReporter(logger);
  const clientLimits = new ClientLimits(config, limits);
  const maxSockets = maxClientSockets(config);
  const budget = fdBudget();
  if (config.mqtt.max_connections > maxSockets) {
    logger.warn(
      { max_connections: config.mqtt.max_connections, max_sockets: maxSockets, openFileLimit: budget.limit },
      'mqtt.max_connections is above the socket cap network.max_sockets, which wins: raise the open-file limit (ulimit -n) and network.max_sockets for more clients',
    );
  }
  if (maxSockets > budget.clientConnections) {
    logger.warn(
      { max_sockets: maxSockets, openFileLimit: budget.limit, budget: budget.clientConnections },
      'network.max_sockets leaves too few file descriptors for storage and the cluster: a flood of clients could exhaust them; raise the open-file limit (ulimit -n)',
    );
  }
  // persistent sessions and wills are mirrored into placement, whose leader fires delayed wills and expires sessions
  // through the inner gRPC service (short deadlines: a slow placement leaves the local timers in charge); created
  // before the sessions are restored, which asks placement who owns each of them now
  const sessionClient = config.placement.enabled
    ? new PlacementClient({
        addresses: config.placement.addresses,
        logger,
        attemptTimeoutMs: 2_000,
        callTimeoutMs: 5_000,
        authToken: clusterToken,
        tls,
      })
    : undefined;
  const authClient = config.placement.enabled
    ? new PlacementClient({ addresses: config.placement.addresses, logger, authToken: clusterToken, tls })
    : undefined;
  let authStorage: AuthStorageAdapter | undefined;
  let accessControl: AccessControl | undefined;
  let rules: BrokerRules | undefined;
  let storage: StorageAdapter | undefined;
  let shared: SharedLog | undefined;
  let stopSharedRouting: (() => Promise<void>) | undefined;
  let clusterSessions: ClusterSessions | undefined;
  let sharedGroups: ClusterSharedGroups | undefined;
  let broker: Broker;
  const closeCollaborators = async (): Promise<void> => {
    accessControl?.close();
    rules?.close();
    authClient?.close();
    sessionClient?.close();
    await authStorage
      ?.close()
      .catch((err: unknown) => logger.warn({ err }, 'closing the auth storage failed'));
  };
  try {
    if (authClient || config.auth.storage !== 'placement') {
      // users, ACL and blacklist come from the auth storage (placement or MySQL); loaded before the first client is
      // accepted, so an unreachable store is a start-up error
      authStorage = await openAuthStorage(config.auth, authClient, logger);
      accessControl = new AccessControl(authStorage, openAuthenticators(config.auth, authStorage), {
        allowAnonymous: config.auth.allow_anonymous,
        aclDefault: config.auth.acl_default,
        refreshIntervalMs: config.auth.refresh_interval_ms,
        logger,
      });
      await accessControl.start();
    } else if (!config.auth.allow_anonymous) {
      throw new Error(
        '[auth] allow_anonymous = false needs [placement] enabled = true (or [auth] storage = "mysql"): users live in the placement center',
      );
    } else if (config.auth.chain.some((a) => a !== 'storage')) {
      // never start with credentials configured but unchecked
      throw new Error(
        `[auth] chain = ${JSON.stringify(config.auth.chain)} needs an auth storage for ACL rules and the blacklist: [placement] enabled = true or [auth] storage = "mysql"`,
      );
    }
    if (authClient) {
      // topic rewrite and auto-subscribe rules live in placement, refreshed on the auth interval
      rules = new BrokerRules(authClient, { refreshIntervalMs: config.auth.refresh_interval_ms, logger });
      await rules.start();
    }
    const opened = await openBrokerStorage(config, logger, clusterSecurity);
    storage = opened.storage;
    logger.info({ storage: opened.type, chosenBy: opened.chosenBy }, 'message and session storage opened');
    // with the journal as storage, the broker is one of a cluster: messages go through the cluster's shared log
    shared = isClustered(config, opened.type)
      ? await openSharedLog(config, logger, clusterSecurity)
      : undefined;
    const log =
      shared?.log ??
      (await MessageLog.open(storage, { retentionMs: config.storage.message_retention_s * 1000 }, logger));
    const persistence = await SessionPersistence.open(storage, logger);
    await persistence.setup({ id: `mqtt-broker-${config.node.id}` });
    const sessionSync = sessionClient
      ? new PlacementSessions(sessionClient, config.node.id, logger)
      : undefined;
    // another broker's own namespace (read only when that broker is gone) is named as storage/open-storage.ts names ours
    const otherBrokerStorage = (nodeId: number): Promise<StorageAdapter> =>
      openJournalNamespace(config, `mqtt-broker-${nodeId}`, logger, clusterSecurity);
    clusterSessions =
      shared && sessionClient
        ? new ClusterSessions(sessionClient, config.node.id, logger, clusterToken, otherBrokerStorage, tls)
        : undefined;
    const takeOver = clusterSessions ? (clientId: string) => clusterSessions!.takeOver(clientId) : undefined;
    if (shared && sessionClient)
      sharedGroups = new ClusterSharedGroups(
        sessionClient,
        config.node.id,
        shared.log,
        logger,
        config.mqtt.position_commit_interval_ms,
        incarnation,
      );
    broker = new Broker(
      brokerSettings(config),
      logger,
      { storage, log, persistence },
      { accessControl, rules, sessionSync, takeOver, sharedGroups, clientLimits },
    );
    await sharedGroups?.start(broker.router);
    await restoreSessions(broker);
    broker.delayed.restore();
    if (shared) stopSharedRouting = await startSharedRouting(shared.log, broker, config.node.id, logger);
  } catch (err) {
    await sharedGroups?.stop();
    await closeCollaborators();
    await shared?.log.stop();
    await shared?.storage
      .close()
      .catch((closeErr: unknown) => logger.warn({ err: closeErr }, 'closing the cluster storage failed'));
    await storage
      ?.close()
      .catch((closeErr: unknown) => logger.warn({ err: closeErr }, 'closing storage failed'));
    tls?.close();
    throw err;
  }
  const store = storage;
  const commitTimer = setInterval(() => broker.commitSessions(), COMMIT_INTERVAL_MS).unref();
  const retentionTimer = setInterval(() => {
    store.enforceRetention().catch((err: unknown) => logger.warn({ err }, 'message log retention failed'));
  }, RETENTION_INTERVAL_MS).unref();

  let listeners: Listeners | undefined;
  let stopSys: (() => void) | undefined;
  let http: FastifyInstance | undefined;
  let registration: PlacementRegistration | undefined;
  let inner: InnerGrpcServer | undefined;

  const shutdown = async (): Promise<void> => {
    accessControl?.close();
    rules?.close();
    authClient?.close();
    stopSys?.();
    broker.delayed.stop();
    // shared groups are handed to the other brokers while the members can still acknowledge what they have
    await sharedGroups?.leave();
    // stop accepting first, so clients that reconnect on disconnect do not land here again
    const listenersClosed = listeners?.close() ?? Promise.resolve();
    await broker.closeAll();
    await listenersClosed;
    // the ended connections are handed to placement before this broker leaves the cluster, so the leader fires their
    // delayed wills from the hand-off instead of taking the sessions over as a dead broker's
    await broker.sessionSync?.drain(SESSION_HAND_OFF_DRAIN_MS);
    const unregistered = (await registration?.stop()) ?? true;
    await sharedGroups?.stop(unregistered);
    await inner?.close();
    clusterSessions?.close();
    sessionClient?.close();
    // after the listeners: a CONNECT still being checked gets its answer rather than "auth unavailable"
    await authStorage
      ?.close()
      .catch((err: unknown) => logger.warn({ err }, 'closing the auth storage failed'));
    await http?.close();
    limits.close();
    clearInterval(commitTimer);
    clearInterval(retentionTimer);
    // what was accepted is made durable, and the sessions' positions committed, before storage closes
    await broker.log.drain();
    await stopSharedRouting?.();
    await broker.drainCommits();
    await broker.persistence.destroy();
    await store.close();
    await shared?.storage.close();
    tls?.close();
  };

  try {
    if (config.placement.enabled) {
      inner = await startInnerGrpc(
        broker,
        config.network.host,
        config.network.grpc_port,
        logger,
        clusterToken,
        tls,
      );
      warnIfClusterAuthOff(
        logger,
        clusterToken,
        config.network.host,
        `the broker inner gRPC service (port ${inner.port})`,
        tls,
      );
    }
    listeners = await startListeners(config, broker, logger, {
      maxSockets,
      reporter: limits,
      // only with a connect rate: reading a socket's address costs it 88 bytes for its lifetime (issue 16)
      ...(clientLimits.limitsConnectRate
        ? { admit: (remoteHost: string, listener: string) => clientLimits.admitSocket(remoteHost, listener) }
        : {}),
    });

    const registry = createBrokerMetrics(broker, config.node.id);
    limits.register(registry, 'mqtt_limit_hits_total');
    const admin = createHttpServer(logger, {
      tokens: httpTokens,
      limits: config.http,
      reporter: limits,
      observability: { registry, health: () => ({ status: 'ok', clients: broker.clientCount }) },
    });
    await admin.app.register(adminApi(broker));
    http = admin.app;
    const httpPort = await listenHttp(http, config.network.http_port, config.network.host);
    warnIfAdminApiOpen(logger, admin.auth, config.network.host, httpPort, 'the MQTT broker');

    const ports = { ...listeners.ports, http: httpPort, ...(inner ? { grpc: inner.port } : {}) };
    stopSys = startSysTopics(broker, config);
    if (config.placement.enabled)
      registration = await registerWithPlacement(config, ports, logger, clusterToken, tls, incarnation);
    logger.info(
      { ...ports, host: config.network.host, placement: config.placement.enabled },
      'MQTT broker started',
    );

    let closing: Promise<void> | undefined;
    return {
      ports,
      httpRoutes: admin.auth.routes,
      broker,
      close() {
        closing ??= shutdown().then(() => logger.info('MQTT broker stopped'));
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
