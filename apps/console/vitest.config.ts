import { projectConfig } from '../../vitest.shared.js';

export default projectConfig('console', { testTimeout: 60_000 });
