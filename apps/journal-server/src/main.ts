// Command-line entry: `node apps/journal-server/dist/main.js --config config/journal-server.toml` (`--help` for usage).
import { runService } from '@robustmq/common';
import { loadJournalServerConfig } from './config.js';
import { startJournalServer } from './journal-server.js';

await runService('journal-server', loadJournalServerConfig, (config) => startJournalServer(config));
