// Assembles a placement center: the local store, the node registry, the gRPC server and the HTTP admin server.
import * as grpc from '@grpc/grpc-js';
import {
  RocksDbEngine,
  adminTokens,
  clusterAuthToken,
  clusterTls,
  clusterGrpcServerOptions,
  collectProcessMetrics,
  createLogger,
  createMetricsRegistry,
  createHttpServer,
  LimitReporter,
  listenHttp,
  scrapedGauge,
  warnIfAdminApiOpen,
  warnIfClusterAuthOff,
  Gauge,
  type Logger,
  type RegisteredRoute,
} from '@robustmq/common';
import {
  bindGrpcServer,
  clusterServerCredentials,
  clusterServiceDefinition,
  journalServiceDefinition,
  kvServiceDefinition,
  mqttServiceDefinition,
  sameTurnTrailers,
  shutdownGrpcServer,
} from '@robustmq/protocol';
import { RaftNode } from '@robustmq/raft/node';
import { GrpcRaftTransport } from '@robustmq/raft/transport';
import { clusterMembers, type PlacementCenterConfig } from './config.js';
import { PlacementStateMachine } from './state/state-machine.js';
import { LocalProposer, type Proposer } from './state/proposer.js';
import { RaftProposer, placementApplication } from './state/raft-proposer.js';
import { openRaftLogStore, type OpenedRaftLog } from './state/raft-log-store.js';
import { NodeRegistry } from './cluster/node-registry.js';
import { clusterServiceHandlers } from './grpc/cluster-service.js';
import { BatchStreams, kvServiceHandlers } from './grpc/kv-service.js';
import { adminRoutes } from './http/admin-routes.js';
import { metadataApi } from './http/admin-api.js';
import { membershipRoutes } from './http/membership-routes.js';
import { consoleRoutes } from './http/console-routes.js';
import { builtConsoleDir, consoleStatic } from './http/console-static.js';
import { DataPlaneAdmin } from './console/data-plane-admin.js';
import { mqttServiceHandlers } from './grpc/mqtt-service.js';
import { journalServiceHandlers } from './grpc/journal-service.js';
import { grpcAuthRejections, grpcMetrics } from './grpc/grpc-metrics.js';
import { MqttUsers } from './mqtt/mqtt-users.js';
import { MqttAcl } from './mqtt/mqtt-acl.js';
import { MqttBlacklist } from './mqtt/mqtt-blacklist.js';
import { ObservedMqttResources } from './mqtt/observed-resources.js';
import { LeaderControllers } from './scheduler/leader-controllers.js';
import { MqttSessionScheduler } from './scheduler/mqtt-session-scheduler.js';
import { JournalSegmentHandover } from './scheduler/journal-segment-handover.js';
import { SharedGroupLeaderScheduler } from './scheduler/shared-group-leader-scheduler.js';
import { SharedGroupLeaders } from './mqtt/shared-group-leaders.js';
import { JournalMetadata } from './journal/journal-metadata.js';
import { ConsumerOffsets } from './journal/consumer-offsets.js';
import { raftStatus, singleNodeStatus } from './cluster/cluster-status.js';

export interface PlacementCenterHandle {
  ports: { grpc: number; http: number };
  /** every route of the HTTP admin API and who may call it. */
  httpRoutes: readonly RegisteredRoute[];
  /** host:port of the gRPC server, for clients in the same process. */
  grpcAddress: string;
  close(): Promise<void>;
}

export async function startPlacementCenter(
  config: PlacementCenterConfig,
  options: { logger?: Logger } = {},
): Promise<PlacementCenterHandle> {
  const logger =
    options.logger ??
    createLogger({ service: 'placement-center', nodeId: config.node.id, level: config.log.level });
  const opened: (() => Promise<void> | void)[] = [];
  try {
    return await assemble(config, logger, opened);
  } catch (err) {
    // a failed start closes what it had opened, newest first: a RocksDB left open keeps its lock, and a second start
    // in this process (or a test's next step) could not open the data dir again
    for (const close of opened.reverse()) {
      try {
        await close();
      } catch (closeErr) {
        logger.warn({ err: closeErr }, 'placement center: cleanup after a failed start failed');
      }
    }
    throw err;
  }
}

