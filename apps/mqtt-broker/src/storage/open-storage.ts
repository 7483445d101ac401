// Opens the StorageAdapter the broker keeps its message log and session state in, from `[storage]`: any type the
// storage-adapter factory builds. The journal adapter finds the journal cluster through `[placement] addresses`; the
// mysql adapter takes the connection keys of the MySQL auth storage (`[auth] mysql_*`), so one database serves both.
//
// `[storage] type` unset: the first start-up picks journal when placement lists a journal server (the designed data
// path, and what `robustmq start` with a journal role gets), else rocksdb (a lone embedded broker). The choice is
// written to `<data_dir>/storage-type` and read back on every later start, so a broker never switches stores behind
// its user's back (a journal server that happens to be down at a restart must not turn a journal broker into an empty
// rocksdb one). A data dir that already holds a rocksdb store from before the marker existed stays on rocksdb.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ClusterTls, type Logger } from '@robustmq/common';
import { PlacementClient } from '@robustmq/placement-client';
import {
  STORAGE_TYPES,
  createStorageAdapter,
  rocksDbStoragePath,
  type StorageAdapter,
  type StorageType,
} from '@robustmq/storage-adapter';
import { mysqlAuthOptions } from '../auth/open-auth-storage.js';
import type { MqttBrokerConfig } from '../config.js';

const MARKER = 'storage-type';

export interface OpenedStorage {
  storage: StorageAdapter;
  type: StorageType;
  /** how the type was decided, for the start-up log. */
  chosenBy:
    | 'config'
    | 'marker'
    | 'journal servers registered'
    | 'no journal server registered'
    | 'existing rocksdb data'
    | 'placement disabled';
}

/** the placement namespace of this broker's journal shards. */
export function journalNamespace(config: MqttBrokerConfig): string {
  return config.storage.journal_namespace || `mqtt-broker-${config.node.id}`;
}

/** `cluster`: the cluster token and TLS the journal adapter and the placement probe use (as every cluster client). */
export async function openBrokerStorage(
  config: MqttBrokerConfig,
  logger: Logger,
  cluster: ClusterSecurity,
): Promise<OpenedStorage> {
  const { type, chosenBy } = await resolveStorageType(config, logger, cluster);
  const storage = await createStorageAdapter(adapterConfig(config, type, logger, cluster));
  return { storage, type, chosenBy };
}

export interface ClusterSecurity {
  authToken: string | undefined;
  tls: ClusterTls | undefined;
}

/** The journal adapter's settings for the journal namespace `namespace`, with this broker's journal keys. */
export function journalAdapterConfig(
  config: MqttBrokerConfig,
  namespace: string,
  logger: Logger,
  cluster: ClusterSecurity,
): Parameters<typeof createStorageAdapter>[0] {
  if (!config.placement.enabled) {
    throw new Error(
      '[storage] type = "journal" needs [placement] enabled = true: the journal cluster is found through the placement center',
    );
  }
  return {
    type: 'journal',
    journal: {
      placementAddresses: config.placement.addresses,
      namespace,
      acks: config.storage.journal_acks,
      ...(config.storage.journal_replicas > 0 ? { replicaCount: config.storage.journal_replicas } : {}),
      logger,
      authToken: cluster.authToken,
      tls: cluster.tls,
    },
  };
}

function adapterConfig(
  config: MqttBrokerConfig,
  type: StorageType,
  logger: Logger,
  cluster: ClusterSecurity,
): Parameters<typeof createStorageAdapter>[0] {
  switch (type) {
    case 'journal':
      return journalAdapterConfig(config, journalNamespace(config), logger, cluster);
    case 'mysql': {
      const { host, port, user, password, database, poolSize } = mysqlAuthOptions(config.auth);
      return { type, host, port, user, password, database, poolSize };
    }
    default:
      return { type, dataDir: config.node.data_dir };
  }
}

async function resolveStorageType(
  config: MqttBrokerConfig,
  logger: Logger,
  cluster: ClusterSecurity,
): Promise<{ type: StorageType; chosenBy: OpenedStorage['chosenBy'] }> {
  const marker = join(config.node.data_dir, MARKER);
  const configured = config.storage.type;
  if (configured) {
    remember(marker, configured, logger);
    return { type: configured, chosenBy: 'config' };
  }
  if (existsSync(marker)) {
    const stored = readFileSync(marker, 'utf8').trim();
    if (!(STORAGE_TYPES as readonly string[]).includes(stored)) {
      throw new Error(
        `${marker} names storage type "${stored}"; valid: ${STORAGE_TYPES.join(', ')} (set [storage] type, or fix or delete the file)`,
      );
    }
    return { type: stored as StorageType, chosenBy: 'marker' };
  }
  let chosen: { type: StorageType; chosenBy: OpenedStorage['chosenBy'] };
  if (existsSync(rocksDbStoragePath(config.node.data_dir)))
    chosen = { type: 'rocksdb', chosenBy: 'existing rocksdb data' };
  else if (!config.placement.enabled) chosen = { type: 'rocksdb', chosenBy: 'placement disabled' };
  else {
    const placement = new PlacementClient({
      addresses: config.placement.addresses,
      logger,
      attemptTimeoutMs: 2_000,
      callTimeoutMs: 10_000,
      authToken: cluster.authToken,
      tls: cluster.tls,
    });
    let journals: number;
    try {
      journals = (await placement.cluster.listNodes('JOURNAL_SERVER')).length;
    } catch (err) {
      throw new Error(
        `[storage] type is unset and the placement center (${config.placement.addresses.join(', ')}) could not be asked whether a journal cluster runs: ${(err as Error).message}; set [storage] type`,
      );
    } finally {
      placement.close();
    }
    chosen =
      journals > 0
        ? { type: 'journal', chosenBy: 'journal servers registered' }
        : { type: 'rocksdb', chosenBy: 'no journal server registered' };
  }
  remember(marker, chosen.type, logger);
  return chosen;
}

function remember(marker: string, type: StorageType, logger: Logger): void {
  try {
    if (existsSync(marker)) {
      const before = readFileSync(marker, 'utf8').trim();
      if (before === type) return;
      logger.warn(
        { before, now: type },
        'storage type changed by configuration: what was stored before is not read',
      );
    }
    mkdirSync(join(marker, '..'), { recursive: true });
    writeFileSync(marker, `${type}\n`);
  } catch (err) {
    logger.warn({ err, marker }, 'could not record the storage type in the data dir');
  }
}
