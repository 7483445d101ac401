// Command-line entry: `node apps/kafka-broker/dist/main.js --config config/kafka-broker.toml` (`--help` for usage);
// stops cleanly on SIGINT/SIGTERM.
import { runService } from '@robustmq/common';
import { startKafkaBroker } from './broker.js';
import { loadKafkaBrokerConfig } from './config.js';

await runService('kafka-broker', loadKafkaBrokerConfig, (config) => startKafkaBroker(config));
