// Command-line entry: `node apps/mqtt-broker/dist/main.js --config config/mqtt-broker.toml` (`--help` for usage);
// stops cleanly on SIGINT/SIGTERM.
import { runService } from '@robustmq/common';
import { startMqttBroker } from './broker.js';
import { loadMqttBrokerConfig } from './config.js';

await runService('mqtt-broker', loadMqttBrokerConfig, (config) => startMqttBroker(config));
