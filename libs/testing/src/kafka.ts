// Kafka brokers for tests, in-process through `startKafkaBroker(config)`: ports 0 on 127.0.0.1, logs silent, a temp
// data dir removed on stop. With no placement given, a placement center and a journal server of its own are started
// here (the designed data path: partitions are journal shards) and closed by `stop()`; given one (a cluster test),
// the broker registers there and uses that cluster's journal.

import { afterAll, beforeAll } from 'vitest';
import {
  loadKafkaBrokerConfig,
  startKafkaBroker,
  type KafkaBrokerConfig,
  type KafkaBrokerHandle,
} from '@robustmq/kafka-broker';
import { startTestJournalCluster, type TestJournalCluster } from './broker.js';
import { testLogLevel } from './logger.js';
import { lateFields } from './scope.js';
import { mergeSections, type Sections } from './sections.js';
import { removeDir, tempDir } from './temp-dir.js';

export interface TestKafkaBroker {
  handle: KafkaBrokerHandle;
  config: KafkaBrokerConfig;
  /** "127.0.0.1:<kafka port>", what clients bootstrap from. */
  bootstrap: string;
  /** "127.0.0.1:<kafka TLS port>" when the broker was given a certificate (`sections: { tls: {...} }`). */
  tlsBootstrap: string | undefined;
  /** http://127.0.0.1:<http port> */
  http: string;
  /** the placement center and journal server started for it (none when `placement` was given). */
  cluster: TestJournalCluster | undefined;
  placementAddress: string;
  stop(): Promise<void>;
  close(): Promise<void>;
}

export interface TestKafkaBrokerOptions {
  /** placement gRPC addresses of a running cluster (with a journal server); default: a cluster of its own. */
  placement?: string[];
  id?: number;
  /** further config sections merged over the kit's (e.g. `{ sasl: { enabled: true } }`). */
  sections?: Sections;
}

export async function startTestKafkaBroker(options: TestKafkaBrokerOptions = {}): Promise<TestKafkaBroker> {
  const dataDir = tempDir('kafka-broker');
  const cluster = options.placement ? undefined : await startTestJournalCluster();
  const placementAddresses = options.placement ?? [cluster!.placementAddress];
  let handle: KafkaBrokerHandle;
  let config: KafkaBrokerConfig;
  try {
    config = loadKafkaBrokerConfig({
      env: {},
      overrides: mergeSections(
        {
          node: { ...(options.id !== undefined ? { id: options.id } : {}), data_dir: dataDir },
          network: { host: '127.0.0.1', port: 0, tls_port: 0, http_port: 0 },
          placement: { addresses: placementAddresses, heartbeat_interval_ms: 500, refresh_interval_ms: 500 },
          log: { level: testLogLevel },
        },
        options.sections,
      ),
    });
    handle = await startKafkaBroker(config);
  } catch (err) {
    await cluster?.close();
    removeDir(dataDir);
    throw err;
  }
  let stopped = false;
  const broker: TestKafkaBroker = {
    handle,
    config,
    bootstrap: `127.0.0.1:${handle.ports.kafka}`,
    tlsBootstrap: handle.ports.kafka_tls !== undefined ? `127.0.0.1:${handle.ports.kafka_tls}` : undefined,
    http: `http://127.0.0.1:${handle.ports.http}`,
    cluster,
    placementAddress: placementAddresses[0]!,
    async stop() {
      if (stopped) return;
      stopped = true;
      await broker.handle.close();
      await cluster?.close();
      removeDir(dataDir);
    },
    close: () => broker.stop(),
  };
  return broker;
}

/** A file's two Kafka brokers: one open, one SASL-only (see useKafkaWithSasl). */
export interface KafkaWithSasl {
  readonly broker: TestKafkaBroker;
  readonly sasl: TestKafkaBroker;
}

/**
 * For the tests of a file: a Kafka broker with a placement center and journal server of its own, and a second broker
 * on the same cluster under the cluster name `secure` (its own topics and broker list) that requires SASL, where the
 * MQTT user `user` logs in with `password`. Started in `beforeAll`, stopped after the file.
 */
export function useKafkaWithSasl(user: string, password: string): KafkaWithSasl {
  let broker: TestKafkaBroker | undefined;
  let sasl: TestKafkaBroker | undefined;
  beforeAll(async () => {
    broker = await startTestKafkaBroker();
    sasl = await startTestKafkaBroker({
      placement: [broker.placementAddress],
      id: 2,
      sections: { node: { cluster_name: 'secure' }, sasl: { enabled: true } },
    });
    await broker.cluster!.placement.client().mqtt.createUser(user, password);
  });
  afterAll(async () => {
    await sasl?.stop();
    await broker?.stop();
  });
  return lateFields<KafkaWithSasl>('useKafkaWithSasl', { broker: () => broker, sasl: () => sasl });
}

export { RawKafkaClient } from './raw-kafka.js';
export {
  kcat,
  kcatSasl,
  kcatProps,
  kcatRead,
  kcatRun,
  lines,
  type KcatReadOptions,
  type KcatRun,
} from './kcat.js';
export { kafkaPython, kafkaPythonSaslProduce } from './kafka-python.js';
