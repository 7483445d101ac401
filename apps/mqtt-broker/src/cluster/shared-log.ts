// Cluster mode: brokers whose storage is the journal form one MQTT cluster over it. Besides its own storage (its
// namespace: session state, the retained view, delayed messages), each opens the cluster's namespace on the same
// journal, whose one message shard every broker appends to and reads (storage/cluster-log.ts), and where session
// positions are committed, so that a session resumes on any broker from the same offset.
//
// The retained view: each broker keeps the retained messages it has read from the shared log in its own state, and
// commits how far that view reaches (group `mqtt-retained-view/<node id>` on the shared shard) once the view's writes
// are durable; at start-up it replays the log from there before it routes anything, so a broker that joins late or
// was down has every retained message before its first client connects.
import { createStorageAdapter, type StorageAdapter } from '@robustmq/storage-adapter';
import type { Logger } from '@robustmq/common';
import type { MqttBrokerConfig } from '../config.js';
import type { OutgoingPublish } from '../packets/outgoing-publish.js';
import { ClusterLog } from '../storage/cluster-log.js';
import { journalAdapterConfig, type ClusterSecurity } from '../storage/open-storage.js';

/** the placement namespace of the journal shards every broker of the cluster shares. */
export const CLUSTER_NAMESPACE = 'mqtt-cluster';
/** how often the retained view's reach is committed. */
const VIEW_COMMIT_INTERVAL_MS = 1_000;

export interface SharedLog {
  storage: StorageAdapter;
  log: ClusterLog;
}

/** Whether this broker is part of a cluster: placement finds its peers, and its storage is the shared journal. */
export function isClustered(config: MqttBrokerConfig, storageType: string): boolean {
  return config.placement.enabled && storageType === 'journal';
}

/** The journal namespace `namespace` of the cluster's journal, with this broker's journal settings, token and TLS. */
export function openJournalNamespace(
  config: MqttBrokerConfig,
  namespace: string,
  logger: Logger,
  cluster: ClusterSecurity,
): Promise<StorageAdapter> {
  return createStorageAdapter(journalAdapterConfig(config, namespace, logger, cluster));
}

export async function openSharedLog(
  config: MqttBrokerConfig,
  logger: Logger,
  cluster: ClusterSecurity,
): Promise<SharedLog> {
  const storage = await openJournalNamespace(config, CLUSTER_NAMESPACE, logger, cluster);
  try {
    const log = await ClusterLog.open(
      storage,
      {
        retentionMs: config.storage.message_retention_s * 1000,
        appendsInFlight: config.storage.log_appends_in_flight,
      },
      logger,
    );
    return { storage, log };
  } catch (err) {
    await storage.close().catch(() => undefined);
    throw err;
  }
}

/** What the retained view needs of the broker. */
export interface RetainedViewHost {
  keepRetained(message: OutgoingPublish): void;
  /** resolves with false when a retained-view write failed since start-up (the view is then not committed). */
  retainedWritten(): Promise<boolean>;
  fromSharedLog(message: OutgoingPublish): void;
}

/** Brings the retained view up to the log's end, then starts routing the shared log; returns the stop function. */
export async function startSharedRouting(
  log: ClusterLog,
  host: RetainedViewHost,
  nodeId: number,
  logger: Logger,
): Promise<() => Promise<void>> {
  const group = `mqtt-retained-view/${nodeId}`;
  const from = (await log.fetchPosition(group)) ?? 0;
  await log.replay(from, (message) => {
    if (message.retain) host.keepRetained(message);
  });
  let committed = -1;
  const commitView = async (): Promise<void> => {
    const reach = log.nextOffset;
    if (reach === committed || !(await host.retainedWritten())) return;
    await log.commitPosition(group, reach);
    committed = reach;
  };
  await commitView();
  log.start((message) => host.fromSharedLog(message));
  let committing = false;
  const timer = setInterval(() => {
    if (committing) return;
    committing = true;
    commitView()
      .catch((err: unknown) => logger.warn({ err }, 'could not commit the retained view position'))
      .finally(() => (committing = false));
  }, VIEW_COMMIT_INTERVAL_MS).unref();
  return async () => {
    clearInterval(timer);
    await log.stop();
    await commitView().catch((err: unknown) =>
      logger.warn({ err }, 'could not commit the retained view position'),
    );
  };
}
