// One vitest configuration for every project: each project under apps/ and libs/ is a vitest project of its own, plus
// the broker suites that run a second time on journal storage (apps/mqtt-broker/vitest.journal.config.ts) and on
// memory storage (apps/mqtt-broker/vitest.memory.config.ts).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      'libs/*',
      'apps/*',
      'apps/mqtt-broker/vitest.journal.config.ts',
      'apps/mqtt-broker/vitest.memory.config.ts',
    ],
    passWithNoTests: true,
  },
});
