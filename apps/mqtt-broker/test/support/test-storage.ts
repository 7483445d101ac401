// Which storage the broker test suites run on, and the journal cluster they need for `journal`: the suites read
// MQTT_TEST_STORAGE (rocksdb by default; the vitest project `mqtt-broker-journal` sets journal), and a test file on
// journal storage gets one placement center and one journal server in-process, on free ports, for all its brokers.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '@robustmq/common';
import { loadJournalServerConfig, startJournalServer, type JournalServerHandle } from '@robustmq/journal-server';
import { loadPlacementCenterConfig, startPlacementCenter, type PlacementCenterHandle } from '@robustmq/placement-center';

export const TEST_STORAGE_TYPES = ['rocksdb', 'memory', 'journal'] as const;
export type TestStorageType = (typeof TEST_STORAGE_TYPES)[number];

/** the storage the suites run on: MQTT_TEST_STORAGE, else rocksdb. */
export function testStorageType(): TestStorageType {
  const value = process.env.MQTT_TEST_STORAGE ?? 'rocksdb';
  if (!(TEST_STORAGE_TYPES as readonly string[]).includes(value)) {
    throw new Error(`MQTT_TEST_STORAGE=${value}: valid values are ${TEST_STORAGE_TYPES.join(', ')}`);
  }
  return value as TestStorageType;
}

export interface TestJournalCluster {
  placementAddress: string;
  placement: PlacementCenterHandle;
  journal: JournalServerHandle;
  close(): Promise<void>;
}

/** One placement center and one journal server under `dir`, silent, on free ports. */
export async function startTestJournalCluster(dir: string): Promise<TestJournalCluster> {
  const logger = createLogger({ service: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  mkdirSync(dir, { recursive: true });
  const placement = await startPlacementCenter(
    loadPlacementCenterConfig({
      env: {},
      overrides: { node: { data_dir: join(dir, 'pc') }, network: { host: '127.0.0.1', grpc_port: 0, http_port: 0 } },
    }),
    { logger },
  );
  let journal: JournalServerHandle;
  try {
    journal = await startJournalServer(
      loadJournalServerConfig({
        env: {},
        overrides: {
          node: { id: 1, data_dir: join(dir, 'js') },
          network: { host: '127.0.0.1', data_port: 0, http_port: 0, grpc_port: 0 },
          placement: { addresses: [placement.grpcAddress], heartbeat_interval_ms: 500 },
        },
      }),
      { logger },
    );
  } catch (err) {
    await placement.close();
    throw err;
  }
  return {
    placementAddress: placement.grpcAddress,
    placement,
    journal,
    async close() {
      await journal.close();
      await placement.close();
    },
  };
}
