// Starts a real broker in-process for a test file: ports 0 on 127.0.0.1, placement off, logs silent, and a
// temporary data dir that `stop()` removes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMqttBrokerConfig, startMqttBroker, type MqttBrokerConfig, type MqttBrokerHandle } from '../../src/index.js';

export interface TestBroker {
  handle: MqttBrokerHandle;
  config: MqttBrokerConfig;
  url: string;
  stop(): Promise<void>;
}

export async function startTestBroker(mqtt: Record<string, unknown> = {}): Promise<TestBroker> {
  const dataDir = mkdtempSync(join(tmpdir(), 'robustmq-mqtt-broker-'));
  const config = loadMqttBrokerConfig({
    env: {},
    overrides: {
      node: { data_dir: dataDir },
      network: { host: '127.0.0.1', tcp_port: 0, http_port: 0 },
      placement: { enabled: false },
      log: { level: process.env.TEST_LOG_LEVEL ?? 'silent' },
      mqtt,
    },
  });
  const handle = await startMqttBroker(config);
  return {
    handle,
    config,
    url: `mqtt://127.0.0.1:${handle.ports.mqtt}`,
    async stop() {
      await handle.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
