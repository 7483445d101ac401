// `node dist/main.js [--config file.toml]`: reads the broker's config and starts it; stops cleanly on SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { ConfigError } from '@robustmq/common';
import { startMqttBroker } from './broker.js';
import { loadMqttBrokerConfig } from './config.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: 'string', short: 'c' } } });
  const config = loadMqttBrokerConfig(values.config ? { file: values.config } : {});
  const broker = await startMqttBroker(config);
  const stop = (): void => {
    broker.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('mqtt-broker: error while stopping:', err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? `mqtt-broker: ${err.message}` : err);
  process.exit(err instanceof ConfigError ? 2 : 1);
});