async function assemble(
  config: PlacementCenterConfig,
  logger: Logger,
  opened: (() => Promise<void> | void)[],
): Promise<PlacementCenterHandle> {
  // resolved before anything is opened: an unreadable token file stops the start cleanly
  const clusterToken = clusterAuthToken(config.cluster);
  const tls = clusterTls(config.cluster, logger);
  opened.push(() => tls?.close());
  const httpTokens = adminTokens(config.http);
  const engine = await RocksDbEngine.open(config.node.data_dir);
  opened.push(() => engine.close());
  const members = clusterMembers(config);
  const raftMode = members.size > 0;
  // with Raft the synced log is the durable record; the state machine's writes need no fsync of their own, and
  // entries that are not commands (leader no-ops, membership changes) leave gaps in the applied indexes
  const sm = await PlacementStateMachine.open(engine, { sync: !raftMode, contiguous: !raftMode });
  opened.push(() => sm.close());
  const metrics = createMetricsRegistry('placement-center', config.node.id);
  // one check for every service on the port, the Raft transport included
  const authRejected = grpcAuthRejections(metrics);
  const serverOptions = clusterGrpcServerOptions(clusterToken, logger, authRejected);
  const server = new grpc.Server({
    ...serverOptions,
    // first: it needs grpc-js's own call object; a unary reply and its status then leave in one turn (issue #19)
    interceptors: [sameTurnTrailers((reason) => logger.warn(reason)), ...(serverOptions.interceptors ?? [])],
  });
  let proposer: Proposer;
  let raftNode: RaftNode | undefined;
  let raftLog: OpenedRaftLog | undefined;
  if (raftMode) {
    const log = await openRaftLogStore(
      config.node.data_dir,
      engine,
      config.cluster.raft_log_store,
      logger,
      config.cluster.raft_log_flush,
    );
    raftLog = log;
    opened.push(() => log.close());
    const storage = raftLog.storage;
    const transport = new GrpcRaftTransport({
      selfId: config.node.id,
      group: 'placement',
      peers: new Map([...members].filter(([id]) => id !== config.node.id)),
      server,
      logger,
      authToken: clusterToken,
      tls,
    });
    raftNode = await RaftNode.start({
      id: config.node.id,
      peers: [...members].map(([id, address]) => ({ id, address })),
      join: config.cluster.join,
      storage,
      transport,
      app: placementApplication(sm),
      tickMs: config.cluster.tick_ms,
      electionTicks: config.cluster.election_ticks,
      heartbeatTicks: 1,
      snapshotEntries: config.cluster.snapshot_entries,
      compactKeepEntries: Math.min(1000, Math.floor(config.cluster.snapshot_entries / 2)),
      // followers learn a commit with the next append or heartbeat instead of an extra message per write: they
      // apply (and serve stale reads and watches) up to a tick later, and every write costs them half the work
      raft: { lazyCommitBroadcast: true },
      logger: logger.child({ component: 'raft' }),
    });
    const node = raftNode;
    opened.push(() => node.stop());
    // set before any input can reach the node: its inputs come from I/O callbacks, after this continuation
    sm.gateWritesOn((index) => node.whenLogDurable(index));
    raftNode.on('fatal', (err: Error) => logger.fatal({ err }, 'placement raft node stopped'));
    raftNode.on('leader-change', (leader: number) => logger.info({ leader }, 'placement leader changed'));
    proposer = new RaftProposer(raftNode);
  } else {
    proposer = new LocalProposer(sm);
  }
  const registry = new NodeRegistry(sm, proposer, {
    timeoutMs: config.heartbeat.timeout_ms,
    checkIntervalMs: config.heartbeat.check_interval_ms,
    logger,
  });
  opened.push(() => registry.close());
  await registry.load();
  // every metadata service writes through the proposer and reads the applied state, so a Raft proposer slots in
  const mqtt = {
    users: new MqttUsers(sm, proposer),
    acl: new MqttAcl(sm, proposer),
    blacklist: new MqttBlacklist(sm, proposer),
    resources: new ObservedMqttResources(sm, proposer),
  };
  // leader-only scheduling: delayed wills, session expiry, a dead broker's sessions (more controllers join here)
  const controllers = new LeaderControllers(proposer, {
    checkIntervalMs: config.scheduler.leader_check_ms,
    logger,
  });
  const mqttScheduler = new MqttSessionScheduler(sm, mqtt.resources, registry, {
    retryMs: config.scheduler.retry_ms,
    brokerCallTimeoutMs: config.scheduler.broker_call_timeout_ms,
    orphanGraceMs: config.heartbeat.timeout_ms,
    authToken: clusterToken,
    tls,
    logger: logger.child({ component: 'mqtt-scheduler' }),
  });
  controllers.add(mqttScheduler);
  opened.push(() => mqttScheduler.close());
  raftNode?.on('leader-change', () => controllers.leadershipChanged());
  const journal = new JournalMetadata(sm, proposer, registry);
  // an expired journal server's writable segments go to their most caught-up live replica
  controllers.add(
    new JournalSegmentHandover(sm, journal, registry, {
      retryMs: config.scheduler.retry_ms,
      callTimeoutMs: 1_000,
      authToken: clusterToken,
      tls,
      logger: logger.child({ component: 'journal-handover' }),
    }),
  );
  const offsets = new ConsumerOffsets(sm, proposer);
  // shared-subscription groups: the leader picks each group's broker and moves the groups of a broker that leaves
  const sharedGroups = new SharedGroupLeaders(sm, proposer, mqtt.resources, registry);
  controllers.add(
    new SharedGroupLeaderScheduler(sm, sharedGroups, {
      retryMs: config.scheduler.retry_ms,
      logger: logger.child({ component: 'shared-groups' }),
    }),
  );

  // history older than the retention is dropped; watchers that far behind get OUT_OF_RANGE and re-list
  const compaction = setInterval(() => {
    sm.compactHistory(config.kv.history_revisions).catch((err: unknown) =>
      logger.error({ err }, 'history compaction failed'),
    );
  }, 60_000);
  compaction.unref();
  opened.push(() => clearInterval(compaction));

  collectProcessMetrics(metrics);
  new Gauge({
    name: 'placement_registered_nodes',
    help: 'Nodes currently registered, by cluster type',
    labelNames: ['cluster_type'],
    registers: [metrics],
    collect() {
      this.reset();
      for (const node of registry.list()) this.inc({ cluster_type: node.clusterType });
    },
  });

  if (raftNode) {
    const node = raftNode;
    const raftGauge = (name: string, help: string, value: (s: ReturnType<RaftNode['status']>) => number) =>
      scrapedGauge(metrics, name, help, () => value(node.status()));
    raftGauge('placement_raft_term', 'Current Raft term', (s) => s.term);
    raftGauge('placement_raft_commit_index', 'Highest log index known committed', (s) => s.commitIndex);
    raftGauge(
      'placement_raft_applied_index',
      'Highest log index applied to the state machine',
      (s) => s.appliedIndex,
    );
    raftGauge('placement_raft_leader_id', 'Node id of the current leader (0: none known)', (s) => s.leaderId);
    raftGauge('placement_raft_is_leader', '1 when this member leads the group', (s) =>
      s.role === 'leader' ? 1 : 0,
    );
    raftGauge('placement_raft_members', 'Members in the current configuration', (s) => s.members.length);
    new Gauge({
      name: 'placement_raft_applied_before_own_flush',
      help: "Writes this member answered as leader once its followers' acks committed them, before its own log write of them returned (since start)",
      registers: [metrics],
      collect() {
        this.set(node.earlyApplies);
      },
    });
    new Gauge({
      name: 'placement_raft_advanced_before_own_flush',
      help: "Leader Readys whose writes its followers' acks committed and which it moved past before its own log write of them returned: the next write did not wait for that flush (since start)",
      registers: [metrics],
      collect() {
        this.set(node.advancedBeforeOwnFlush);
      },
    });
  }
  scrapedGauge(metrics, 'placement_kv_revision', 'Current KV revision', () => sm.currentRevision);
  const grpcRequests = grpcMetrics(metrics);
  server.addService(
    clusterServiceDefinition(),
    grpcRequests.instrument(
      clusterServiceDefinition(),
      clusterServiceHandlers(registry, {
        intervalMs: config.heartbeat.interval_ms,
        timeoutMs: config.heartbeat.timeout_ms,
      }),
    ),
  );
  const kvStreams = new BatchStreams();
  server.addService(
    kvServiceDefinition(),
    grpcRequests.instrument(kvServiceDefinition(), kvServiceHandlers(sm, proposer, kvStreams)),
  );
  server.addService(
    mqttServiceDefinition(),
    grpcRequests.instrument(mqttServiceDefinition(), mqttServiceHandlers({ ...mqtt, sharedGroups })),
  );
  server.addService(
    journalServiceDefinition(),
    grpcRequests.instrument(journalServiceDefinition(), journalServiceHandlers(journal, offsets)),
  );
  opened.push(() => server.forceShutdown());
  const grpcPort = await bindGrpcServer(
    server,
    config.network.host,
    config.network.grpc_port,
    'gRPC port',
    clusterServerCredentials(tls),
  );
  warnIfClusterAuthOff(
    logger,
    clusterToken,
    config.network.host,
    `placement gRPC (port ${grpcPort}: metadata services and Raft)`,
    tls,
  );

  const limits = new LimitReporter(logger);
  limits.register(metrics, 'placement_limit_hits_total');
  opened.push(() => limits.close());
  const { app: http, auth: httpAuth } = createHttpServer(logger, {
    tokens: httpTokens,
    limits: config.http,
    reporter: limits,
    observability: { registry: metrics, health: () => ({ status: 'ok', nodes: registry.list().length }) },
  });
  opened.push(() => http.close());
  await http.register(adminRoutes, { registry, sm, proposer });
  const self = {
    nodeId: config.node.id,
    clusterName: config.node.cluster_name,
    grpcAddress: () => `${config.network.advertise_host}:${grpcPort}`,
  };
  const status = raftNode ? raftStatus(raftNode, self) : singleNodeStatus(sm, self);
  await http.register(metadataApi, { status, ...mqtt, journal });
  if (raftNode) await http.register(membershipRoutes, { node: raftNode, proposer });
  await http.register(consoleRoutes, { dataPlane: new DataPlaneAdmin(registry) });
  if (config.console.enabled)
    await http.register(consoleStatic, { dir: config.console.dir || builtConsoleDir() });
  const httpPort = await listenHttp(http, config.network.http_port, config.network.host);
  warnIfAdminApiOpen(logger, httpAuth, config.network.host, httpPort, 'the placement center');

  controllers.start();
  logger.info({ grpcPort, httpPort, dataDir: config.node.data_dir }, 'placement center started');

  let closing: Promise<void> | undefined;
  return {
    ports: { grpc: grpcPort, http: httpPort },
    httpRoutes: httpAuth.routes,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    close() {
      closing ??= (async () => {
        await http.close();
        limits.close();
        // clients' KV streams answer what they hold and end; watches are endless streams: give unary calls a moment
        // to finish, then cut what is left
        kvStreams.drain();
        await shutdownGrpcServer(server, 1_000);
        await controllers.close();
        mqttScheduler.close();
        registry.close();
        clearInterval(compaction);
        await proposer.close();
        await sm.close();
        await raftLog?.close();
        await engine.close();
        tls?.close();
        logger.info('placement center stopped');
      })();
      return closing;
    },
  };
}
