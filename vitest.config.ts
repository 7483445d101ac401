// One vitest configuration for every project: each project under apps/ and libs/ is a vitest project of its own.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['libs/*', 'apps/*'],
    passWithNoTests: true,
  },
});
