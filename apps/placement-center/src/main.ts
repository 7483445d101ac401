// Command-line entry: `node apps/placement-center/dist/main.js --config config/placement-center.toml` (`--help` for usage).
import { runService } from '@robustmq/common';
import { loadPlacementCenterConfig } from './config.js';
import { startPlacementCenter } from './placement-center.js';

await runService('placement-center', loadPlacementCenterConfig, (config) => startPlacementCenter(config));
